"""Writing the follow-up: actions on a reported signal, their status, the three questions and
the review of what came of it.

Every service checks who may do it through the user's membership in the organisation (the
views check the same capability first, to answer 403) and raises ``ValidationError`` keyed by
field, every field's refusal at once, before it stores anything. Each write leaves one history
record attributed to the user, as the signal register's do.

Management, editors and administrators decide on actions and review them (``plan_actions``);
an action's owner may change the status and note of their own action, whatever their role.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.lib.text import strip_bidi_controls
from organizations.models import Membership
from reports.models import Candidate, Decision, PublishedReport, ReportCycle
from signals.models import Signal

from .models import (
    DEPARTMENT_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    QUESTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Action,
    ActionKind,
    ActionStatus,
    Outcome,
    ReportedSignal,
    ReviewReminder,
)

# Each message is written here once; the forms import those they check early.
NOT_PLANNER = _("Only editors, administrators and management decide on actions.")
NOT_OWNER = _("Only the action's owner, editors, administrators and management change its status.")
NOT_REPORTED = _("This signal is not among the signals of this published report.")
TITLE_REQUIRED = _("Give the action a title.")
TITLE_TOO_LONG = _("Keep the title to at most %(max)d characters.")
KIND_INVALID = _("Choose what kind of action this is.")
DUE_REQUIRED = _("Give a due date.")
DUE_IN_PAST = _("The due date has passed: choose today or a later day.")
OWNER_REQUIRED = _("Name an owner: a member, or a department.")
OWNER_NOT_MEMBER = _("Choose the owner among your organisation's members.")
DEPARTMENT_TOO_LONG = _("Keep the department's name to at most %(max)d characters.")
STATUS_INVALID = _("Choose one of the statuses.")
NOTE_TOO_LONG = _("Keep the note to at most %(max)d characters.")
ANSWER_TOO_LONG = _("Keep the answer to at most %(max)d characters.")
OUTCOME_INVALID = _("Choose what came of it.")
OUTCOME_NOTE_REQUIRED = _("Say what it led to.")

# The three questions of strategic foresight, as the model's fields.
QUESTIONS = ("risk_or_opportunity", "what_we_can_do", "success_looks_like")
# The fields of an action that action_update changes; the status has its own service.
ACTION_FIELDS = ("kind", "title", "owner_id", "owner_department", "due_on")


# --- who may ---------------------------------------------------------------------------------


def _membership(user, organization_id: int) -> Membership | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(
        user=user, organization_id=organization_id, accepted_at__isnull=False
    ).first()


def _require_planner(user, organization_id: int) -> None:
    membership = _membership(user, organization_id)
    if membership is None or not membership.can("plan_actions"):
        raise ValidationError({"__all__": [NOT_PLANNER]})


def may_plan(membership: Membership) -> bool:
    return membership.can("plan_actions")


def may_set_status(membership: Membership, action: Action) -> bool:
    """Whether the member may change the action's status and note: a planner, or its owner."""
    return (
        membership.organization_id == action.organization_id
        and membership.accepted_at is not None
        and (membership.can("plan_actions") or action.owner_id == membership.user_id)
    )


# --- checking the input ----------------------------------------------------------------------


def _text(value) -> str:
    return " ".join(strip_bidi_controls(str(value or "")).split())


def _check_length(errors: dict, field: str, value: str, limit: int, message) -> None:
    if len(value) > limit:
        errors.setdefault(field, []).append(message % {"max": limit})


