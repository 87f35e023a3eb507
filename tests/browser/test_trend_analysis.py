"""The yearly trend analysis from start to published: Anna (editor) finds it from the
overview, starts last year's from the catalogue, assesses a trend, records a committee's input,
retires a trend for the year and publishes; the published analysis offers its PDF and has no
tools left. axe finds nothing on any page on the way."""

import re
from datetime import datetime

import pytest
from django.utils import timezone

from analysis.models import AnalysisStatus, TrendAnalysis
from signals.models import Level, Trend

from ..conftest import make_member
from ..factories import SignalFactory

DIGITAL = "Användare driver teknisk utveckling"
TRUST = "Tillitens betydelse uppmärksammas allt mer"


def label(text: str) -> re.Pattern:
    return re.compile(rf"^{re.escape(text)}:?$")


@pytest.fixture
def year(kommun):
    """Last year, with two trends in use and one signal of that year on DIGITAL."""
    last_year = timezone.localdate().year - 1
    Trend.objects.filter(organization=kommun).exclude(name__in=[DIGITAL, TRUST]).update(
        is_active=False
    )
    SignalFactory(
        organization=kommun,
        title="Invånare vill ha e-tjänster dygnet runt",
        level=Level.OUTER,
        trends=[DIGITAL],
        time_horizon="now",
        impact=3,
        created_at=datetime(last_year, 4, 2, 10, tzinfo=timezone.get_current_timezone()),
    )
    make_member(kommun, "editor", "anna")
    return last_year


def test_the_editor_starts_assesses_and_publishes_the_years_analysis(
    page, login_as, assert_accessible, kommun, year
):
    login_as(page, "anna")
    page.goto("/kungsbacka/overview/")
    page.get_by_role("link", name="Alla trendanalyser, och att påbörja årets").click()
    page.get_by_role("heading", level=1, name="Trendanalyser").wait_for()
    assert_accessible(page)

    page.get_by_label(label("År")).fill(str(year))
    page.get_by_role("button", name="Påbörja analysen").click()
    page.get_by_role("heading", level=1, name=f"Trendanalys {year}").wait_for()
    assert (
        "Invånare vill ha e-tjänster dygnet runt"
        in page.locator("#entry-1, article").first.inner_text()
    )
    assert_accessible(page)

    page.get_by_role("link", name=f"Bedöm trenden: {DIGITAL}").click()
    page.get_by_label(label("Vad det betyder för oss")).fill(
        "Invånarna förväntar sig **digital service** dygnet runt."
    )
    assert_accessible(page)
    page.get_by_role("button", name="Spara bedömningen").click()
    page.get_by_text(f"Bedömningen av {DIGITAL} är sparad.").wait_for()

    page.get_by_text("Registrera inspel från en nämnd eller förvaltning").click()
    page.get_by_label(label("Från")).fill("Socialnämnden")
    page.get_by_label(label("Om trenden")).select_option(label=DIGITAL)
    page.get_by_label(label("Inspel")).fill("Äldre behöver stöd att använda e-tjänsterna.")
    page.get_by_role("button", name="Registrera inspelet").click()
    page.get_by_text("Inspelet från Socialnämnden är registrerat.").wait_for()

    page.get_by_role("button", name=f"Låt den vila i år: {TRUST}").click()
    page.get_by_text(f"{TRUST} vilar i år.").wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Publicera …").click()
    assert_accessible(page)
    page.get_by_role("button", name="Publicera analysen").click()
    page.get_by_text(f"Trendanalys {year} är publicerad.").wait_for()

    analysis = TrendAnalysis.objects.get(organization=kommun, year=year)
    assert analysis.status == AnalysisStatus.PUBLISHED
    article = page.locator("article.analysis")
    assert "digital service" in article.inner_text()
    assert "Äldre behöver stöd att använda e-tjänsterna." in article.inner_text()
    assert page.get_by_role("link", name="Ladda ned PDF").count() == 1
    assert page.get_by_text("Anpassa årets trender").count() == 0
    assert_accessible(page)
