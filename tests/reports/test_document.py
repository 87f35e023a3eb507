"""The report's HTML as a browser shows it: complete, in Swedish, safe with hostile text, and
within the pages' CSP (no inline styles, no scripts)."""

import re
from dataclasses import replace
from datetime import date

import pytest
from django.test import override_settings
from django.utils import translation

from reports.charts import bar_chart
from reports.document import ReportDocument
from reports.pdf import FetchRefused, page_number_css, static_file_for
from reports.rendering import render_report, render_standalone
from reports.sample import sample_document

from .hostile import LONG_WORD, RTL_OVERRIDE, hostile_document

BASE = "https://spaning.invalid/"


def test_the_browser_view_shows_the_whole_report_in_swedish():
    document = sample_document()
    html = render_report(document)

    assert "Omvärldsrapport" in html
    assert "november 2026" in html
    assert "Publicerad 3 december 2026" in html
    assert "Därför är detta intressant för Kungsbacka" in html
    for signal in document.signals:
        assert signal.title in html
    for candidate in document.candidates:
        assert candidate.title in html
    assert 'href="https://www.regionhalland.se/kompetensforsorjning"' in html


def test_the_browser_view_keeps_to_the_csp():
    html = render_report(sample_document())

    assert not re.search(r"\sstyle\s*=", html)
    assert "<style" not in html
    assert "<script" not in html


def test_the_charts_have_an_accessible_name_and_a_table_in_the_browser():
    html = render_report(sample_document())

    svgs = re.findall(r'<svg[^>]*class="report-chart__image"[^>]*>', html)
    assert len(svgs) == 2
    for svg in svgs:
        assert 'role="img"' in svg
        assert 'aria-label="Kandidater per ' in svg
    assert "<title>Kandidater per nivå</title>" in html
    assert html.count('<table class="figures">') == 2  # each chart's figures
    assert html.count('<table class="report-radar__table">') == 1
    assert "Siffrorna som tabell" in html


def test_the_print_document_has_no_chart_tables_and_links_its_stylesheet():
    html = render_standalone(sample_document())

    assert 'lang="sv"' in html
    assert '<link rel="stylesheet" href="/static/css/report.css">' in html
    assert "Siffrorna som tabell" not in html


def test_a_report_in_english():
    document = replace(sample_document(), language="en")

    html = render_report(document)

    assert "Horizon scanning report" in html
    assert "November 2026" in html


def test_a_draft_and_a_superseded_version_say_so():
    document = replace(sample_document(), published_on=None, version=2, superseded=True)

    html = render_report(document)

    assert "Utkast, inte publicerad" in html
    assert "Version 2" in html
    assert "Ersatt: en senare version av rapporten gäller i stället." in html


def test_hostile_text_is_shown_as_text():
    html = render_report(hostile_document())

    assert "&lt;b&gt;Fet&lt;/b&gt; &lt;script&gt;" in html
    assert "<b>Fet</b>" not in html
    assert "<script" not in html and "<iframe" not in html and "<img" not in html
    assert "<style" not in html
    assert RTL_OVERRIDE not in html
    assert "javascript:" not in html
    assert LONG_WORD in html


def test_a_bar_chart_escapes_its_labels_and_keeps_the_order():
    chart = bar_chart("Per <område>", "Område", {"<b>Skola</b>": 3, "Vård": 7, "Tomt": 0})

    assert "<b>" not in chart.svg
    assert "&lt;b&gt;Skola&lt;/b&gt;" in chart.svg
    assert 'aria-label="Per &lt;område&gt;"' in chart.svg
    assert chart.rows == [("<b>Skola</b>", 3), ("Vård", 7), ("Tomt", 0)]
    assert chart.total == 10


def test_an_empty_chart_still_draws():
    chart = bar_chart("Inget", "Nivå", {})

    assert chart.svg.startswith("<svg")


def test_the_page_numbers_read_in_the_report_language():
    # build_pdf calls it with the report's language active.
    with translation.override("sv"):
        assert '"Sida " counter(page) " av " counter(pages)' in page_number_css()


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/static/css/report.css",
        "https://spaning.invalid/etc/passwd",
        "file:///etc/passwd",
        "https://spaning.invalid/static/../../etc/passwd",
        "https://spaning.invalid/static/%2e%2e/%2e%2e/etc/passwd",
        "https://spaning.invalid/static/css/../../config/settings.py",
        "https://spaning.invalid/static//etc/passwd",
        "https://spaning.invalid/static/css/nothing-here.css",
        "https://spaning.invalid/static/js/spaning.js",
        "data:text/css,body{}",
    ],
)
def test_only_our_static_files_are_read(url):
    with pytest.raises(FetchRefused):
        static_file_for(url, BASE)


def test_our_stylesheet_and_fonts_are_read_from_the_static_files():
    stylesheet = static_file_for(f"{BASE}static/css/report.css", BASE)
    font = static_file_for(f"{BASE}static/fonts/LiberationSans-Regular.ttf", BASE)

    assert stylesheet.read_text().startswith("/* The monthly report")
    assert font.stat().st_size > 100_000


@override_settings(STATIC_URL="/assets/")
def test_the_static_prefix_follows_the_settings():
    with pytest.raises(FetchRefused):
        static_file_for(f"{BASE}static/css/report.css", BASE)
    assert static_file_for(f"{BASE}assets/css/report.css", BASE).name == "report.css"


def test_a_document_is_plain_data():
    document = ReportDocument(
        organization_name="Kommun",
        perspective_name="Kommunen",
        month=date(2027, 1, 1),
        published_on=None,
        introduction="",
        signals=[],
        candidates=[],
    )

    html = render_report(document)

    assert "januari 2027" in html


def test_a_long_label_wraps_between_words_instead_of_being_cut():
    chart = bar_chart(
        "Per trend",
        "Trend",
        {"Det lokala och regionala handlingsutrymmet utmanas": 4, "Kort": 1},
    )
    lines = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", chart.svg)
    assert lines == ["Det lokala och regionala", "handlingsutrymmet utmanas", "Kort"]
    assert "…" not in chart.svg


def test_a_label_too_long_for_two_lines_ends_in_an_ellipsis():
    chart = bar_chart("Per trend", "Trend", {"ord " * 30: 1})
    lines = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", chart.svg)
    assert len(lines) == 2
    assert lines[-1].endswith("…")
    # The title (shown on hover, read by screen readers) keeps the whole name.
    assert "<title>" + "ord " * 29 + "ord" in chart.svg
