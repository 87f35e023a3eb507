"""Writing the report cycle: opening a month, carrying signals over, scoring, deciding and
ordering the shortlist.

Each service checks who may do it through the user's membership in the cycle's organisation
(the views check the same capability first, to answer 403), and raises ``ValidationError``
keyed by field before it stores anything. Deciding bumps the candidate's ``version`` with one
``UPDATE … WHERE version = expected``, so of two editors marking the same candidate the second
is told (``CandidateConflict``) instead of overwriting the first.
"""

import calendar
from collections.abc import Sequence
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.lib.text import strip_bidi_controls
from organizations.models import Membership, Organization
from organizations.roles import role_has
from signals.models import Signal, Status

from .models import Candidate, CycleState, Decision, ReportCycle, Score

MAX_COMMENT_LENGTH = 200

# Each message is written here once; the forms and pages import them.
BOUNDS = _("A report has at least %(min)d and at most %(max)d signals.")
CYCLE_CLOSED = _("This month's report is published: its candidates can no longer change.")
NOT_EARLIER = _("Carry over a signal from an earlier month; this month's are already here.")
ALREADY_CANDIDATE = _("This signal is already a candidate this month.")
NOT_LOGGED = _("Only logged signals can be candidates, not drafts or archived ones.")
SCORE_INVALID = _("Choose 1, 2 or 3.")
COMMENT_TOO_LONG = _("Keep the comment to one line of at most %(max)d characters.")
NOT_SCANNING_GROUP = _("Only the scanning group scores the candidates.")
NOT_EDITOR = _("Only the editor decides which signals go in the report.")
DECISION_INVALID = _("Choose in, out or undecided.")
SHORTLIST_CHANGED = _("The shortlist changed meanwhile; here it is as it is now.")


class CandidateConflict(Exception):
    """Someone decided the candidate after the page was opened. ``current`` is the candidate
    as it is now."""

    def __init__(self, current: Candidate):
        super().__init__(f"Candidate {current.pk} is at version {current.version}.")
        self.current = current


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month as aware datetimes [first moment, first moment of the next month)."""
    first = month_start(month)
    last_day = calendar.monthrange(first.year, first.month)[1]
    after = date(first.year, first.month, last_day).toordinal() + 1
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(first, time.min, tzinfo=zone),
        datetime.combine(date.fromordinal(after), time.min, tzinfo=zone),
    )


def _membership(user, organization_id: int) -> Membership | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(
        user=user, organization_id=organization_id, accepted_at__isnull=False
    ).first()


def require_capability(user, organization_id: int, capability: str, message) -> None:
    membership = _membership(user, organization_id)
    if membership is None or not role_has(membership.role, capability):
        raise ValidationError({"__all__": [message]})


def require_open(cycle: ReportCycle) -> None:
    if cycle.state != CycleState.OPEN:
        raise ValidationError({"__all__": [CYCLE_CLOSED]})


def bounds_text(cycle: ReportCycle) -> str:
    return str(BOUNDS) % {"min": cycle.min_signals, "max": cycle.max_signals}


# --- the cycle ------------------------------------------------------------------------------


@transaction.atomic
def cycle_open(*, organization: Organization, month: date, user=None) -> ReportCycle:
    """The organisation's cycle for the month, opened if need be, with every logged signal of
    the month a candidate. Safe to run again: it adds the month's signals logged since, and
    changes nothing in a published cycle. ``user`` (when a person opens it) must be an editor;
    the periodic task opens it without one."""
    if user is not None:
        require_capability(user, organization.pk, "compose_reports", NOT_EDITOR)
    first = month_start(month)
    try:
        with transaction.atomic():
            cycle, _created = ReportCycle.objects.get_or_create(
                organization=organization, month=first
            )
    except IntegrityError:  # opened by someone else at the same moment
        cycle = ReportCycle.objects.get(organization=organization, month=first)
    if cycle.state != CycleState.OPEN:
        return cycle
    start, end = month_bounds(first)
    already = Candidate.objects.filter(cycle=cycle).values("signal_id")
    new = (
        Signal.objects.filter(
            organization=organization,
            status=Status.LOGGED,
            created_at__gte=start,
            created_at__lt=end,
        )
        .exclude(pk__in=already)
        .values_list("pk", flat=True)
    )
    Candidate.objects.bulk_create(
        [Candidate(organization=organization, cycle=cycle, signal_id=pk) for pk in new],
        ignore_conflicts=True,
    )
    return cycle


@transaction.atomic
def candidate_carry_over(*, cycle: ReportCycle, signal: Signal, user) -> Candidate:
    """Make a logged signal of an earlier month a candidate of this cycle (the editor's
    choice: something that matters more now than when it was logged)."""
    require_capability(user, cycle.organization_id, "compose_reports", NOT_EDITOR)
    require_open(cycle)
    if signal.organization_id != cycle.organization_id:
        raise ValidationError({"signal": [NOT_LOGGED]})
    if signal.status != Status.LOGGED:
        raise ValidationError({"signal": [NOT_LOGGED]})
    if signal.created_at >= month_bounds(cycle.month)[0]:
        raise ValidationError({"signal": [NOT_EARLIER]})
    if Candidate.objects.filter(cycle=cycle, signal=signal).exists():
        raise ValidationError({"signal": [ALREADY_CANDIDATE]})
    try:
        with transaction.atomic():
            return Candidate.objects.create(
                organization_id=cycle.organization_id,
                cycle=cycle,
                signal=signal,
                carried_over=True,
            )
    except IntegrityError:
        raise ValidationError({"signal": [ALREADY_CANDIDATE]}) from None


# --- scoring --------------------------------------------------------------------------------


def _score_value(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number in (1, 2, 3) else None


@transaction.atomic
def score_set(*, candidate: Candidate, user, relevance, urgency, comment: str = "") -> Score:
    """Store (or replace) the member's score of a candidate."""
    require_capability(user, candidate.organization_id, "score_reports", NOT_SCANNING_GROUP)
    require_open(candidate.cycle)
    errors: dict[str, list] = {}
    relevance_value, urgency_value = _score_value(relevance), _score_value(urgency)
    if relevance_value is None:
        errors["relevance"] = [SCORE_INVALID]
    if urgency_value is None:
        errors["urgency"] = [SCORE_INVALID]
    # One line: a pasted line break becomes a space rather than a refusal.
    comment = " ".join(strip_bidi_controls(comment or "").split())
    if len(comment) > MAX_COMMENT_LENGTH:
        errors["comment"] = [COMMENT_TOO_LONG % {"max": MAX_COMMENT_LENGTH}]
    if errors:
        raise ValidationError(errors)
    score, _created = Score.objects.update_or_create(
        candidate=candidate,
        user=user,
        defaults={"relevance": relevance_value, "urgency": urgency_value, "comment": comment},
        create_defaults={
            "organization_id": candidate.organization_id,
            "relevance": relevance_value,
            "urgency": urgency_value,
            "comment": comment,
        },
    )
    return score


