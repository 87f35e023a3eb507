"""The trend analysis's PDF, read back by its text (pypdf): a real A4 PDF with the radar, a
chart per driving force and the trend texts, built by the report's machinery (nothing outside
our static files fetched), and refused to those who may not read the analysis."""

import io

import pypdf
import pytest
from django.urls import reverse

from analysis.models import AnalysisTrend
from analysis.services import analysis_publish, input_add, trend_update
from reports.pdf import pdf_available

from .conftest import DIGITAL

pytestmark = pytest.mark.skipif(not pdf_available(), reason="WeasyPrint cannot load Pango here")


def flat(text: str) -> str:
    return " ".join(text.replace("\u2010\n", "").split())


@pytest.fixture
def published(kommun, members, analysis, year_signals):
    for row in AnalysisTrend.objects.filter(analysis=analysis):
        trend_update(
            entry=row,
            user=members["scanner"],
            name=row.name,
            driving_force=row.driving_force,
            meaning=f"Bedömning av {row.name}.",
            opportunities="Möjligheter för Kungsbacka.",
            risks="Risker att hantera.",
        )
    input_add(
        analysis=analysis,
        user=members["scanner"],
        source="Socialnämnden",
        text="Ensamheten ökar bland äldre.",
        trend=AnalysisTrend.objects.get(analysis=analysis, name=DIGITAL),
    )
    analysis_publish(analysis=analysis, user=members["editor"])
    analysis.refresh_from_db()
    return analysis


def test_the_published_analysis_downloads_as_a_pdf(client_for, kommun, members, published):
    response = client_for(members["staff"]).get(
        reverse("analysis:pdf", args=[kommun.slug, published.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"trendanalys-kungsbacka-{published.year}.pdf" in response["Content-Disposition"]
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = flat("\n".join(page.extract_text() for page in reader.pages))
    assert published.title in text
    assert f"Bedömning av {DIGITAL}." in text
    assert "Socialnämnden" in text and "Ensamheten ökar bland äldre." in text
    assert "E-tjänst för bygglov" in text  # a supporting signal
    assert "Teknik" in text  # a driving force's chart
    width, height = (float(n) for n in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4
    assert len(reader.pages) > 5


def test_a_draft_pdf_is_the_groups_and_says_it_is_a_draft(client_for, kommun, members, analysis):
    response = client_for(members["scanner"]).get(
        reverse("analysis:pdf", args=[kommun.slug, analysis.pk])
    )

    assert response.status_code == 200
    assert "-utkast.pdf" in response["Content-Disposition"]
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert "Utkast, inte publicerad" in flat(reader.pages[0].extract_text())