def _refuse(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _owner_errors(organization_id: int, owner, department: str) -> list:
    if owner is None:
        return [] if department else [OWNER_REQUIRED]
    is_member = Membership.objects.filter(
        user_id=owner.pk, organization_id=organization_id, accepted_at__isnull=False
    ).exists()
    return [] if is_member else [OWNER_NOT_MEMBER]


def _clean_action(
    organization_id: int,
    *,
    kind: str,
    title: str,
    due_on: date | None,
    owner,
    owner_department: str,
    due_date_may_be_past: bool,
) -> tuple[dict, dict]:
    """The action's fields as stored, and the refusals by field."""
    errors: dict[str, list] = {}
    title = _text(title)
    department = _text(owner_department)
    if not title:
        errors["title"] = [TITLE_REQUIRED]
    _check_length(errors, "title", title, TITLE_MAX_LENGTH, TITLE_TOO_LONG)
    if kind not in ActionKind.values:
        errors["kind"] = [KIND_INVALID]
    if due_on is None:
        errors["due_on"] = [DUE_REQUIRED]
    elif due_on < timezone.localdate() and not due_date_may_be_past:
        errors["due_on"] = [DUE_IN_PAST]
    if owner_errors := _owner_errors(organization_id, owner, department):
        errors["owner"] = owner_errors
    _check_length(
        errors, "owner_department", department, DEPARTMENT_MAX_LENGTH, DEPARTMENT_TOO_LONG
    )
    fields = {
        "kind": kind,
        "title": title,
        "due_on": due_on,
        "owner_id": owner.pk if owner is not None else None,
        "owner_department": department,
    }
    return fields, errors


def _clean_status(errors: dict, status: str, note: str) -> str:
    note = _text(note)
    if status not in ActionStatus.values:
        errors["status"] = [STATUS_INVALID]
    _check_length(errors, "note", note, NOTE_MAX_LENGTH, NOTE_TOO_LONG)
    return note


# --- the reported signal ---------------------------------------------------------------------


def is_reported(*, cycle: ReportCycle, signal: Signal) -> bool:
    """Whether a published report of the cycle names the signal: the cycle has a published
    version and the signal is one of its chosen candidates."""
    return (
        signal.organization_id == cycle.organization_id
        and PublishedReport.objects.filter(cycle=cycle).exists()
        and Candidate.objects.filter(cycle=cycle, signal=signal, decision=Decision.IN).exists()
    )


def reported_signal_get(*, cycle: ReportCycle, signal: Signal, user) -> ReportedSignal:
    """The follow-up row of a signal the cycle's report names, made on the first write.
    Refused for a signal the report does not name (a forged address), unless the row is there
    already (a correction took the signal out after actions were decided: they stay)."""
    existing = ReportedSignal.objects.filter(cycle=cycle, signal=signal).first()
    if existing is not None:
        return existing
    if not is_reported(cycle=cycle, signal=signal):
        raise ValidationError({"__all__": [NOT_REPORTED]})
    reported = ReportedSignal(organization_id=cycle.organization_id, cycle=cycle, signal=signal)
    reported._history_user = user  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            reported.save()
    except IntegrityError:  # made meanwhile by a colleague's first write
        return ReportedSignal.objects.get(cycle=cycle, signal=signal)
    return reported


def _save(row, user, **kwargs) -> None:
    """Save with one history record attributed to the user."""
    row._history_user = user
    try:
        row.save(**kwargs)
    finally:
        del row._history_user


# --- actions ---------------------------------------------------------------------------------


@transaction.atomic
def action_create(
    *,
    cycle: ReportCycle,
    signal: Signal,
    user,
    kind: str,
    title: str,
    due_on: date | None,
    owner=None,
    owner_department: str = "",
    status: str = ActionStatus.PROPOSED,
    note: str = "",
) -> Action:
    """Decide on an action for a signal the cycle's published report names. The due date may
    not have passed."""
    _require_planner(user, cycle.organization_id)
    fields, errors = _clean_action(
        cycle.organization_id,
        kind=kind,
        title=title,
        due_on=due_on,
        owner=owner,
        owner_department=owner_department,
        due_date_may_be_past=False,
    )
    note = _clean_status(errors, status, note)
    _refuse(errors)
    reported = reported_signal_get(cycle=cycle, signal=signal, user=user)
    action = Action(
        organization_id=cycle.organization_id,
        reported=reported,
        created_by=user,
        status=status,
        note=note,
        **fields,
    )
    _save(action, user)
    return action


@transaction.atomic
def action_update(
    *,
    action: Action,
    user,
    kind: str,
    title: str,
    due_on: date | None,
    owner=None,
    owner_department: str = "",
) -> Action:
    """Change what the action is, who owns it and when it is due. A due date already passed
    may stay; a new one may not be in the past."""
    _require_planner(user, action.organization_id)
    fields, errors = _clean_action(
        action.organization_id,
        kind=kind,
        title=title,
        due_on=due_on,
        owner=owner,
        owner_department=owner_department,
        due_date_may_be_past=due_on == action.due_on,
    )
    _refuse(errors)
    changed = [name for name, value in fields.items() if getattr(action, name) != value]
    if not changed:
        return action
    for name in changed:
        setattr(action, name, fields[name])
    _save(action, user, update_fields=[*changed, "updated_at"])
    return action


@transaction.atomic
def action_status_set(*, action: Action, user, status: str, note: str = "") -> Action:
    """Move the action to a status, with a short note on why or how far it has come. Its
    owner may do this as well as the planners. The note alone may change too (progress on
    the same status); the history keeps each."""
    membership = _membership(user, action.organization_id)
    if membership is None or not may_set_status(membership, action):
        raise ValidationError({"__all__": [NOT_OWNER]})
    errors: dict[str, list] = {}
    note = _clean_status(errors, status, note)
    _refuse(errors)
    if (status, note) == (action.status, action.note):
        return action
    action.status, action.note = status, note
    _save(action, user, update_fields=["status", "note", "updated_at"])
    return action


# --- the three questions and the review ------------------------------------------------------


@transaction.atomic
def reported_signal_answer(
    *,
    cycle: ReportCycle,
    signal: Signal,
    user,
    risk_or_opportunity: str = "",
    what_we_can_do: str = "",
    success_looks_like: str = "",
) -> ReportedSignal:
    """Answer the three questions for a reported signal (each optional): which risk or
    opportunity it is, what we can do, and what success looks like."""
    _require_planner(user, cycle.organization_id)
    answers = {
        "risk_or_opportunity": strip_bidi_controls(risk_or_opportunity or "").strip(),
        "what_we_can_do": strip_bidi_controls(what_we_can_do or "").strip(),
        "success_looks_like": strip_bidi_controls(success_looks_like or "").strip(),
    }
    errors: dict[str, list] = {}
    for name, value in answers.items():
        _check_length(errors, name, value, QUESTION_MAX_LENGTH, ANSWER_TOO_LONG)
    _refuse(errors)
    reported = reported_signal_get(cycle=cycle, signal=signal, user=user)
    changed = [name for name, value in answers.items() if getattr(reported, name) != value]
    if changed:
        for name in changed:
            setattr(reported, name, answers[name])
        _save(reported, user, update_fields=[*changed, "updated_at"])
    return reported


@transaction.atomic
def reported_signal_review(
    *, cycle: ReportCycle, signal: Signal, user, outcome: str, outcome_note: str = ""
) -> ReportedSignal:
    """Record what came of a reported signal: it led to something (and what), not yet, or
    not at all. Once every signal of the report is reviewed, the reminders to review it are
    answered."""
    _require_planner(user, cycle.organization_id)
    note = _text(outcome_note)
    errors: dict[str, list] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = [OUTCOME_INVALID]
    elif outcome == Outcome.LED_TO_SOMETHING and not note:
        errors["outcome_note"] = [OUTCOME_NOTE_REQUIRED]
    _check_length(errors, "outcome_note", note, NOTE_MAX_LENGTH, NOTE_TOO_LONG)
    _refuse(errors)
    reported = reported_signal_get(cycle=cycle, signal=signal, user=user)
    reported.outcome, reported.outcome_note = outcome, note
    reported.reviewed_at, reported.reviewed_by = timezone.now(), user
    _save(
        reported,
        user,
        update_fields=["outcome", "outcome_note", "reviewed_at", "reviewed_by", "updated_at"],
    )
    review_reminders_answer(cycle=cycle)
    return reported


def reported_signal_ids(cycle: ReportCycle) -> set[int]:
    """The signals whose follow-up a cycle's report asks for: those chosen for it, and any
    with a follow-up already (a correction may have taken one out since)."""
    chosen = Candidate.objects.filter(cycle=cycle, decision=Decision.IN).values_list(
        "signal_id", flat=True
    )
    followed = ReportedSignal.objects.filter(cycle=cycle).values_list("signal_id", flat=True)
    return set(chosen) | set(followed)


def review_reminders_answer(*, cycle: ReportCycle) -> int:
    """Mark the cycle's open review reminders done whose every signal has been reviewed since
    the reminder fell due. Returns how many."""
    reminders = ReviewReminder.objects.filter(cycle=cycle, done_at__isnull=True)
    due_moments = set(reminders.values_list("due_at", flat=True))
    if not due_moments:
        return 0
    wanted = reported_signal_ids(cycle)
    reviewed: dict[int, datetime] = {
        signal_id: reviewed_at
        for signal_id, reviewed_at in ReportedSignal.objects.filter(
            cycle=cycle, reviewed_at__isnull=False
        ).values_list("signal_id", "reviewed_at")
        if reviewed_at is not None
    }
    answered = 0
    for due_at in due_moments:
        if all(signal_id in reviewed and reviewed[signal_id] >= due_at for signal_id in wanted):
            answered += reminders.filter(due_at=due_at).update(done_at=timezone.now())
    return answered
