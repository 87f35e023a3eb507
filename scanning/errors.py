"""A failed fetch in words for the people who read a feed's health.

``core.lib.fetch`` says what went wrong for a log; here it becomes a sentence in the site's
language about the feed, with what the reader can do where there is something.
"""

from django.conf import settings
from django.utils.translation import gettext as _

from core.lib.fetch import (
    AddressRefused,
    BadResponse,
    ConnectionFailed,
    FetchError,
    FetchTimeout,
    ResponseTooLarge,
)


def describe_fetch_error(exc: FetchError) -> str:
    if isinstance(exc, FetchTimeout):
        return _("The server did not answer completely within %(seconds)s seconds.") % {
            "seconds": settings.SCANNING_FETCH_TIMEOUT
        }
    if isinstance(exc, ResponseTooLarge):
        return _("The feed is larger than %(megabytes)s MB, more than a feed should be.") % {
            "megabytes": settings.SCANNING_MAX_FEED_BYTES // (1024 * 1024)
        }
    if isinstance(exc, AddressRefused):
        return _(
            "The address is not fetched: only http and https addresses on the public internet "
            "are. (%(reason)s)"
        ) % {"reason": exc}
    if isinstance(exc, ConnectionFailed):
        return _("The server could not be reached. (%(reason)s)") % {"reason": exc}
    if isinstance(exc, BadResponse):
        if exc.status == 404:
            return _("The feed is not there any more (404 Not Found). Check its address.")
        if exc.status in (401, 403):
            return _("The server refuses to give us the feed (%(status)s).") % {
                "status": exc.status
            }
        if exc.status == 429:
            return _("The server asks us to poll less often (429 Too Many Requests).")
        if exc.status is not None and exc.status >= 500:
            return _("The server has a problem of its own (%(status)s); we try again later.") % {
                "status": exc.status
            }
        if exc.status is not None:
            return _("The server answered with status %(status)s.") % {"status": exc.status}
        return _("The server's answer could not be used. (%(reason)s)") % {"reason": exc}
    return str(exc)
