"""The trend analysis's pages, role by role: the scanning group drafts, the editor publishes,
every member reads what is published, another organisation gets 404; bad input gets a clear
message and never a 500; each page reads in a fixed number of queries."""

import pytest
from django.urls import reverse

from analysis.models import AnalysisInput, AnalysisStatus, AnalysisTrend, TrendAnalysis
from analysis.services import analysis_publish, analysis_start, trend_update
from core.lib.ids import MAX_ID

from ..factories import (
    ActionFactory,
    CandidateFactory,
    PublishedReportFactory,
    ReportCycleFactory,
    ReportedSignalFactory,
    SignalFactory,
)
from .conftest import DIGITAL, TRUST, in_year

pytestmark = pytest.mark.usefixtures("english")

SCANNING_GROUP = ["scanner", "editor", "admin"]
OTHERS = ["management", "staff"]


def url(name, kommun, *args):
    return reverse(f"analysis:{name}", args=[kommun.slug, *args])


def entry(analysis, name):
    return AnalysisTrend.objects.get(analysis=analysis, name=name)


def publish(analysis, members):
    for row in AnalysisTrend.objects.filter(analysis=analysis):
        trend_update(entry=row, user=members["scanner"], name=row.name, meaning="Det spelar roll.")
    analysis_publish(analysis=analysis, user=members["editor"])
    analysis.refresh_from_db()
    return analysis


# --- reading --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", SCANNING_GROUP)
def test_the_scanning_group_reads_the_draft_with_its_tools(
    client_for, kommun, members, analysis, role
):
    response = client_for(members[role]).get(url("detail", kommun, analysis.pk))

    assert response.status_code == 200
    assert b"Adjust this year's trends" in response.content
    assert DIGITAL.encode() in response.content


@pytest.mark.parametrize("role", OTHERS)
def test_management_and_staff_do_not_see_a_draft(client_for, kommun, members, analysis, role):
    client = client_for(members[role])
    assert client.get(url("detail", kommun, analysis.pk)).status_code == 404
    assert client.get(url("pdf", kommun, analysis.pk)).status_code == 404
    assert analysis.title.encode() not in client.get(url("list", kommun)).content


@pytest.mark.parametrize("role", [*SCANNING_GROUP, *OTHERS])
def test_every_member_reads_the_published_analysis_without_tools(
    client_for, kommun, members, analysis, role
):
    publish(analysis, members)
    client = client_for(members[role])

    listing = client.get(url("list", kommun))
    page = client.get(url("detail", kommun, analysis.pk))

    assert analysis.title.encode() in listing.content
    assert page.status_code == 200
    assert b"Adjust this year" not in page.content
    assert b"Det spelar roll." in page.content


@pytest.mark.parametrize(
    "view", ["list", "detail", "pdf", "edit", "publish", "entry_edit", "input_delete"]
)
def test_another_organisation_gets_404(client_for, kommun, other_members, analysis, view):
    line = AnalysisInput.objects.create(
        organization=kommun, analysis=analysis, source="X", text="Y"
    )
    args = {
        "list": (),
        "entry_edit": (entry(analysis, DIGITAL).pk,),
        "input_delete": (line.pk,),
    }.get(view, (analysis.pk,))
    client = client_for(other_members["admin"])

    response = (
        client.post(url(view, kommun, *args))
        if view in ("edit", "input_delete")
        else client.get(url(view, kommun, *args))
    )

    assert response.status_code == 404


@pytest.mark.parametrize("role", OTHERS)
def test_only_the_scanning_group_may_use_the_tools(client_for, kommun, members, analysis, role):
    client = client_for(members[role])
    digital = entry(analysis, DIGITAL)
    for name, args in (
        ("start", ()),
        ("edit", (analysis.pk,)),
        ("entry_add", (analysis.pk,)),
        ("entry_merge", (analysis.pk,)),
        ("input_add", (analysis.pk,)),
        ("entry_retire", (digital.pk,)),
        ("entry_edit", (digital.pk,)),
        ("publish", (analysis.pk,)),
    ):
        assert client.post(url(name, kommun, *args), {"name": "x"}).status_code == 403, name


def test_the_scanner_may_not_publish(client_for, kommun, members, analysis):
    assert (
        client_for(members["scanner"]).post(url("publish", kommun, analysis.pk)).status_code == 403
    )


# --- the flow -------------------------------------------------------------------------------


def test_starting_the_year_from_the_list(client_for, kommun, members, year):
    client = client_for(members["scanner"])
    page = client.get(url("list", kommun))
    assert b"Start a year's analysis" in page.content

    response = client.post(url("start", kommun), {"year": str(year)})

    analysis = TrendAnalysis.objects.get(organization=kommun, year=year)
    assert response.status_code == 302
    assert response.url == url("detail", kommun, analysis.pk)


