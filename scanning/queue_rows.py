"""The triage queue's items, written out in Python.

Drawn by the template, an item cost about a millisecond (three URLs, a dozen translations,
some forty variable lookups and filters), and the 25 items of a page were two fifths of
drawing the queue. The same markup is written out here, with what every item of a page shares
(the translations, the URLs but for the item's id, the form's token) read once per page, as
``signals.rows`` does for the signal list. The template (``scanning/queue.html``) calls
``{% queue_item item %}``: each feed's text without bidirectional controls and escaped, as the
template's filters did; an entry's summary is HTML that nh3 cleaned when it was stored.
"""

from html import escape
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from core.lib.text import strip_bidi_controls
from core.lib.urls import UrlById
from signals.display import local_moment

from .models import TriageItem


def _text(value) -> str:
    """A feed's text as an element's text or an attribute's value, escaped."""
    return escape(strip_bidi_controls(str(value)))


class QueueItems:
    """The items of one page of the queue: what they share, read once, and ``item(item)``."""

    def __init__(self, *, organization_slug: str, csrf_token: str, back_to: str):
        self._promote = UrlById("scanning:promote", organization_slug)
        self._dismiss = UrlById("scanning:dismiss", organization_slug)
        self._zone = timezone.get_current_timezone()
        self._csrf = escape(csrf_token)
        self._back_to = escape(back_to)
        # The promote form returns to this page of the queue once the signal is logged.
        self._promote_query = f"?{urlencode({'next': back_to})}" if back_to else ""
        self._new_tab = escape(gettext("(opens in a new tab)"))
        self._no_title = escape(gettext("(no title)"))
        self._unfollowed = gettext("Feed no longer followed")
        self._other_unfollowed = gettext("a feed no longer followed")
        self._also_in = escape(gettext("Also in:"))
        self._select = escape(gettext("Select"))
        self._promote_label = gettext("Promote: %(title)s")
        self._promote_text = escape(gettext("Promote"))
        self._dismiss_label = gettext("Dismiss: %(title)s")
        self._dismiss_text = escape(gettext("Dismiss"))

    def item(self, item: TriageItem) -> SafeString:
        """One ``<li>``: the entry's title (linking to its source if that is a web address),
        its feed, date and the other feeds that carried it, its summary, and the item's
        Select, Promote and Dismiss."""
        entry = item.entry
        pk = item.pk
        # A feed may leave an entry without a title: the item still needs a name, to be read
        # by its heading and its buttons.
        title = _text(entry.title) or self._no_title
        if item.source_url:
            heading = (
                f'<a href="{escape(item.source_url)}" target="_blank" rel="noopener noreferrer"'
                f" data-open>{_text(entry.title or entry.link) or self._no_title}"
                f'<span class="visually-hidden"> {self._new_tab}</span></a>'
            )
        else:
            heading = title
        feed = item.subscription.name if item.subscription else ""
        published, published_on = local_moment(item.published_at, self._zone)
        html = [
            f'\n\n<li id="item-{pk}">\n'
            f'  <article class="queue-item" tabindex="-1" data-item="{pk}"'
            f' aria-labelledby="item-{pk}-title">\n'
            f'    <h2 class="queue-item__title" id="item-{pk}-title">{heading}</h2>\n'
            f'    <p class="queue-item__meta">\n'
            f'      <span class="queue-item__feed">{_text(feed or self._unfollowed)}</span>\n'
            f'      · <time datetime="{escape(published)}">{escape(published_on)}</time>\n      '
        ]
        if item.also_in:
            others = ", ".join(
                f"<bdi>{_text(name or self._other_unfollowed)}</bdi>" for name in item.also_in
            )
            html.append(f'· <span class="queue-item__also">{self._also_in} {others}</span>')
        html.append("\n    </p>\n    ")
        if entry.summary_html:
            # Cleaned by nh3 when the entry was stored (scanning.feed_html).
            html.append(f'<div class="queue-item__summary">{entry.summary_html}</div>')
        dismiss = escape(self._dismiss(pk))
        html.append(
            '\n    <div class="queue-item__actions">\n'
            '      <span class="field--checkbox queue-item__select">\n'
            f'        <input type="checkbox" id="select-{pk}" name="items" value="{pk}"'
            ' form="queue-selection" data-select>\n'
            f'        <label for="select-{pk}">{self._select}'
            f'<span class="visually-hidden">: {title}</span></label>\n'
            "      </span>\n"
            f'      <a class="button" href="{escape(self._promote(pk) + self._promote_query)}"'
            " data-promote"
            f' aria-label="{self._promote_label % {"title": title}}">{self._promote_text}</a>\n'
            f'      <form method="post" action="{dismiss}" class="inline-form"\n'
            f'            hx-post="{dismiss}" hx-target="closest li" hx-swap="outerHTML"'
            " data-dismiss-form>\n"
            f'        <input type="hidden" name="csrfmiddlewaretoken" value="{self._csrf}">'
            f'<input type="hidden" name="next" value="{self._back_to}">\n'
            f'        <button type="submit" class="button-secondary" data-dismiss'
            f' aria-label="{self._dismiss_label % {"title": title}}">{self._dismiss_text}'
            "</button>\n"
            "      </form>\n"
            "    </div>\n"
            "  </article>\n"
            "</li>\n\n"
        )
        return mark_safe("".join(html))
