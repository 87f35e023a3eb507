"""The demo: last year's analysis is published with assessments, input and adjusted trends,
and readable as a PDF; this year's is begun; seeding twice adds nothing."""

import pytest
from django.utils import timezone

from analysis.demo import (
    ASSESSMENTS,
    ENERGY,
    LAST_YEAR_SIGNALS,
    NEW_COOPERATION,
    seed_trend_analyses,
)
from analysis.document import document_from_dict
from analysis.models import AnalysisStatus, TrendAnalysis
from organizations.demo import seed_people
from signals.catalogue import install_default_catalogue
from signals.demo import LIVSMONSTER, NYA_ARBETSSATT, VALFARDSBROTT


@pytest.fixture
def demo(db):
    organization, users = seed_people()
    install_default_catalogue(organization)
    return organization, users


def test_last_years_analysis_is_published_and_this_years_begun(demo):
    organization, users = demo
    published, added = seed_trend_analyses(organization, users)

    year = timezone.localdate().year
    assert added == len(LAST_YEAR_SIGNALS)
    assert published.year == year - 1 and published.status == AnalysisStatus.PUBLISHED
    assert published.title == f"Trendanalys {year - 1}"
    document = document_from_dict(published.snapshot)
    states = {trend.name: trend.state for trend in document.trends}
    assert states[NEW_COOPERATION] == "renamed"
    assert states[VALFARDSBROTT] == "merged"
    assert states[LIVSMONSTER] == "retired"
    assert states[ENERGY] == "new"
    assert NYA_ARBETSSATT not in states
    assert all(trend.meaning for trend in document.assessed)
    assert len(document.signals) == len(LAST_YEAR_SIGNALS) - 1  # the retired trend's
    assert {line.source for line in document.inputs} == {"Kommunstyrelsens förvaltning"}
    assert sum(len(trend.inputs) for trend in document.trends) == 4
    assert len(ASSESSMENTS) == 9
    draft = TrendAnalysis.objects.get(organization=organization, year=year)
    assert draft.is_draft

    assert seed_trend_analyses(organization, users) == (None, 0)
    assert TrendAnalysis.objects.filter(organization=organization).count() == 2
