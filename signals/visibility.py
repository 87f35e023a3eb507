"""Which signals a member may see: the one rule every signal view and export reads through.

The scanning group (scanners, editors, admins) sees all of its organisation's signals, drafts
and archive included. Management reads what has been logged (the reports issue adds "in
report"). Department staff see only signals that a published report or an open discussion has
made visible; until those issues land, that is none.
"""

from django.db.models import QuerySet

from organizations.models import Membership
from organizations.roles import SCANNING_GROUP, Role

from .models import Signal, Status

ALL_STATUSES = frozenset(Status)

# The statuses each role may read: the list, the export, the start page and the status filter
# all follow this one table. The reports issue adds Status.IN_REPORT to management's; staff see
# no status as such (the reports and discussions issues show them what has been published).
VISIBLE_STATUSES: dict[str, frozenset[Status]] = {
    **dict.fromkeys(SCANNING_GROUP, ALL_STATUSES),
    Role.MANAGEMENT: frozenset({Status.LOGGED}),
    Role.STAFF: frozenset(),
}


def _statuses(membership: Membership | None) -> frozenset[Status]:
    return VISIBLE_STATUSES.get(membership.role, frozenset()) if membership else frozenset()


def visible_signals(membership: Membership | None) -> QuerySet[Signal]:
    """The signals of the membership's organisation that its role may see."""
    statuses = _statuses(membership)
    if membership is None or not statuses:
        return Signal.objects.none()
    signals = Signal.objects.filter(organization_id=membership.organization_id)
    if statuses == ALL_STATUSES:
        return signals
    return signals.filter(status__in=statuses)


def visible_statuses(membership: Membership | None) -> list[Status]:
    """The statuses a member can filter by: only those they can see signals of, in the
    register's own order."""
    statuses = _statuses(membership)
    return [status for status in Status if status in statuses]
