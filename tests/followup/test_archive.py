"""The report archive shows, per signal, what came of it (issue #12): each report's signals
with their actions and statuses and the review's finding, for every member who reads the
archive, in a fixed number of queries however many reports and actions."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from followup.models import ActionStatus, Outcome
from organizations.roles import Role

from ..factories import (
    ActionFactory,
    CandidateFactory,
    PublishedReportFactory,
    ReportCycleFactory,
    ReportedSignalFactory,
    SignalFactory,
)
from .conftest import last_month

pytestmark = pytest.mark.usefixtures("english")

ARCHIVE = reverse("reports:archive", args=["kungsbacka"])


def panel(html: str, report) -> str:
    """The follow-up shown under ``report`` in the archive."""
    link = reverse("followup:report", args=["kungsbacka", report.pk])
    start = html.index(f'<a href="{link}#signal-')
    start = html.rindex('<details class="followup-archive">', 0, start)
    return html[start : html.index("</details>", start)]


@pytest.fixture
def followed(members, report, chosen):
    """The first signal led to something and has an action done and one in progress; the
    second was reviewed as not yet; the third has nothing."""
    first = ReportedSignalFactory(
        cycle=report.cycle, signal=chosen[0], outcome=Outcome.LED_TO_SOMETHING,
        outcome_note="Ny förskola planeras i norr", reviewed_at=timezone.now(),
        reviewed_by=members["editor"],
    )  # fmt: skip
    ActionFactory(reported=first, title="Utred behovet", status=ActionStatus.DONE)
    ActionFactory(reported=first, title="Prata med regionen", status=ActionStatus.IN_PROGRESS)
    ReportedSignalFactory(
        cycle=report.cycle, signal=chosen[1], outcome=Outcome.NOT_YET,
        reviewed_at=timezone.now(), reviewed_by=members["editor"],
    )  # fmt: skip
    return first


@pytest.mark.parametrize("role", Role.values)
def test_every_member_sees_what_came_of_each_signal(client_for, members, report, followed, role):
    response = client_for(members[role]).get(ARCHIVE)
    assert response.status_code == 200
    shown = panel(response.content.decode(), report)
    assert "1 signal led to something, 1 open action, 1 done" in shown
    # In the report's order: the first with its finding and its actions and their status.
    first, second, third = shown.split("<li>\n      <a ")[1:]
    assert "Färre barn föds" in first
    assert "<strong>It led to something</strong>: <bdi>Ny förskola planeras i norr</bdi>" in first
    assert "Utred behovet" in first and "badge--done" in first
    assert "Prata med regionen" in first and ">In progress</span>" in first
    assert "AI-förordningen börjar gälla" in second
    assert "<strong>Not yet</strong>" in second and "no actions yet" in second
    assert "Värmeböljor på äldreboenden" in third and "Not reviewed yet." in third
    assert "Inte med i rapporten" not in shown


def test_a_report_with_nothing_recorded_says_so(client_for, members, report):
    html = client_for(members["management"]).get(ARCHIVE).content.decode()
    assert 'What came of it<span class="followup-archive__counts">: nothing recorded yet' in html


def test_the_stylesheet_comes_once(client_for, members, report, followed, kommun):
    earlier = ReportCycleFactory(
        organization=kommun, month=last_month() - timedelta(days=40), state="published"
    )
    CandidateFactory(cycle=earlier, signal=SignalFactory(organization=kommun), decision="in")
    PublishedReportFactory(cycle=earlier)
    html = client_for(members["scanner"]).get(ARCHIVE).content.decode()
    assert html.count('<details class="followup-archive">') == 2
    assert html.count("css/followup") == 1


def test_another_organisations_follow_up_never_shows(
    client_for, members, other_members, report, followed, other_report
):
    other = ReportedSignalFactory(
        cycle=other_report.cycle, signal=other_report.cycle.candidates.get().signal
    )
    ActionFactory(reported=other, title="Varbergs åtgärd")
    html = client_for(members["editor"]).get(ARCHIVE).content.decode()
    assert "Varbergs" not in html
    client = client_for(other_members["editor"])
    assert client.get(ARCHIVE).status_code == 404
    own = reverse("reports:archive", args=[other_report.organization.slug])
    html = client.get(own).content.decode()
    assert "Varbergs åtgärd" in html and "Utred behovet" not in html


def test_text_people_wrote_stays_text(client_for, members, report, followed):
    ActionFactory(reported=followed, title='<img src=x onerror="alert(1)">')
    html = client_for(members["staff"]).get(ARCHIVE).content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_the_archive_runs_the_same_queries_for_one_report_and_many(
    client_for, kommun, members, report, followed, django_assert_max_num_queries
):
    client = client_for(members["management"])
    client.get(ARCHIVE)  # the first visit notes the organisation as last used
    with django_assert_max_num_queries(12) as few:
        client.get(ARCHIVE)
    month = last_month()
    for n in range(1, 5):
        month = (month - timedelta(days=1)).replace(day=1)
        cycle = ReportCycleFactory(organization=kommun, month=month, state="published")
        for position in range(1, 4):
            candidate = CandidateFactory(
                cycle=cycle, decision="in", position=position,
                signal=SignalFactory(organization=kommun, title=f"Signal {n}.{position}"),
            )  # fmt: skip
            reported = ReportedSignalFactory(cycle=cycle, signal=candidate.signal)
            for status in (ActionStatus.PROPOSED, ActionStatus.DONE):
                ActionFactory(reported=reported, status=status, owner=members["staff"])
        PublishedReportFactory(cycle=cycle)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(ARCHIVE).content.decode()
    assert html.count('<details class="followup-archive">') == 5
    assert "Signal 4.3" in html


def test_before_any_review_the_summary_counts_only_actions(client_for, members, report, chosen):
    reported = ReportedSignalFactory(cycle=report.cycle, signal=chosen[2])
    ActionFactory(reported=reported)
    html = client_for(members["editor"]).get(ARCHIVE).content.decode()
    assert 'counts">: 1 open action, 0 done</span>' in html