# --- deciding and ordering ------------------------------------------------------------------


@transaction.atomic
def candidate_decide(
    *, candidate: Candidate, user, decision: str, expected_version: int
) -> Candidate:
    """Mark a candidate in, out or undecided. A candidate put in goes to the end of the
    shortlist. Refused with ``CandidateConflict`` when the candidate was decided since the
    page showed ``expected_version``. Going past the bounds is allowed while the group works
    (the board says so); publishing is what refuses it."""
    require_capability(user, candidate.organization_id, "compose_reports", NOT_EDITOR)
    require_open(candidate.cycle)
    if decision not in Decision.values:
        raise ValidationError({"decision": [DECISION_INVALID]})
    position = None
    if decision == Decision.IN:
        if candidate.decision == Decision.IN and candidate.position is not None:
            position = candidate.position
        else:
            last = Candidate.objects.filter(cycle_id=candidate.cycle_id).aggregate(
                last=Max("position")
            )["last"]
            position = (last or 0) + 1
    rows = Candidate.objects.filter(pk=candidate.pk, version=expected_version)
    if not rows.update(decision=decision, position=position, version=F("version") + 1):
        raise CandidateConflict(Candidate.objects.select_related("cycle").get(pk=candidate.pk))
    candidate.refresh_from_db()
    return candidate


@transaction.atomic
def shortlist_reorder(*, cycle: ReportCycle, user, candidate_ids: Sequence[int]) -> None:
    """Put the shortlist (the candidates marked in) in the order given. The ids must be
    exactly the shortlist as it is; otherwise someone changed it meanwhile and nothing is
    stored."""
    require_capability(user, cycle.organization_id, "compose_reports", NOT_EDITOR)
    require_open(cycle)
    shortlist = Candidate.objects.select_for_update().filter(cycle=cycle, decision=Decision.IN)
    current = {candidate.pk: candidate for candidate in shortlist}
    ids = list(candidate_ids)
    if len(ids) != len(set(ids)) or set(ids) != set(current):
        raise ValidationError({"__all__": [SHORTLIST_CHANGED]})
    changed = []
    for place, pk in enumerate(ids, start=1):
        candidate = current[pk]
        if candidate.position != place:
            candidate.position = place
            changed.append(candidate)
    Candidate.objects.bulk_update(changed, ["position"])
