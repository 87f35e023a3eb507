"""The list's rows (``signals.rows``, written out in Python): each cell as the template wrote
it, a person's text escaped and without bidirectional controls, a tag's link keeping the
list's other parameters."""

import html
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from django.urls import reverse

from organizations.roles import Role
from signals.models import Level, Signal, Status, Trend

from ..factories import SignalFactory

LIST = reverse("signals:list", args=["kungsbacka"])  # the `kommun` fixture
HOSTILE = '<b>"A&B"</b>\u202e'


def _rows(page: str) -> list[str]:
    return re.findall(r"<tr><th.*?</tr>", page, re.S)


def test_a_row_writes_each_cell_escaped(client_for, kommun, members):
    trend = Trend.objects.filter(organization=kommun).order_by("name").first()
    signal = SignalFactory(
        organization=kommun,
        title=HOSTILE,
        level=Level.NEAR,
        status=Status.DRAFT,
        area="Digitalisering",
        trends=[trend],
        tags=[HOSTILE],
        sources=[("https://www.scb.se/" + "x" * 100, "")],
        created_by=members[Role.SCANNER],
    )
    logged = datetime(2025, 3, 4, 8, 15, tzinfo=ZoneInfo("Europe/Stockholm"))
    Signal.objects.filter(pk=signal.pk).update(created_at=logged)
    client = client_for(members[Role.SCANNER])
    client.cookies["django_language"] = "en"
    page = client.get(LIST, {"q": "A", "per_page": "50", "page": "1"}).content.decode()
    (row,) = _rows(page)
    detail = reverse("signals:detail", args=[kommun.slug, signal.pk])
    escaped = html.escape('<b>"A&B"</b>')
    assert f'<a href="{detail}">{escaped}</a></th>' in row
    # The address, as the source has no name, cut to 80 characters.
    assert '<span class="signal-table__source">https://www.scb.se/xxx' in row
    assert re.search(r'signal-table__source">[^<]{79}…</span>', row)
    (tag_link,) = re.findall(r'<ul class="tag-list"><li><a href="([^"]*)">([^<]*)</a>', row)
    assert tag_link[1] == escaped
    assert html.unescape(tag_link[0]).startswith(f"{LIST}?q=A&per_page=50&tag=")
    assert "page=1" not in html.unescape(tag_link[0]).replace("per_page", "")
    assert '<span class="level level--near">Near world</span>' in row
    assert '<span class="signal-table__area">Digitalisering</span>' in row
    assert f'<ul class="trend-list"><li>{html.escape(trend.name)}</li></ul>' in row
    assert '<time datetime="2025-03-04T08:15:00+01:00">4\u00a0March\u00a02025</time>' in row
    assert '<span class="signal-table__author">Scanner-kungsbacka</span>' in row
    assert '<span class="status status--draft">Draft</span></td></tr>' in row
    assert "\u202e" not in row


def test_rows_follow_the_language(client_for, kommun, members):
    SignalFactory(organization=kommun, level=Level.INNER, tags=["Skola"])
    client = client_for(members[Role.MANAGEMENT])
    client.cookies["django_language"] = "sv"
    (row,) = _rows(client.get(LIST).content.decode())
    assert '<span class="visually-hidden">Etiketter:</span>' in row
    assert '<span class="level level--inner">Invärld</span>' in row
