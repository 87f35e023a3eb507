"""A failed fetch in words for the people who read a feed's health.

``core.lib.fetch`` says what went wrong for a log; here it becomes a sentence in the site's
language about the feed, with what the reader can do where there is something.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.lib.fetch import (
    AddressRefused,
    BadResponse,
    ConnectionFailed,
    FetchError,
    FetchTimeout,
    ResponseTooLarge,
)

# A feed's failure that no rule foresaw (logged with its traceback): that feed fails and
# backs off as after any other error, and its batch goes on.
UNHANDLED = gettext_lazy(
    "Something in the feed's answer could not be handled, so it was not read. The error is "
    "logged for the administrators, and the feed is polled again later."
)
NOT_STORABLE = gettext_lazy(
    "The feed's entries could not be stored: the database refused them. The error is logged "
    "for the administrators, and the feed is polled again later."
)


def describe_fetch_error(exc: FetchError) -> str:
    """The failure as a sentence in the site's language. What the fetch said in English stays
    in the log: the sentence names no more than the reader can act on."""
    if isinstance(exc, FetchTimeout):
        return _("The server did not answer completely within %(seconds)s seconds.") % {
            "seconds": settings.SCANNING_FETCH_TIMEOUT
        }
    if isinstance(exc, ResponseTooLarge):
        return _("The feed is larger than %(megabytes)s MB, more than a feed should be.") % {
            "megabytes": settings.SCANNING_MAX_FEED_BYTES // (1024 * 1024)
        }
    if isinstance(exc, AddressRefused):
        return _address_refused(exc)
    if isinstance(exc, ConnectionFailed):
        if exc.why == "no_such_host":
            return _("No server called %(host)s could be found. Check the address.") % {
                "host": _host(exc.url)
            }
        return _("The server %(host)s could not be reached; we try again later.") % {
            "host": _host(exc.url)
        }
    if isinstance(exc, BadResponse):
        return _bad_response(exc)
    return _("The address could not be fetched.")


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url


def _address_refused(exc: AddressRefused) -> str:
    if exc.why == "private":
        return _(
            "The address leads into a private network, not to the public internet, so it is "
            "not fetched. An intranet feed can be allowed by the administrator of Spaning."
        )
    if exc.why == "credentials":
        return _("Addresses with a user name or password in them are not fetched.")
    if exc.why in ("port", "invalid"):
        return _("The address is not valid. Check how it is written.")
    return _("Only addresses starting with http:// or https:// are fetched.")


def _bad_response(exc: BadResponse) -> str:
    if exc.why == "redirect_nowhere":
        return _("The server sends us on without a valid address to go to.")
    if exc.why == "redirect_loop":
        return _("The server sends us on from address to address without end.")
    if exc.why in ("invalid_http", "unreadable"):
        return _("The server's answer could not be read.")
    if exc.status == 404:
        return _("There is nothing at this address (404 Not Found). Check the address.")
    if exc.status in (401, 403):
        return _("The server refuses to give us the feed (%(status)s).") % {"status": exc.status}
    if exc.status == 429:
        return _("The server asks us to poll less often (429 Too Many Requests).")
    if exc.status is not None and exc.status >= 500:
        return _("The server has a problem of its own (%(status)s); we try again later.") % {
            "status": exc.status
        }
    return _("The server answered with status %(status)s.") % {"status": exc.status}
