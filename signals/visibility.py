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

# Statuses management may read. The reports issue adds Status.IN_REPORT here.
MANAGEMENT_STATUSES = frozenset({Status.LOGGED})


def visible_signals(membership: Membership | None) -> QuerySet[Signal]:
    """The signals of the membership's organisation that its role may see."""
    if membership is None:
        return Signal.objects.none()
    signals = Signal.objects.filter(organization_id=membership.organization_id)
    if membership.role in SCANNING_GROUP:
        return signals
    if membership.role == Role.MANAGEMENT:
        return signals.filter(status__in=MANAGEMENT_STATUSES)
    # Staff: the reports and discussions issues widen this to what they have published.
    return signals.none()


def visible_statuses(membership: Membership | None) -> list[Status]:
    """The statuses a member can filter by: only those they can see signals of."""
    if membership is None:
        return []
    if membership.role in SCANNING_GROUP:
        return list(Status)
    if membership.role == Role.MANAGEMENT:
        return [status for status in Status if status in MANAGEMENT_STATUSES]
    return []
