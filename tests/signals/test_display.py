"""A signal's fields read the same wherever they are shown: on the detail page, in the conflict
message, in the history, in the list and in the CSV file, in the user's language."""

import csv
import html
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from organizations.models import Membership
from signals import display
from signals.forms import SignalForm
from signals.models import EDITABLE_FIELDS, Area, Level, Signal, Status, TimeHorizon, Trend
from signals.services import SourceData, signal_create, signal_update
from tests.conftest import make_member

AREAS = ("Digitalisering", "Välfärd och hälsa")


@pytest.fixture
def signal(kommun, members):
    """A signal logged with one set of values and then changed to another, so the history has
    a before and an after for every field asserted on here."""
    trends = list(Trend.objects.filter(organization=kommun).order_by("name")[:2])
    created = signal_create(
        organization=kommun,
        user=members["scanner"],
        title="Regionen inför AI-stöd i skolan",
        motivation="Våra skolor står inför samma beslut.",
        level=Level.NEAR,
        area=Area.objects.get(organization=kommun, name=AREAS[0]),
        trends=trends[:1],
        tags=["AI"],
        time_horizon=TimeHorizon.NOW,
        impact=1,
        certainty=1,
        sources=[SourceData(url="https://www.regionhalland.se/nyhet", name="Region Halland")],
    )
    signal_update(
        signal=created,
        user=members["editor"],
        expected_version=1,
        level=Level.OUTER,
        area=Area.objects.get(organization=kommun, name=AREAS[1]),
        trends=trends,
        tags=["AI", "Skolutveckling"],
        time_horizon=TimeHorizon.SHORT,
        impact=3,
        certainty=2,
        motivation="Våra skolor står inför samma beslut\noch samma kostnader.",
    )
    return Signal.objects.get(pk=created.pk)


