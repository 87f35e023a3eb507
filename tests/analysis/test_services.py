"""Starting, adjusting and publishing the year's trend analysis, through its services: the
catalogue is never touched, the supporting signals are counted by level, and publishing
freezes it all."""

import pytest
from django.core.exceptions import ValidationError

from analysis.document import document_from_dict
from analysis.models import AnalysisStatus, AnalysisTrend, TrendAnalysis
from analysis.selectors import document
from analysis.services import (
    NAME_TAKEN,
    PUBLISHED,
    YEAR_TAKEN,
    analysis_publish,
    analysis_start,
    input_add,
    trend_add,
    trend_merge,
    trend_retire,
    trend_update,
)
from organizations.models import Membership
from signals.catalogue import SKR_TRENDS
from signals.models import Trend

from .conftest import DIGITAL, LEARNING, TRUST


def entry(analysis, name) -> AnalysisTrend:
    return AnalysisTrend.objects.get(analysis=analysis, name=name)


def assess_all(analysis, user):
    for row in AnalysisTrend.objects.filter(analysis=analysis, merged_into=None, retired=False):
        trend_update(entry=row, user=user, name=row.name, meaning="Det påverkar oss.")


def membership(user, kommun):
    return Membership.objects.get(user=user, organization=kommun)


def test_the_year_starts_from_the_catalogue_in_use(kommun, members, year):
    Trend.objects.filter(organization=kommun, name=LEARNING).update(is_active=False)

    analysis = analysis_start(organization=kommun, user=members["scanner"], year=year)

    names = set(AnalysisTrend.objects.filter(analysis=analysis).values_list("name", flat=True))
    assert names == set(SKR_TRENDS) - {LEARNING}
    assert analysis.title == f"Trendanalys {year}"
    assert analysis.status == AnalysisStatus.DRAFT
    digital = entry(analysis, DIGITAL)
    assert digital.driving_force == "Teknik"
    assert list(digital.catalogue_trends.values_list("name", flat=True)) == [DIGITAL]


def test_one_analysis_per_organisation_and_year(
    kommun, other_kommun, members, other_members, analysis, year
):
    with pytest.raises(ValidationError) as refused:
        analysis_start(organization=kommun, user=members["editor"], year=year)
    assert refused.value.message_dict["year"] == [str(YEAR_TAKEN % {"year": year})]
    # Another organisation has its own.
    analysis_start(organization=other_kommun, user=other_members["scanner"], year=year)


@pytest.mark.parametrize("role", ["management", "staff"])
def test_only_the_scanning_group_starts_one(kommun, members, year, role):
    with pytest.raises(ValidationError):
        analysis_start(organization=kommun, user=members[role], year=year)
    assert not TrendAnalysis.objects.exists()


def test_a_member_of_another_organisation_cannot_start_ours(kommun, other_members, year):
    with pytest.raises(ValidationError):
        analysis_start(organization=kommun, user=other_members["admin"], year=year)


def test_a_year_to_come_is_refused(kommun, members, year):
    with pytest.raises(ValidationError) as refused:
        analysis_start(organization=kommun, user=members["scanner"], year=year + 2)
    assert "year" in refused.value.message_dict


def test_supporting_signals_are_the_years_logged_ones_counted_by_level(
    kommun, members, analysis, year_signals
):
    doc = document(membership(members["scanner"], kommun), analysis)
    digital = next(t for t in doc.trends if t.name == DIGITAL)
    trust = next(t for t in doc.trends if t.name == TRUST)

    assert [s.title for s in digital.signals] == [
        "E-tjänst för bygglov",
        "EU:s AI-förordning",
        "Regionens digitala vårdcentral",
    ]
    assert [(level, count) for level, _label, count in digital.counts_by_level] == [
        ("inner", 1),
        ("near", 1),
        ("outer", 1),
    ]
    assert [s.title for s in trust.signals] == ["Regionens digitala vårdcentral"]
    assert len(doc.signals) == 3


def test_staff_see_only_the_signals_shared_with_them(kommun, members, analysis, year_signals):
    year_signals["outer"].shared_with_staff = True
    year_signals["outer"].save()

    doc = document(membership(members["staff"], kommun), analysis)

    assert [s.title for s in doc.signals] == ["EU:s AI-förordning"]


def test_renaming_for_the_year_leaves_the_catalogue_and_its_signals(
    kommun, members, analysis, year_signals
):
    digital = entry(analysis, DIGITAL)
    trend_update(
        entry=digital,
        user=members["scanner"],
        name="Digitala användare styr",
        driving_force="Teknik",
        meaning="Mycket.",
    )

    assert Trend.objects.filter(organization=kommun, name=DIGITAL).exists()
    doc = document(membership(members["scanner"], kommun), analysis)
    renamed = next(t for t in doc.trends if t.name == "Digitala användare styr")
    assert renamed.renamed_from == DIGITAL
    assert renamed.state == "renamed"
    assert len(renamed.signals) == 3


def test_two_trends_cannot_share_a_name(members, analysis):
    with pytest.raises(ValidationError) as refused:
        trend_update(entry=entry(analysis, DIGITAL), user=members["scanner"], name=TRUST.upper())
    assert refused.value.message_dict["name"] == [str(NAME_TAKEN)]