def test_with_this_and_last_years_begun_the_list_offers_no_start(
    client_for, kommun, members, analysis
):
    analysis_start(organization=kommun, user=members["scanner"], year=analysis.year + 1)
    page = client_for(members["scanner"]).get(url("list", kommun)).content.decode()
    assert "Start a year's analysis" not in page


@pytest.mark.parametrize("year", ["", "abc", "-1", "1999", "99999999999999999999999", "3000"])
def test_a_bad_year_is_a_clear_message(client_for, kommun, members, year):
    response = client_for(members["scanner"]).post(url("start", kommun), {"year": year})

    assert response.status_code == 400
    assert b"error-summary" in response.content
    assert not TrendAnalysis.objects.exists()


def test_a_year_already_started_is_a_clear_message(client_for, kommun, members, analysis):
    response = client_for(members["editor"]).post(url("start", kommun), {"year": analysis.year})

    assert response.status_code == 400
    assert f"There is already a trend analysis of {analysis.year}".encode() in response.content


def test_assessing_a_trend(client_for, kommun, members, analysis):
    digital = entry(analysis, DIGITAL)
    client = client_for(members["scanner"])
    assert client.get(url("entry_edit", kommun, digital.pk)).status_code == 200

    response = client.post(
        url("entry_edit", kommun, digital.pk),
        {
            "name": "Användarna styr",
            "driving_force": "Teknik",
            "meaning": "Vi måste **hänga med**.",
            "opportunities": "Nya e-tjänster.",
            "risks": "Digitalt utanförskap.",
        },
    )

    assert response.status_code == 302
    page = client.get(url("detail", kommun, analysis.pk)).content.decode()
    assert "<strong>hänga med</strong>" in page
    assert "Användarna styr" in page and DIGITAL in page  # the catalogue's name is named


def test_an_empty_name_is_a_clear_message(client_for, kommun, members, analysis):
    digital = entry(analysis, DIGITAL)
    response = client_for(members["scanner"]).post(
        url("entry_edit", kommun, digital.pk), {"name": "  "}
    )

    assert response.status_code == 400
    assert b"error-summary" in response.content
    digital.refresh_from_db()
    assert digital.name == DIGITAL


def test_adding_merging_retiring_and_input(client_for, kommun, members, analysis):
    client = client_for(members["scanner"])
    digital, trust = entry(analysis, DIGITAL), entry(analysis, TRUST)

    added = client.post(
        url("entry_add", kommun, analysis.pk), {"name": "Vätgas", "driving_force": "Klimat"}
    )
    merged = client.post(
        url("entry_merge", kommun, analysis.pk), {"trend": trust.pk, "into": digital.pk}
    )
    given = client.post(
        url("input_add", kommun, analysis.pk),
        {"source": "Socialnämnden", "text": "Vi ser mer ensamhet.", "trend": digital.pk},
    )
    retired = client.post(url("entry_retire", kommun, entry(analysis, "Vätgas").pk))

    assert [r.status_code for r in (added, merged, given, retired)] == [302] * 4
    page = client.get(url("detail", kommun, analysis.pk)).content.decode()
    assert "merged into" in page and "retired, not assessed this year" in page
    assert "Socialnämnden" in page
    line = AnalysisInput.objects.get()
    assert client.post(url("input_delete", kommun, line.pk)).status_code == 302
    assert not AnalysisInput.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"trend": "abc", "into": "1"},
        {"trend": str(MAX_ID + 1), "into": str(MAX_ID + 1)},
        {"trend": "-5", "into": "0"},
    ],
)
def test_a_forged_merge_is_a_clear_message(client_for, kommun, members, analysis, data):
    response = client_for(members["scanner"]).post(url("entry_merge", kommun, analysis.pk), data)

    assert response.status_code == 400
    assert b"error-summary" in response.content


def test_a_trend_of_another_organisation_cannot_be_named(
    client_for, kommun, other_members, members, analysis
):
    from analysis.services import analysis_start

    theirs = analysis_start(
        organization=other_members["admin"].memberships.get().organization,
        user=other_members["admin"],
        year=analysis.year,
    )
    their_entry = AnalysisTrend.objects.filter(analysis=theirs).first()
    client = client_for(members["scanner"])

    merge = client.post(
        url("entry_merge", kommun, analysis.pk),
        {"trend": their_entry.pk, "into": entry(analysis, DIGITAL).pk},
    )
    given = client.post(
        url("input_add", kommun, analysis.pk), {"source": "X", "text": "Y", "trend": their_entry.pk}
    )

    assert merge.status_code == 400 and given.status_code == 400
    assert client.get(url("entry_edit", kommun, their_entry.pk)).status_code == 404


