"""Who reads the follow-up (every member, of published reports only, never another
organisation's) and how the reads put it together: a report's signals in its order, the open
actions by due date with the overdue first, a member's own, an action's history."""

from datetime import timedelta

import pytest
from django.utils import timezone

from followup import selectors, services
from followup.models import ActionStatus
from followup.visibility import visible_actions, visible_reported_signals, visible_review_reminders
from organizations.roles import Role

from ..factories import (
    ActionFactory,
    ReportCycleFactory,
    ReportedSignalFactory,
    ReviewReminderFactory,
)


def membership(user):
    return user.memberships.get()


@pytest.fixture
def followed(report, chosen):
    return ReportedSignalFactory(cycle=report.cycle, signal=chosen[0])


@pytest.mark.parametrize("role", Role.values)
def test_every_member_reads_the_follow_up_of_a_published_report(members, followed, role):
    action = ActionFactory(reported=followed)
    assert list(visible_actions(membership(members[role]))) == [action]
    assert list(visible_reported_signals(membership(members[role]))) == [followed]


@pytest.mark.parametrize("role", Role.values)
def test_no_one_reads_a_follow_up_without_a_published_report(kommun, members, signal, role):
    # Forged: the services make no follow-up for a cycle never published.
    cycle = ReportCycleFactory(organization=kommun)
    ActionFactory(reported=ReportedSignalFactory(cycle=cycle, signal=signal))
    assert not visible_actions(membership(members[role])).exists()
    assert not visible_reported_signals(membership(members[role])).exists()


@pytest.mark.parametrize("role", Role.values)
def test_another_organisation_reads_none_of_it(other_members, followed, role):
    ActionFactory(reported=followed)
    ReviewReminderFactory(cycle=followed.cycle, recipient=other_members[role])
    other = membership(other_members[role])
    assert not visible_actions(other).exists()
    assert not visible_reported_signals(other).exists()
    assert not visible_review_reminders(other).exists()


def test_a_reminder_is_its_recipients_alone(members, report):
    reminder = ReviewReminderFactory(cycle=report.cycle, recipient=members["editor"])
    assert list(visible_review_reminders(membership(members["editor"]))) == [reminder]
    assert not visible_review_reminders(membership(members["admin"])).exists()


def test_a_reports_signals_come_in_its_order_with_their_actions(
    members, report, chosen, left_out, django_assert_num_queries
):
    late = services.action_create(
        cycle=report.cycle,
        signal=chosen[1],
        user=members["editor"],
        kind="watch",
        title="Bevaka AI-förordningen",
        due_on=timezone.localdate() + timedelta(days=90),
        owner_department="IT",
    )
    soon = services.action_create(
        cycle=report.cycle,
        signal=chosen[1],
        user=members["editor"],
        kind="investigation",
        title="Förteckna AI-system",
        due_on=timezone.localdate() + timedelta(days=10),
        owner=members["management"],
    )
    staff = membership(members["staff"])
    with django_assert_num_queries(3):
        items = selectors.report_followup(staff, report)
    assert [item.signal for item in items] == chosen
    assert left_out not in [item.signal for item in items]
    assert items[1].actions == [soon, late]
    assert items[0].reported is None and items[0].actions == []


def test_open_actions_overdue_first_then_by_due_date_and_owner(members, report, chosen, followed):
    today = timezone.localdate()
    lena, mats = members["management"], members["staff"]
    upcoming_mats = ActionFactory(reported=followed, owner=mats, due_on=today + timedelta(days=5))
    upcoming_lena = ActionFactory(reported=followed, owner=lena, due_on=today + timedelta(days=5))
    overdue = ActionFactory(reported=followed, owner=mats, due_on=today - timedelta(days=2))
    due_today = ActionFactory(reported=followed, owner=mats, due_on=today)
    ActionFactory(reported=followed, status=ActionStatus.DONE, due_on=today - timedelta(days=9))
    ActionFactory(reported=followed, status=ActionStatus.DROPPED, due_on=today)
    listing = selectors.open_actions(membership(members["staff"]))
    assert listing.overdue == [overdue]
    # Lena before Mats ("Management-kungsbacka" before "Staff-kungsbacka") on the same day.
    assert listing.upcoming == [due_today, upcoming_lena, upcoming_mats]
    assert listing.owners == [lena, mats]
    mine = selectors.open_actions(membership(members["staff"]), owner_id=lena.pk)
    assert mine.overdue + mine.upcoming == [upcoming_lena]
    first = listing.overdue[0]
    assert first.report_id == report.pk and first.signal_visible


def test_an_archived_signal_is_not_linked_for_management(members, followed):
    ActionFactory(reported=followed)
    followed.signal.status = "archived"
    followed.signal.save()
    for role, visible in (("editor", True), ("management", False), ("staff", False)):
        action = selectors.open_actions(membership(members[role])).upcoming[0]
        assert action.signal_visible is visible, role


def test_the_start_page_lists_the_members_own_open_actions(members, followed):
    today = timezone.localdate()
    ActionFactory(reported=followed, owner=members["editor"])
    later = ActionFactory(reported=followed, owner=members["staff"], due_on=today + timedelta(9))
    sooner = ActionFactory(reported=followed, owner=members["staff"], due_on=today)
    ActionFactory(reported=followed, owner=members["staff"], status=ActionStatus.DONE)
    assert selectors.my_open_actions(membership(members["staff"])) == [sooner, later]


def test_an_actions_history_tells_who_changed_what_and_when(members, report, chosen):
    action = services.action_create(
        cycle=report.cycle,
        signal=chosen[0],
        user=members["management"],
        kind="investigation",
        title="Utred",
        due_on=timezone.localdate() + timedelta(days=10),
        owner=members["staff"],
    )
    services.action_status_set(
        action=action, user=members["staff"], status="in_progress", note="Vi har börjat"
    )
    services.action_update(
        action=action,
        user=members["editor"],
        kind="investigation",
        title="Utred lokalerna",
        due_on=action.due_on,
        owner=members["editor"],
    )
    entries = selectors.action_history(action)
    assert [(e.user, e.created) for e in entries] == [
        (members["editor"], False),
        (members["staff"], False),
        (members["management"], True),
    ]
    changed = {change.field: (change.old, change.new) for change in entries[0].changes}
    assert changed == {
        "title": ("Utred", "Utred lokalerna"),
        "owner": (members["staff"], members["editor"]),
    }
    assert entries[1].status_changed and entries[1].note == "Vi har börjat"
