"""The follow-up's rules, for every caller: who decides on actions and who moves their status,
what is refused (by field, before anything is stored), and the history each change leaves."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from followup import services
from followup.models import Action, ActionKind, ActionStatus, Outcome, ReportedSignal
from organizations.roles import Role

from ..conftest import make_member
from ..factories import ActionFactory, MembershipFactory, ReportedSignalFactory

PLANNERS = (Role.EDITOR, Role.ADMIN, Role.MANAGEMENT)
NOT_PLANNERS = (Role.SCANNER, Role.STAFF)


def in_a_month():
    return timezone.localdate() + timedelta(days=30)


def create(report, signal, user, **overrides):
    values = {
        "cycle": report.cycle,
        "signal": signal,
        "user": user,
        "kind": ActionKind.INVESTIGATION,
        "title": "Utred flexibla lokaler",
        "due_on": in_a_month(),
        "owner_department": "Lokalförsörjningen",
    }
    return services.action_create(**{**values, **overrides})


def refusal(error: ValidationError) -> dict:
    return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}


# --- deciding on actions -----------------------------------------------------------------------


@pytest.mark.parametrize("role", PLANNERS)
def test_editors_admins_and_management_decide_on_actions(report, chosen, members, role):
    action = create(report, chosen[0], members[role], owner=members["staff"], owner_department="")
    assert action.reported.signal == chosen[0]
    assert action.reported.cycle == report.cycle
    assert (action.status, action.created_by, action.owner) == (
        ActionStatus.PROPOSED,
        members[role],
        members["staff"],
    )


@pytest.mark.parametrize("role", NOT_PLANNERS)
def test_the_scanning_group_and_staff_do_not(report, chosen, members, role):
    with pytest.raises(ValidationError) as refused:
        create(report, chosen[0], members[role])
    assert refusal(refused.value) == {"__all__": [services.NOT_PLANNER]}
    assert not Action.objects.exists()
    assert not ReportedSignal.objects.exists()


def test_another_organisations_member_does_not(report, chosen, other_members):
    with pytest.raises(ValidationError):
        create(report, chosen[0], other_members["editor"])
    assert not Action.objects.exists()


def test_a_pending_member_does_not(report, chosen, kommun):
    invited = MembershipFactory(organization=kommun, role=Role.EDITOR, pending=True).user
    with pytest.raises(ValidationError):
        create(report, chosen[0], invited)


def test_every_bad_field_is_refused_at_once(report, chosen, members, other_members):
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        create(
            report,
            chosen[0],
            members["editor"],
            title="   ",
            kind="party",
            due_on=yesterday,
            owner=other_members["editor"],
            status="finished",
            note="x" * 501,
        )
    assert refusal(refused.value) == {
        "title": [services.TITLE_REQUIRED],
        "kind": [services.KIND_INVALID],
        "due_on": [services.DUE_IN_PAST],
        "owner": [services.OWNER_NOT_MEMBER],
        "status": [services.STATUS_INVALID],
        "note": [services.NOTE_TOO_LONG % {"max": 500}],
    }
    assert not Action.objects.exists()


def test_an_action_needs_an_owner_and_a_due_date(report, chosen, members):
    with pytest.raises(ValidationError) as refused:
        create(report, chosen[0], members["editor"], owner_department=" ", due_on=None)
    assert refusal(refused.value) == {
        "due_on": [services.DUE_REQUIRED],
        "owner": [services.OWNER_REQUIRED],
    }


def test_today_is_not_past(report, chosen, members):
    action = create(report, chosen[0], members["editor"], due_on=timezone.localdate())
    assert action.due_on == timezone.localdate()


def test_a_pending_invitation_is_no_owner(report, chosen, members, kommun):
    invited = MembershipFactory(organization=kommun, role=Role.STAFF, pending=True).user
    with pytest.raises(ValidationError) as refused:
        create(report, chosen[0], members["editor"], owner=invited)
    assert refusal(refused.value) == {"owner": [services.OWNER_NOT_MEMBER]}


def test_text_is_stored_without_bidirectional_controls(report, chosen, members):
    action = create(
        report, chosen[0], members["editor"], title="\u202eUtred\u202c  lokaler ", note="Ok\u200f"
    )
    assert (action.title, action.note) == ("Utred lokaler", "Ok")


def test_only_a_signal_the_report_names_is_followed_up(
    report, left_out, members, other_report, signal
):
    for not_named in (left_out, signal, other_report.cycle.candidates.get().signal):
        with pytest.raises(ValidationError) as refused:
            create(report, not_named, members["editor"])
        assert refusal(refused.value) == {"__all__": [services.NOT_REPORTED]}
    assert not ReportedSignal.objects.exists()


def test_an_open_cycle_never_published_has_no_follow_up(report, chosen, members):
    report.delete()
    with pytest.raises(ValidationError):
        create(report, chosen[0], members["editor"])


def test_several_actions_share_one_reported_signal(report, chosen, members):
    first = create(report, chosen[0], members["editor"])
    second = create(report, chosen[0], members["management"], title="Pilot i Kolla")
    assert first.reported == second.reported
    assert ReportedSignal.objects.count() == 1


# --- changing an action ------------------------------------------------------------------------


@pytest.fixture
def action(report, chosen, members):
    return create(report, chosen[0], members["management"], owner=members["staff"])


def test_a_planner_edits_an_action(action, members):
    services.action_update(
        action=action,
        user=members["editor"],
        kind=ActionKind.EXPERIMENT,
        title="Pilot med flexibla lokaler",
        due_on=in_a_month() + timedelta(days=10),
        owner=None,
        owner_department="Lokalförsörjningen",
    )
    action.refresh_from_db()
    assert (action.kind, action.title, action.owner, action.owner_department) == (
        ActionKind.EXPERIMENT,
        "Pilot med flexibla lokaler",
        None,
        "Lokalförsörjningen",
    )
    assert action.history.count() == 2


def test_the_owner_may_not_edit_what_the_action_is(action, members):
    with pytest.raises(ValidationError):
        services.action_update(
            action=action,
            user=members["staff"],
            kind=action.kind,
            title="Något annat",
            due_on=action.due_on,
            owner=members["staff"],
        )


def test_a_past_due_date_may_stay_but_not_be_chosen(action, members):
    Action.objects.filter(pk=action.pk).update(due_on=timezone.localdate() - timedelta(days=3))
    action.refresh_from_db()
    kept = services.action_update(
        action=action,
        user=members["editor"],
        kind=action.kind,
        title="Nytt namn",
        due_on=action.due_on,
        owner=action.owner,
    )
    assert kept.title == "Nytt namn"
    with pytest.raises(ValidationError) as refused:
        services.action_update(
            action=action,
            user=members["editor"],
            kind=action.kind,
            title=action.title,
            due_on=action.due_on - timedelta(days=1),
            owner=action.owner,
        )
    assert refusal(refused.value) == {"due_on": [services.DUE_IN_PAST]}


def test_an_unchanged_edit_leaves_no_history(action, members):
    services.action_update(
        action=action,
        user=members["editor"],
        kind=action.kind,
        title=action.title,
        due_on=action.due_on,
        owner=action.owner,
        owner_department=action.owner_department,
    )
    assert action.history.count() == 1


# --- the status and its history ----------------------------------------------------------------


def test_the_owner_moves_their_own_action_on_with_a_note(action, members):
    services.action_status_set(
        action=action, user=members["management"], status=ActionStatus.AGREED, note="Beslutat i KS"
    )
    services.action_status_set(
        action=action, user=members["staff"], status=ActionStatus.IN_PROGRESS, note="Påbörjad"
    )
    services.action_status_set(
        action=action, user=members["staff"], status=ActionStatus.DONE, note="Rapport klar"
    )
    records = list(action.history.order_by("history_date", "history_id"))
    assert [(r.status, r.note, r.history_user) for r in records] == [
        (ActionStatus.PROPOSED, "", members["management"]),
        (ActionStatus.AGREED, "Beslutat i KS", members["management"]),
        (ActionStatus.IN_PROGRESS, "Påbörjad", members["staff"]),
        (ActionStatus.DONE, "Rapport klar", members["staff"]),
    ]
    assert all(r.history_date for r in records)


@pytest.mark.parametrize("role", (Role.SCANNER, Role.STAFF))
def test_someone_elses_action_is_not_theirs_to_move(report, chosen, members, role):
    action = create(report, chosen[0], members["editor"], owner=members["editor"])
    with pytest.raises(ValidationError) as refused:
        services.action_status_set(action=action, user=members[role], status=ActionStatus.DONE)
    assert refusal(refused.value) == {"__all__": [services.NOT_OWNER]}
    action.refresh_from_db()
    assert action.status == ActionStatus.PROPOSED


def test_an_owner_who_left_the_organisation_may_not(action, members):
    members["staff"].memberships.all().delete()
    with pytest.raises(ValidationError):
        services.action_status_set(action=action, user=members["staff"], status="done")


def test_an_owner_in_another_organisation_of_the_same_name_may_not(action, other_kommun):
    stranger = make_member(other_kommun, Role.EDITOR)
    with pytest.raises(ValidationError):
        services.action_status_set(action=action, user=stranger, status="done")


def test_a_bad_status_or_note_is_refused_by_field(action, members):
    with pytest.raises(ValidationError) as refused:
        services.action_status_set(
            action=action, user=members["editor"], status="finished", note="x" * 600
        )
    assert refusal(refused.value) == {
        "status": [services.STATUS_INVALID],
        "note": [services.NOTE_TOO_LONG % {"max": 500}],
    }


def test_the_same_status_and_note_again_is_no_change(action, members):
    services.action_status_set(action=action, user=members["staff"], status="proposed", note="")
    assert action.history.count() == 1


# --- the three questions and the review ----------------------------------------------------------


def test_the_three_questions_are_answered_and_each_is_optional(report, chosen, members):
    reported = services.reported_signal_answer(
        cycle=report.cycle,
        signal=chosen[1],
        user=members["management"],
        risk_or_opportunity="En risk: sanktioner om vi missar kraven.",
        success_looks_like="",
    )
    assert (reported.risk_or_opportunity, reported.what_we_can_do) == (
        "En risk: sanktioner om vi missar kraven.",
        "",
    )
    with pytest.raises(ValidationError) as refused:
        services.reported_signal_answer(
            cycle=report.cycle, signal=chosen[1], user=members["editor"], what_we_can_do="x" * 501
        )
    assert refusal(refused.value) == {"what_we_can_do": [services.ANSWER_TOO_LONG % {"max": 500}]}
    with pytest.raises(ValidationError):
        services.reported_signal_answer(
            cycle=report.cycle, signal=chosen[1], user=members["staff"], what_we_can_do="Jag"
        )


def test_a_review_says_what_came_of_a_signal(report, chosen, members):
    reported = services.reported_signal_review(
        cycle=report.cycle,
        signal=chosen[0],
        user=members["editor"],
        outcome=Outcome.LED_TO_SOMETHING,
        outcome_note="Lokalförsörjningsplanen är omgjord.",
    )
    assert (reported.outcome, reported.reviewed_by) == (Outcome.LED_TO_SOMETHING, members["editor"])
    assert reported.reviewed_at is not None
    for outcome, note, errors in (
        (Outcome.LED_TO_SOMETHING, "", {"outcome_note": [services.OUTCOME_NOTE_REQUIRED]}),
        ("maybe", "", {"outcome": [services.OUTCOME_INVALID]}),
    ):
        with pytest.raises(ValidationError) as refused:
            services.reported_signal_review(
                cycle=report.cycle,
                signal=chosen[0],
                user=members["editor"],
                outcome=outcome,
                outcome_note=note,
            )
        assert refusal(refused.value) == errors


def test_a_signal_taken_out_by_a_correction_keeps_its_follow_up(report, chosen, members):
    action = create(report, chosen[0], members["editor"])
    report.cycle.candidates.filter(signal=chosen[0]).update(decision="out", position=None)
    second = create(report, chosen[0], members["editor"], title="Ändå vidare")
    assert second.reported == action.reported


def test_the_factory_makes_what_the_service_would(report, chosen):
    reported = ReportedSignalFactory(cycle=report.cycle, signal=chosen[2])
    action = ActionFactory(reported=reported)
    assert action.organization == report.organization
    assert action.history.get().history_type == "+"
