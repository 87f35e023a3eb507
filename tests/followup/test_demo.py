"""The demo: last month's report has actions with owners and statuses, an overdue one heads the
follow-up page, and seeding twice adds nothing."""

import pytest
from django.utils import timezone

from followup.demo import DEMO_ACTIONS, seed_followup
from followup.models import Action, ActionStatus, ReportedSignal
from followup.selectors import open_actions
from organizations.demo import seed_people
from reports.demo import seed_published_report
from signals.catalogue import install_default_catalogue
from signals.demo import seed_signals


@pytest.fixture
def demo(db, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = str(tmp_path)
    organization, users = seed_people()
    install_default_catalogue(organization)
    seed_signals(organization, users)
    with django_capture_on_commit_callbacks(execute=True):
        report = seed_published_report(organization, users)
    return report, users


def test_last_months_report_gets_actions_once(demo):
    report, users = demo
    assert seed_followup(report, users) == len(DEMO_ACTIONS)
    assert seed_followup(report, users) == 0
    actions = Action.objects.filter(reported__cycle=report.cycle)
    assert actions.count() == len(DEMO_ACTIONS)
    assert {a.status for a in actions} == set(ActionStatus.values)
    assert {a.owner.username for a in actions if a.owner} >= {"lena", "mats", "anna"}
    assert actions.filter(owner__isnull=True).exclude(owner_department="").exists()
    # Every change went through the services: attributed, with the owner's own status move.
    mats_moves = Action.history.filter(history_user=users["mats"])
    assert mats_moves.filter(status=ActionStatus.IN_PROGRESS).exists()
    assert ReportedSignal.objects.exclude(risk_or_opportunity="").count() == 2


def test_an_overdue_action_heads_the_follow_up_page(demo, client):
    report, users = demo
    seed_followup(report, users)
    membership = users["lena"].memberships.get()
    listing = open_actions(membership)
    assert len(listing.overdue) == 1
    overdue = listing.overdue[0]
    assert overdue.owner == users["mats"] and overdue.due_on < timezone.localdate()
    # Its history says the same due date it has (dated back with it).
    assert set(overdue.history.values_list("due_on", flat=True)) == {overdue.due_on}
    client.force_login(users["lena"])
    html = client.get("/kungsbacka/followup/").content.decode()
    first = html.index('<li class="action-item')
    assert html.index(overdue.title) > first
    assert html.index(overdue.title) < html.index(listing.upcoming[0].title)
    client.force_login(users["mats"])
    assert overdue.title in client.get("/kungsbacka/").content.decode()