def test_merging_moves_signals_and_input_and_names_the_merged(
    kommun, members, analysis, year_signals
):
    trust, digital = entry(analysis, TRUST), entry(analysis, DIGITAL)
    input_add(
        analysis=analysis,
        user=members["scanner"],
        source="Socialnämnden",
        text="Tilliten är vår grund.",
        trend=trust,
    )

    trend_merge(entry=trust, into=digital, user=members["editor"])

    doc = document(membership(members["scanner"], kommun), analysis)
    merged = next(t for t in doc.trends if t.name == TRUST)
    into = next(t for t in doc.trends if t.name == DIGITAL)
    assert merged.state == "merged" and merged.merged_into == DIGITAL
    assert merged not in doc.assessed and merged in doc.set_aside
    assert into.merged == [TRUST]
    assert [line.source for line in into.inputs] == ["Socialnämnden"]
    assert Trend.objects.filter(organization=kommun, name=TRUST).exists()


def test_a_trend_cannot_be_merged_into_itself_or_into_a_retired_one(members, analysis):
    digital, trust = entry(analysis, DIGITAL), entry(analysis, TRUST)
    with pytest.raises(ValidationError):
        trend_merge(entry=digital, into=digital, user=members["scanner"])
    trend_retire(entry=trust, user=members["scanner"])
    with pytest.raises(ValidationError):
        trend_merge(entry=digital, into=trust, user=members["scanner"])


def test_a_trend_of_another_analysis_cannot_be_merged_in(kommun, members, analysis, year):
    other = analysis_start(organization=kommun, user=members["scanner"], year=year - 1)
    with pytest.raises(ValidationError):
        trend_merge(
            entry=entry(analysis, DIGITAL), into=entry(other, TRUST), user=members["scanner"]
        )


def test_a_new_trend_and_a_retired_one(kommun, members, analysis, year_signals):
    added = trend_add(
        analysis=analysis,
        user=members["scanner"],
        name="Vätgas i transporter",
        driving_force="Klimat",
    )
    trend_retire(entry=entry(analysis, LEARNING), user=members["scanner"])

    doc = document(membership(members["scanner"], kommun), analysis)
    new = next(t for t in doc.trends if t.name == "Vätgas i transporter")
    assert new.state == "new" and new.signals == []
    assert next(t for t in doc.trends if t.name == LEARNING).state == "retired"
    assert "Klimat" in doc.driving_forces
    assert added.catalogue_name == ""


def test_publishing_needs_every_trend_assessed(members, analysis):
    with pytest.raises(ValidationError) as refused:
        analysis_publish(analysis=analysis, user=members["editor"])
    assert DIGITAL in refused.value.messages[0] and TRUST in refused.value.messages[0]


@pytest.mark.parametrize("role", ["scanner", "management", "staff"])
def test_only_the_editor_and_admin_publish(members, analysis, role):
    assess_all(analysis, members["scanner"])
    with pytest.raises(ValidationError):
        analysis_publish(analysis=analysis, user=members[role])
    analysis.refresh_from_db()
    assert analysis.is_draft


def test_publishing_freezes_the_analysis(kommun, members, analysis, year_signals):
    assess_all(analysis, members["scanner"])
    input_add(
        analysis=analysis,
        user=members["scanner"],
        source="Kommunstyrelsen",
        text="Budgeten är stram.",
    )

    analysis_publish(analysis=analysis, user=members["editor"])

    analysis.refresh_from_db()
    assert (
        analysis.status == AnalysisStatus.PUBLISHED and analysis.published_by == members["editor"]
    )
    # Afterwards: the catalogue trend renamed, a signal retitled and moved to another level,
    # a new signal of the year.
    Trend.objects.filter(organization=kommun, name=DIGITAL).update(name="Omdöpt i katalogen")
    signal = year_signals["inner"]
    signal.title, signal.level = "Ändrad titel", "outer"
    signal.save()
    from ..factories import SignalFactory
    from .conftest import in_year

    SignalFactory(
        organization=kommun,
        trends=[Trend.objects.get(organization=kommun, name=TRUST)],
        created_at=in_year(analysis.year, 7),
    )

    doc = document(membership(members["staff"], kommun), analysis)
    digital = next(t for t in doc.trends if t.name == DIGITAL)
    assert digital.signals[0].title == "E-tjänst för bygglov"
    assert digital.signals[0].level == "inner"
    assert [count for _l, _label, count in digital.counts_by_level] == [1, 1, 1]
    assert len(next(t for t in doc.trends if t.name == TRUST).signals) == 1
    assert [line.source for line in doc.inputs] == ["Kommunstyrelsen"]
    assert doc.published_on is not None
    assert document_from_dict(analysis.snapshot) == doc


def test_nothing_changes_a_published_analysis(members, analysis):
    assess_all(analysis, members["scanner"])
    analysis_publish(analysis=analysis, user=members["editor"])
    digital, trust = entry(analysis, DIGITAL), entry(analysis, TRUST)

    attempts = [
        lambda: trend_update(entry=digital, user=members["scanner"], name="Nytt"),
        lambda: trend_add(analysis=analysis, user=members["scanner"], name="Nytt"),
        lambda: trend_merge(entry=digital, into=trust, user=members["scanner"]),
        lambda: trend_retire(entry=digital, user=members["scanner"]),
        lambda: input_add(analysis=analysis, user=members["scanner"], source="X", text="Y"),
        lambda: analysis_publish(analysis=analysis, user=members["editor"]),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert refused.value.messages == [str(PUBLISHED)]


def test_input_needs_a_source_and_a_text(members, analysis):
    with pytest.raises(ValidationError) as refused:
        input_add(analysis=analysis, user=members["scanner"], source="  ", text="")
    assert set(refused.value.message_dict) == {"source", "text"}