def _text(fragment: str) -> str:
    """What a reader sees of an HTML fragment: no tags, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def detail_value(page: str, name: str) -> str:
    match = re.search(
        rf'id="signal-field-{name}".*?<div class="signal-field__value">(.*?)</div>', page, re.S
    )
    return match.group(1)


def detail_label(page: str, name: str) -> str:
    return _text(re.search(rf'id="signal-field-{name}">\s*<dt>(.*?)</dt>', page, re.S).group(1))


def history_row(page: str, label: str) -> tuple[str, str]:
    """The before and after of the change to the field labelled ``label``."""
    match = re.search(
        rf'<th scope="row">{re.escape(html.escape(label))}</th>\s*'
        r'<td class="history-changes__old">(.*?)</td>\s*'
        r'<td class="history-changes__new">(.*?)</td>',
        page,
        re.S,
    )
    assert match, label
    return _text(match.group(1)), _text(match.group(2))


def csv_rows(client, organization) -> list[dict[str, str]]:
    export = reverse("signals:export", args=[organization.slug])
    body = b"".join(client.get(export).streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff")), delimiter=";"))


def scanning(organization):
    """A scanning-group membership of the organisation: what the signal form is built for."""
    membership = Membership.objects.filter(organization=organization, role="scanner").first()
    return membership or make_member(organization, "scanner").memberships.get()


def pages(client, signal) -> tuple[str, str, dict[str, str]]:
    slug = signal.organization.slug
    detail = client.get(reverse("signals:detail", args=[slug, signal.pk])).content.decode()
    history = client.get(reverse("signals:history", args=[slug, signal.pk])).content.decode()
    (row,) = csv_rows(client, signal.organization)
    return detail, history, row


@pytest.fixture
def reader(members, client_for):
    return lambda language: _in(client_for(members["editor"]), language)


def _in(client, language):
    client.cookies["django_language"] = language
    return client


def test_every_editable_field_is_known_to_the_display():
    """A field added to the model and the form but not here would be shown by its bare name."""
    assert set(EDITABLE_FIELDS) <= set(display.FIELDS)


@pytest.mark.parametrize("language", ["en", "sv"])
@pytest.mark.parametrize(
    ("name", "before", "after"),
    [
        ("level", Level.NEAR.label, Level.OUTER.label),
        ("area", AREAS[0], AREAS[1]),
        ("time_horizon", TimeHorizon.NOW.label, TimeHorizon.SHORT.label),
    ],
)
def test_a_field_reads_the_same_on_the_detail_page_in_the_history_and_in_the_file(
    reader, signal, language, name, before, after
):
    detail, history, row = pages(reader(language), signal)
    with translation.override(language):
        before, after, label = str(before), str(after), display.label(name)
        header = str(display.get(name).spreadsheet_label or display.get(name).label)
    assert detail_label(detail, name) == label
    assert _text(detail_value(detail, name)).startswith(after)
    assert history_row(history, label) == (before, after)
    assert row[header] == after


def test_the_level_carries_its_explanation_and_colour_on_the_detail_page(reader, signal):
    value = detail_value(pages(reader("en"), signal)[0], "level")
    assert '<span class="level level--outer">Outer world</span>' in value
    assert _text(value) == f"Outer world {Level.OUTER.explanation}"


def test_trends_and_tags_read_as_the_same_names_everywhere(reader, signal):
    detail, history, row = pages(reader("en"), signal)
    for name, header in [("trends", "Trends"), ("tags", "Tags")]:
        names = [trend.name for trend in getattr(signal, name).all()]
        shown = re.findall(r"<li>(.*?)</li>", detail_value(detail, name))
        assert [html.unescape(text) for text in shown] == names
        assert history_row(history, header)[1] == ", ".join(names)
        assert row[header].split("; ") == names


def test_the_scales_read_as_words_on_pages_and_as_numbers_in_the_file(reader, signal):
    detail, history, row = pages(reader("en"), signal)
    assert _text(detail_value(detail, "impact")) == "Large"
    assert history_row(history, "Estimated impact") == ("Small", "Large")
    assert row["Impact (1–4)"] == "3"
    assert _text(detail_value(detail, "certainty")) == "Fairly certain"
    assert history_row(history, "How certain is the assessment?") == (
        "Uncertain",
        "Fairly certain",
    )
    assert row["Certainty of the assessment (1–3)"] == "2"


def test_the_motivation_names_the_organisation_on_pages_and_not_in_the_file(kommun, reader, signal):
    detail, history, row = pages(reader("en"), signal)
    label = "Why this is interesting for Kungsbacka"
    assert detail_label(detail, "motivation") == label
    assert SignalForm(membership=scanning(kommun))["motivation"].label == label
    assert (
        history_row(history, label)[1] == "Våra skolor står inför samma beslut och samma kostnader."
    )
    assert "<br>" in detail_value(detail, "motivation")  # its line break kept
    assert row["Why this is interesting for us"] == signal.motivation


def test_the_forms_label_every_field_as_the_pages_do(kommun):
    form = SignalForm(membership=scanning(kommun))
    labels = display.labels(kommun)
    assert {name: str(form[name].label) for name in form.fields if name in labels} == {
        name: labels[name] for name in EDITABLE_FIELDS
    }


def test_who_logged_it_and_when_read_the_same_on_the_detail_page_the_list_and_the_file(
    kommun, members, reader
):
    logged = datetime(2025, 3, 4, 8, 15, tzinfo=ZoneInfo("Europe/Stockholm"))
    signal = signal_create(
        organization=kommun,
        user=members["scanner"],
        title="Ny lag om förskola",
        motivation="Våra förskolor behöver förbereda sig.",
        level=Level.OUTER,
        sources=[SourceData(name="Regeringen")],
    )
    Signal.objects.filter(pk=signal.pk).update(created_at=logged)
    client = reader("en")
    detail = client.get(reverse("signals:detail", args=[kommun.slug, signal.pk])).content.decode()
    listing = client.get(reverse("signals:list", args=[kommun.slug])).content.decode()
    (row,) = csv_rows(client, kommun)
    assert "Logged by Scanner-kungsbacka on 4 March 2025, 08:15." in _text(detail)
    # A date is never split over two lines: its parts are joined by no-break spaces.
    assert "4\u00a0March\u00a02025, 08:15" in detail
    assert '<time datetime="2025-03-04T08:15:00+01:00">4\u00a0March\u00a02025</time>' in listing
    assert '<span class="signal-table__author">Scanner-kungsbacka</span>' in listing
    assert (row["Logged by"], row["Logged"]) == ("Scanner-kungsbacka", "2025-03-04 08:15")
    assert row["Sources"] == ""  # a source known by name only has no address


def test_the_list_shows_level_status_and_area_as_the_detail_page_does(kommun, reader, signal):
    signal_update(signal=signal, user=signal.created_by, expected_version=2, status=Status.DRAFT)
    client = reader("sv")
    listing = client.get(reverse("signals:list", args=[kommun.slug])).content.decode()
    detail = client.get(reverse("signals:detail", args=[kommun.slug, signal.pk])).content.decode()
    with translation.override("sv"):
        level, status = str(Level.OUTER.label), str(Status.DRAFT.label)
    assert f'<span class="level level--outer">{level}</span>' in listing
    assert f'<span class="status status--draft">{status}</span>' in listing
    assert f'<span class="signal-table__area">{AREAS[1]}</span>' in listing
    assert _text(detail_value(detail, "status")) == status
    assert _text(detail_value(detail, "area")) == AREAS[1]


def test_empty_fields_say_so_in_their_own_words(kommun, members, reader):
    signal = signal_create(
        organization=kommun,
        user=members["scanner"],
        title="Tom",
        motivation="Kort.",
        level=Level.INNER,
        sources=[SourceData(name="Samtal")],
    )
    detail = (
        reader("en").get(reverse("signals:detail", args=[kommun.slug, signal.pk])).content.decode()
    )
    assert _text(detail_value(detail, "description")) == "No description"
    assert _text(detail_value(detail, "tags")) == "None"
    assert _text(detail_value(detail, "area")) == "Not given"
    assert _text(detail_value(detail, "impact")) == "Not given"


def test_a_conflict_shows_the_saved_values_as_the_detail_page_does(kommun, reader, signal):
    """The edit page's conflict message lists the fields that now differ, read through the
    same display as the detail page."""
    client = reader("en")
    stale = {
        "version": "1",
        "title": signal.title,
        "description": "",
        "motivation": signal.motivation,
        "level": Level.INNER,
        "area": "",
        "tags": "AI",
        "time_horizon": "",
        "impact": "",
        "certainty": "",
        "status": signal.status,
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "0",
        "sources-MIN_NUM_FORMS": "1",
        "sources-MAX_NUM_FORMS": "20",
        "sources-0-url": "",
        "sources-0-name": "Hallandsposten",
        "sources-0-published_on": "",
    }
    page = client.post(
        reverse("signals:edit", args=[kommun.slug, signal.pk]), stale
    ).content.decode()
    conflict = page.split('class="conflict error-summary"')[1].split("</dl>")[0]
    assert '<span class="level level--outer">Outer world</span>' in conflict
    assert f"Area {AREAS[1]}" in _text(conflict)
    assert "<dt>Sources</dt>" in conflict and "Region Halland" in conflict


def test_no_value_reads_the_same_in_the_form_and_on_the_page(kommun, members, reader):
    """One wording for "no value": the form's empty choice is what the page shows."""
    html = reader("sv").get(reverse("signals:create", args=[kommun.slug])).content.decode()
    with translation.override("sv"):
        not_given = str(display.NOT_GIVEN)
        label = str(display.FIELDS["certainty"].label)
    assert html.count(f'<option value="" selected>{not_given}</option>') == 3
    assert "Inte bedömd" not in html
    assert label == "Hur säker är bedömningen?"
    assert f"{label}" in html


def test_short_dates_read_in_swedish_and_do_not_break():
    with translation.override("sv"):
        assert display.short_date(datetime(2026, 11, 28, 23, 30, tzinfo=ZoneInfo("UTC"))) == (
            "29\u00a0nov\u00a02026"  # the date in Stockholm
        )
        assert display.short_date(None) == ""