def test_empty_input_is_a_clear_message(client_for, kommun, members, analysis):
    response = client_for(members["scanner"]).post(
        url("input_add", kommun, analysis.pk), {"source": "", "text": " "}
    )

    assert response.status_code == 400
    assert b"error-summary" in response.content
    assert not AnalysisInput.objects.exists()


def test_publishing_from_its_page(client_for, kommun, members, analysis):
    client = client_for(members["editor"])
    refused = client.post(url("publish", kommun, analysis.pk))
    assert refused.status_code == 400
    assert b"Assess every trend before publishing" in refused.content

    for row in AnalysisTrend.objects.filter(analysis=analysis):
        trend_update(entry=row, user=members["scanner"], name=row.name, meaning="Klart.")
    response = client.post(url("publish", kommun, analysis.pk))

    assert response.status_code == 302
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.PUBLISHED
    # The tools are gone: a published analysis is read-only.
    assert client.post(url("edit", kommun, analysis.pk), {"title": "Ny"}).status_code == 404
    assert client.get(url("entry_edit", kommun, entry(analysis, DIGITAL).pk)).status_code == 404


# --- what came of it (#12) --------------------------------------------------------------------


def test_a_reported_signal_shows_its_actions_and_review(
    client_for, kommun, members, analysis, year
):
    signal = SignalFactory(
        organization=kommun,
        title="Rapporterad signal",
        trends=[DIGITAL],
        created_at=in_year(year, 4),
    )
    cycle = ReportCycleFactory(
        organization=kommun, month=in_year(year, 5, 1).date(), state="published"
    )
    CandidateFactory(cycle=cycle, signal=signal, decision="in", position=1)
    PublishedReportFactory(cycle=cycle)
    reported = ReportedSignalFactory(
        cycle=cycle, signal=signal, outcome="led_to_something", outcome_note="En ny e-tjänst."
    )
    ActionFactory(reported=reported, title="Utred e-tjänsten", status="done")

    page = client_for(members["scanner"]).get(url("detail", kommun, analysis.pk)).content.decode()

    assert "Utred e-tjänsten" in page and "Done" in page
    assert "It led to something" in page and "En ny e-tjänst." in page

    # Frozen at publication: a later status change does not reach the published analysis.
    publish(analysis, members)
    reported.actions.update(status="dropped")
    page = client_for(members["staff"]).get(url("detail", kommun, analysis.pk)).content.decode()
    assert "Utred e-tjänsten" in page and "Done" in page and "Dropped" not in page


# --- query budgets ----------------------------------------------------------------------------


def _signals(kommun, year, count):
    for n in range(count):
        SignalFactory(
            organization=kommun,
            trends=[DIGITAL, TRUST],
            created_at=in_year(year, 1 + n % 12),
            time_horizon="1-3",
            impact=2,
        )


def test_the_draft_page_reads_in_a_fixed_number_of_queries(
    client_for, kommun, members, analysis, year, django_assert_max_num_queries
):
    client = client_for(members["scanner"])
    _signals(kommun, year, 3)
    client.get(url("detail", kommun, analysis.pk))
    _signals(kommun, year, 30)
    with django_assert_max_num_queries(22):
        response = client.get(url("detail", kommun, analysis.pk))
    assert response.status_code == 200


def test_the_published_page_and_the_list_read_in_a_fixed_number_of_queries(
    client_for, kommun, members, analysis, year, django_assert_max_num_queries
):
    _signals(kommun, year, 30)
    publish(analysis, members)
    client = client_for(members["management"])
    with django_assert_max_num_queries(12):
        assert client.get(url("detail", kommun, analysis.pk)).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(url("list", kommun)).status_code == 200


# --- where people find it -------------------------------------------------------------------


def test_the_overview_dashboard_leads_to_the_analyses(client_for, kommun, members, analysis):
    dashboard = reverse("overview:dashboard", args=[kommun.slug])

    scanner_page = client_for(members["scanner"]).get(dashboard).content.decode()
    assert url("detail", kommun, analysis.pk) in scanner_page
    assert "All trend analyses, and starting the year" in scanner_page

    staff_page = client_for(members["staff"]).get(dashboard).content.decode()
    assert url("detail", kommun, analysis.pk) not in staff_page  # a draft
    assert "analysis-panel" not in staff_page

    publish(analysis, members)
    staff_page = client_for(members["staff"]).get(dashboard).content.decode()
    assert url("pdf", kommun, analysis.pk) in staff_page
