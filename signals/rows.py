"""The signal list's table rows, written out in Python.

Drawn by the template, a row cost a third of a millisecond (some thirty variable lookups, a
dozen filters, a URL, three loops), and the 25 rows of a page were more than half of the
list's rendering. The same elements are written out here, with what every row of a page shares
(the labels of the levels and statuses, the list's parameters) read once per page. The markup
is the list template's (``templates/signals/list.html`` calls ``{% signal_row signal %}``):
each person's text without bidirectional controls and escaped, as the template's filters did.
"""

import unicodedata
from html import escape

from django.http import QueryDict
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

from core.lib.people import display_name
from core.lib.text import strip_bidi_controls
from core.lib.urls import UrlById

from . import display
from .models import Signal

# A source is named by its name, else its address, cut to this many characters.
SOURCE_LENGTH = 80


def _text(value) -> str:
    """A person's text as an element's whole text (``without_bidi_controls``), escaped."""
    return escape(strip_bidi_controls(str(value)))


def _shortened(text: str) -> str:
    """``Truncator(text).chars(SOURCE_LENGTH)``, without the Truncator for a text already
    short enough (nearly every one), which it would return only normalised."""
    if len(text) <= SOURCE_LENGTH:
        return unicodedata.normalize("NFC", text)
    return Truncator(text).chars(SOURCE_LENGTH)


class ListRows:
    """The rows of one page of the list: what they share, read once, and ``row(signal)``."""

    def __init__(self, *, organization_slug: str, list_url: str, params: QueryDict, people):
        self.organization_slug = organization_slug
        self.list_url = list_url
        self.params = params
        self.people = people  # organizations.people.MemberNames, or None outside one
        self.labels = {name: display.choice_labels(name) for name in ("level", "status")}
        self.tags_heading = escape(gettext("Tags:"))
        self._detail = UrlById("signals:detail", organization_slug)
        self.zone = timezone.get_current_timezone()

    def _when(self, value) -> tuple[str, str]:
        """``display.local_moment`` in the zone read once per page (reading the current zone
        twice a row was a sixth of writing the rows)."""
        return display.local_moment(value, self.zone)

    def _label(self, signal: Signal, name: str) -> str:
        """``display.text`` of a choice, from the labels read once."""
        label = self.labels[name].get(getattr(signal, name))
        return escape(label if label is not None else display.text(signal, name))

    def _tag_link(self, tag) -> str:
        """The list filtered by the tag, its other parameters kept, from the first page."""
        query = self.params.copy()
        query["tag"] = tag.pk
        query.pop("page", None)
        return escape(f"{self.list_url}?{query.urlencode()}")

    def row(self, signal: Signal) -> SafeString:
        """One ``<tr>``: the title linking to the signal, the first source and the tags, the
        level, the area and trends, when and by whom it was logged, the status. Only the title
        heads the row: a screen reader repeats the row header for every cell."""
        detail = self._detail(signal.pk)
        html = [
            f'<tr><th scope="row" class="signal-table__title"><a href="{escape(detail)}">'
            f"{_text(signal.title)}</a></th><td>"
        ]
        if signal.source_list:
            source = signal.source_list[0]
            named = _shortened(source.name or source.url)
            html.append(f'<span class="signal-table__source">{_text(named)}</span>')
        if signal.tag_list:
            html.append(f'<span class="visually-hidden">{self.tags_heading}</span>')
            tags = "".join(
                f'<li><a href="{self._tag_link(tag)}">{_text(tag.name)}</a></li>'
                for tag in signal.tag_list
            )
            html.append(f'<ul class="tag-list">{tags}</ul>')
        html.append(
            f'</td><td><span class="level level--{escape(signal.level)}">'
            f"{self._label(signal, 'level')}</span></td><td>"
        )
        if signal.area:
            area = _text(display.text(signal, "area"))
            html.append(f'<span class="signal-table__area">{area}</span>')
        if signal.trend_list:
            trends = "".join(f"<li>{_text(trend.name)}</li>" for trend in signal.trend_list)
            html.append(f'<ul class="trend-list">{trends}</ul>')
        logged, day = self._when(signal.created_at)
        html.append(f'</td><td><time datetime="{escape(logged)}">{escape(day)}</time>')
        if signal.created_by:
            person = signal.created_by
            name = self.people(person) if self.people else display_name(person)
            html.append(f'<span class="signal-table__author">{_text(name)}</span>')
        html.append(
            f'</td><td><span class="status status--{escape(signal.status)}">'
            f"{self._label(signal, 'status')}</span></td></tr>"
        )
        return mark_safe("".join(html))
