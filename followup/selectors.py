"""Reading the follow-up: a report's signals with their actions, the organisation's open
actions, a member's own, and an action's history. Each read starts from a visibility rule and
takes a fixed number of queries, however many actions there are."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.text import capfirst

from organizations.models import Membership
from organizations.visibility import visible_memberships
from reports.models import Candidate, Decision, PublishedReport
from reports.visibility import visible_published_reports
from signals.models import Signal
from signals.visibility import visible_signals

from .models import (
    OPEN_STATUSES,
    Action,
    ActionKind,
    ActionStatus,
    ReportedSignal,
    ReviewReminder,
)
from .reminder_services import REMINDED
from .visibility import visible_actions, visible_reported_signals, visible_review_reminders

# How many of their own open actions a member's start page lists.
START_PAGE_ACTIONS = 5


@dataclass
class ReportedItem:
    """One signal a report names, with what the organisation does about it."""

    signal: Signal
    reported: ReportedSignal | None = None
    actions: list[Action] = field(default_factory=list)

    @property
    def open_actions(self) -> list[Action]:
        return [action for action in self.actions if action.is_open]

    @property
    def done_actions(self) -> list[Action]:
        return [action for action in self.actions if action.status == ActionStatus.DONE]

    @property
    def dropped_actions(self) -> list[Action]:
        return [action for action in self.actions if action.status == ActionStatus.DROPPED]

    @property
    def has_answers(self) -> bool:
        reported = self.reported
        return reported is not None and any(
            (reported.risk_or_opportunity, reported.what_we_can_do, reported.success_looks_like)
        )


def report_followup(membership: Membership, report: PublishedReport) -> list[ReportedItem]:
    """The signals of a published report (``report`` as the member reads it, through
    ``visible_published_reports``) in the report's order, each with its follow-up and its
    actions by due date. A signal a correction took out of the report after actions were
    decided on it stays, last. Three queries."""
    return reports_followup(membership, [report])[report.pk]


def reports_followup(
    membership: Membership, reports: Sequence[PublishedReport]
) -> dict[int, list[ReportedItem]]:
    """``report_followup`` of each of ``reports`` (by the report's pk), in three queries
    however many reports: for the archive, where each report shows what came of it."""
    cycles = {report.cycle_id for report in reports}
    chosen = (
        Candidate.objects.filter(
            cycle_id__in=cycles,
            organization_id__in={report.organization_id for report in reports},
            decision=Decision.IN,
        )
        .select_related("signal")
        .order_by("position", "pk")
    )
    rows: dict[int, dict[int, ReportedSignal]] = defaultdict(dict)
    for row in (
        visible_reported_signals(membership)
        .filter(cycle_id__in=cycles)
        .select_related("signal", "reviewed_by")
    ):
        rows[row.cycle_id][row.signal_id] = row
    items: dict[int, list[ReportedItem]] = defaultdict(list)
    for candidate in chosen:
        reported = rows[candidate.cycle_id].pop(candidate.signal_id, None)
        items[candidate.cycle_id].append(ReportedItem(signal=candidate.signal, reported=reported))
    for cycle_id, left in rows.items():
        items[cycle_id] += [ReportedItem(signal=row.signal, reported=row) for row in left.values()]
    by_signal = {
        (cycle_id, item.signal.pk): item for cycle_id, listed in items.items() for item in listed
    }
    actions = (
        visible_actions(membership)
        .filter(reported__cycle_id__in=cycles)
        .select_related("owner", "reported")
        .order_by("due_on", "pk")
    )
    for action in actions:
        item = by_signal.get((action.reported.cycle_id, action.reported.signal_id))
        if item is not None:
            item.actions.append(action)
    return {report.pk: items.get(report.cycle_id, []) for report in reports}


def reported_item(membership: Membership, report: PublishedReport, signal_id: int):
    """One signal of the report with its follow-up, or None when the report does not name it."""
    for item in report_followup(membership, report):
        if item.signal.pk == signal_id:
            return item
    return None


def _current_report_of_cycle(membership: Membership, cycle_ref: str) -> Subquery:
    return Subquery(
        visible_published_reports(membership)
        .filter(cycle_id=OuterRef(cycle_ref), superseded_at__isnull=True)
        .order_by("-version")
        .values("pk")[:1]
    )


def with_links(membership: Membership, actions: QuerySet[Action]) -> QuerySet[Action]:
    """The actions with what their links need in the same query: the current version of their
    report (``report_id``) and whether the member may open their signal (``signal_visible``:
    a signal archived since is not shown to management and staff)."""
    return actions.select_related("owner", "reported__signal", "reported__cycle").annotate(
        report_id=_current_report_of_cycle(membership, "reported__cycle_id"),
        signal_visible=Exists(
            visible_signals(membership).filter(pk=OuterRef("reported__signal_id"))
        ),
    )


@dataclass
class OpenActions:
    overdue: list[Action]
    upcoming: list[Action]
    owners: list  # the members who own an open action, for the filter

    @property
    def count(self) -> int:
        return len(self.overdue) + len(self.upcoming)


def open_actions(
    membership: Membership, *, owner_id: int | None = None, today: date | None = None
) -> OpenActions:
    """The organisation's open actions (proposed, agreed, in progress) by due date and then
    owner, the overdue ones apart so the page shows them first; only one owner's if given.
    Two queries."""
    today = today or timezone.localdate()
    actions = visible_actions(membership).filter(status__in=OPEN_STATUSES)
    owner_ids = actions.exclude(owner__isnull=True).values("owner_id")
    owners = list(
        get_user_model()
        .objects.filter(pk__in=owner_ids)
        .order_by("first_name", "last_name", "username")
    )
    if owner_id is not None:
        actions = actions.filter(owner_id=owner_id)
    listed = with_links(membership, actions).order_by(
        "due_on", "owner__first_name", "owner__last_name", "owner_department", "pk"
    )
    overdue: list[Action] = []
    upcoming: list[Action] = []
    for action in listed:
        (overdue if action.due_on < today else upcoming).append(action)
    return OpenActions(overdue=overdue, upcoming=upcoming, owners=owners)


def my_open_actions(membership: Membership, limit: int = START_PAGE_ACTIONS) -> list[Action]:
    """The member's own open actions, the soonest due first, for their start page."""
    actions = visible_actions(membership).filter(
        owner_id=membership.user_id, status__in=OPEN_STATUSES
    )
    return list(with_links(membership, actions).order_by("due_on", "pk")[:limit])


def my_review_reminders(membership: Membership) -> list[ReviewReminder]:
    """The reviews the member has been reminded of and that are not done, oldest first, each
    with its report's current version (``report_id``)."""
    reminders = (
        visible_review_reminders(membership)
        .filter(done_at__isnull=True)
        .select_related("cycle")
        .annotate(report_id=_current_report_of_cycle(membership, "cycle_id"))
        .order_by("due_at", "pk")
    )
    return [reminder for reminder in reminders if reminder.report_id is not None]


def start_context(membership: Membership) -> dict:
    """What the start page shows of the follow-up: the member's own actions and reviews."""
    if not membership.can("follow_up"):
        return {}
    reminded = membership.can(REMINDED)
    return {
        "my_actions": my_open_actions(membership),
        "review_reminders": my_review_reminders(membership) if reminded else [],
        "today": timezone.localdate(),
    }


def owner_choices(membership: Membership) -> QuerySet:
    """The people an action may be given to: the organisation's members who have taken up
    their membership, as the member sees them."""
    members = visible_memberships(membership).filter(accepted_at__isnull=False)
    return (
        get_user_model()
        .objects.filter(pk__in=members.values("user_id"), is_active=True)
        .order_by("first_name", "last_name", "username")
    )


# --- an action's history -----------------------------------------------------------------------

# The fields an action's history tells, in the order it tells them.
HISTORY_FIELDS = ("status", "note", "title", "kind", "owner", "owner_department", "due_on")
LABELLED = {"status": ActionStatus, "kind": ActionKind}


@dataclass
class ActionChange:
    field: str
    old: object
    new: object

    @property
    def label(self) -> str:
        field = Action._meta.get_field(self.field)
        return capfirst(str(getattr(field, "verbose_name", self.field)))


def _label(choices, value):
    """A stored choice by its label in the current language (an unknown one as stored)."""
    return choices(value).label if value in choices.values else value


@dataclass
class ActionHistoryEntry:
    when: datetime
    user: object
    created: bool
    status: str
    note: str
    changes: list[ActionChange] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return _label(ActionStatus, self.status)

    @property
    def status_changed(self) -> bool:
        return any(change.field == "status" for change in self.changes)


def action_history(action: Action) -> list[ActionHistoryEntry]:
    """Who changed what on the action and when, newest first: the status with its note, and
    any other field. Two queries: the records, and the owners they name."""
    records = list(
        action.history.select_related("history_user").order_by("history_date", "history_id")
    )
    owner_ids = {record.owner_id for record in records if record.owner_id}
    owners = get_user_model().objects.in_bulk(owner_ids)
    entries = []
    previous = None
    for record in records:
        entry = ActionHistoryEntry(
            when=record.history_date,
            user=record.history_user,
            created=previous is None,
            status=record.status,
            note=record.note,
        )
        if previous is not None:
            for name in HISTORY_FIELDS:
                column = "owner_id" if name == "owner" else name
                old, new = getattr(previous, column), getattr(record, column)
                if old != new:
                    if name == "owner":
                        old, new = owners.get(old), owners.get(new)
                    elif name in LABELLED:
                        old, new = _label(LABELLED[name], old), _label(LABELLED[name], new)
                    entry.changes.append(ActionChange(field=name, old=old, new=new))
        entries.append(entry)
        previous = record
    return list(reversed(entries))
