"""The signal radar in the monthly report: the chosen signals, numbered as their sections,
drawn from the document alone, so a published report's radar never changes; in the browser
with a table, in the PDF as a picture."""

import re
from dataclasses import replace
from datetime import date

import pytest
from django.utils import translation

from reports.assembly import document_for_cycle
from reports.charts import report_radar
from reports.document import document_from_dict, document_to_dict
from reports.models import Decision
from reports.pdf import build_pdf
from reports.publish_services import report_publish
from reports.rendering import render_report
from reports.sample import sample_document
from signals.models import DrivingForce, Level

from ..factories import CandidateFactory, ReportCycleFactory
from .hostile import MARKUP_TITLE
from .test_pdf import flat, pages_text, read

BASE = "https://spaning.example.se/"


def radar_links(html: str) -> list[tuple[str, str]]:
    svg = re.search(r'<svg[^>]*class="radar__image".*?</svg>', html, re.S)
    assert svg, "no radar in the report"
    return re.findall(r'<a href="([^"]+)" class="radar__dot" aria-label="([^"]*)">', svg[0])


KLIMAT = "Hållbarhetsarbete ger konkurrensfördelar"
TEKNIK = ["Ökat behov av livslångt lärande", "Användare driver teknisk utveckling"]
VARDERINGAR = "Nya livsmönster påverkar platsbundenhet"
GLOBALISERING = "Det lokala och regionala handlingsutrymmet utmanas"


@pytest.fixture
def cycle(kommun):
    """Five chosen signals, one without a driving force and one without a horizon, and one
    candidate left out of the report."""
    cycle = ReportCycleFactory(organization=kommun, month=date(2026, 3, 1))
    placed = [
        ("Klimatsignal", Level.OUTER, "1-3", 3, [KLIMAT]),
        ("Tekniksignal", Level.NEAR, "now", 4, [*TEKNIK, KLIMAT]),
        ("Oavgjord signal", Level.INNER, "10+", 1, [VARDERINGAR, GLOBALISERING]),
        ("Utan drivkraft", Level.NEAR, "3-10", None, []),
        ("Utan horisont", Level.INNER, "", 2, [KLIMAT]),
    ]
    for position, (title, level, horizon, impact, trends) in enumerate(placed, start=1):
        CandidateFactory(
            cycle=cycle, decision=Decision.IN, position=position,
            signal__title=title, signal__level=level, signal__time_horizon=horizon,
            signal__impact=impact, signal__trends=trends,
        )  # fmt: skip
    CandidateFactory(
        cycle=cycle, decision=Decision.OUT, signal__title="Bortvald", signal__time_horizon="now"
    )
    return cycle


def test_the_document_keeps_where_each_chosen_signal_sits(cycle):
    document = document_for_cycle(cycle, base_url=BASE)
    placed = [(s.title, s.level, s.horizon, s.impact, s.driving_force) for s in document.signals]
    # A signal sits under the driving force most of its trends are read under; a tie goes to
    # the force created first (Globalisering before Värderingar), as on the overview's radar.
    assert placed == [
        ("Klimatsignal", "outer", "1-3", 3, "Klimat"),
        ("Tekniksignal", "near", "now", 4, "Teknik"),
        ("Oavgjord signal", "inner", "10+", 1, "Globalisering"),
        ("Utan drivkraft", "near", "3-10", None, ""),
        ("Utan horisont", "inner", "", 2, "Klimat"),
    ]
    assert document.driving_forces == sorted(
        DrivingForce.objects.filter(organization=cycle.organization).values_list("name", flat=True)
    )
    assert document_from_dict(document_to_dict(document)) == document


def test_the_radar_shows_the_chosen_signals_numbered_as_their_sections(cycle):
    html = render_report(document_for_cycle(cycle, base_url=BASE))
    links = radar_links(html)
    assert sorted(href for href, _name in links) == [
        "#signal-1",
        "#signal-2",
        "#signal-3",
        "#signal-4",
    ]
    names = dict(links)
    assert names["#signal-1"] == (
        "Klimatsignal – Omvärld, 1–3 år, påverkan: stor, drivkraft: Klimat"
    )
    assert names["#signal-4"].endswith("drivkraft: Ingen drivkraft")
    assert "Bortvald" not in re.search(r"<svg[^>]*radar__image.*?</svg>", html, re.S)[0]
    # Not on the radar, but named under it; the contents lead to it.
    assert "Inte på radarn, eftersom de saknar tidshorisont: 5. " in html
    assert '<a href="#report-radar">Signalerna på radarn</a>' in html
    # The browser's table says the same in words, in the radar's order.
    table = re.search(r"<summary>Radarn som tabell</summary>.*?</table>", html, re.S)[0]
    rows = re.findall(r'<th scope="row"><a href="(#signal-\d+)">', table)
    assert rows == [href for href, _name in links]


def test_a_published_radar_is_drawn_from_the_frozen_document(
    kommun, members, cycle, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_publish(cycle=cycle, user=members["editor"], base_url=BASE)
    before = render_report(document_from_dict(report.document))
    # Afterwards the signals move and the catalogue changes: the published radar does not.
    for candidate in cycle.candidates.select_related("signal"):
        signal = candidate.signal
        signal.time_horizon, signal.impact, signal.level = "10+", 4, Level.INNER
        signal.save()
    DrivingForce.objects.filter(organization=kommun, name="Klimat").update(name="Väder")
    report.refresh_from_db()
    after = render_report(document_from_dict(report.document))
    assert radar_links(after) == radar_links(before)
    assert "Väder" not in after


def test_a_report_published_before_the_radar_has_none():
    data = document_to_dict(sample_document())
    for signal in data["signals"]:
        for key in ("level", "horizon", "impact", "driving_force"):
            del signal[key]
    del data["driving_forces"]
    document = document_from_dict(data)
    assert report_radar(document) is None
    html = render_report(document)
    assert "radar__image" not in html and "report-radar" not in html


def test_hostile_titles_stay_text_on_the_radar():
    document = sample_document(n_signals=5)
    first = replace(document.signals[0], title=MARKUP_TITLE)
    document = replace(document, signals=[first, *document.signals[1:]])
    html = render_report(document)
    svg = re.search(r"<svg[^>]*radar__image.*?</svg>", html, re.S)[0]
    assert "<script" not in svg and "<b>" not in svg
    assert "&lt;b&gt;Fet&lt;/b&gt;" in svg


def test_the_pdf_draws_the_radar_with_its_legend():
    reader = read(build_pdf(sample_document()))
    pages = [flat(text) for text in pages_text(reader)]
    radar_pages = [text for text in pages if "Varje markering har signalens nummer" in text]
    assert len(radar_pages) == 1
    page = radar_pages[0]
    for force in ("Demografi", "Globalisering", "Klimat", "Teknik", "Värderingar"):
        assert force in page
    assert "Mer än 10 år" in page and "1–3 år" in page
    assert "Varje markering har signalens nummer i den här rapporten." in page
    # In the contents, with its page number.
    assert re.search(r"Signalerna på radarn \.+ ?\d", flat(pages_text(reader)[1]))


def test_the_radar_reads_in_english_too():
    with translation.override("en"):
        radar = report_radar(sample_document(language="en"))
    assert radar is not None
    assert len(radar.rows) == 10
