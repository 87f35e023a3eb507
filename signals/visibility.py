"""What of the signal register a member may see: one ``visible_<things>`` per kind of object,
registered with ``organizations.access`` (which says how scoping works).

The scanning group (scanners, editors, admins) sees all of its organisation's signals, drafts
and archive included. Management reads logged signals. Department staff read the logged signals
shared with them (``Signal.shared_with_staff``, set when a published report names a signal).

Areas, trends and driving forces are the organisation's shared vocabulary: every member sees
them. Tags are typed on signals, so those outside the scanning group see only the tags of
signals they can see (a tag used only on a draft says something about the draft). Sources
are one hop away: a source is visible with its signal.

Who watches which area is the organisation's own arrangement, seen by its members as far as
they see the members themselves (a pending invitation's areas only by admins).
"""

from django.db.models import Exists, OuterRef, QuerySet

from organizations.access import organization_rows, visibility_rule
from organizations.models import Membership
from organizations.roles import SCANNING_GROUP, Role
from organizations.visibility import visible_memberships

from .models import (
    Area,
    AreaWatch,
    DrivingForce,
    LevelCount,
    SearchEntry,
    Signal,
    Source,
    Status,
    Tag,
    Trend,
)

ALL_STATUSES = frozenset(Status)

# The statuses each role may read: the list, the export, the start page and the status filter
# all follow this one table.
VISIBLE_STATUSES: dict[str, frozenset[Status]] = {
    **dict.fromkeys(SCANNING_GROUP, ALL_STATUSES),
    Role.MANAGEMENT: frozenset({Status.LOGGED}),
    Role.STAFF: frozenset({Status.LOGGED}),
}
# The roles that read only what has been shared with the staff, within their statuses.
SHARED_ONLY: frozenset[str] = frozenset({Role.STAFF})


def _statuses(membership: Membership | None) -> frozenset[Status]:
    return VISIBLE_STATUSES.get(membership.role, frozenset()) if membership else frozenset()


def _as_the_role_sees(
    model: type[Signal] | type[LevelCount] | type[SearchEntry], membership: Membership | None
):
    """The rows of ``model`` (signals, or their kept counts or search entries, which have the
    same status and sharing) that the membership's role may see of its organisation's."""
    statuses = _statuses(membership)
    if membership is None or not statuses:
        return model._default_manager.none()
    rows = organization_rows(model, membership)
    if membership.role in SHARED_ONLY:
        rows = rows.filter(shared_with_staff=True)
    if statuses == ALL_STATUSES:
        return rows
    return rows.filter(status__in=statuses)


@visibility_rule(Signal)
def visible_signals(membership: Membership | None) -> QuerySet[Signal]:
    """The signals of the membership's organisation that its role may see."""
    return _as_the_role_sees(Signal, membership)


@visibility_rule(LevelCount)
def visible_level_counts(membership: Membership | None) -> QuerySet[LevelCount]:
    """The counts of exactly the signals ``visible_signals`` gives the membership."""
    return _as_the_role_sees(LevelCount, membership)


@visibility_rule(SearchEntry)
def visible_search_entries(membership: Membership | None) -> QuerySet[SearchEntry]:
    """The search entries of exactly the signals ``visible_signals`` gives the membership."""
    return _as_the_role_sees(SearchEntry, membership)


@visibility_rule(Source)
def visible_sources(membership: Membership | None) -> QuerySet[Source]:
    return Source.objects.filter(signal__in=visible_signals(membership))


@visibility_rule(Area)
def visible_areas(membership: Membership | None) -> QuerySet[Area]:
    return organization_rows(Area, membership)


@visibility_rule(AreaWatch)
def visible_area_watches(membership: Membership | None) -> QuerySet[AreaWatch]:
    watches = organization_rows(AreaWatch, membership)
    return watches.filter(membership__in=visible_memberships(membership))


@visibility_rule(Trend)
def visible_trends(membership: Membership | None) -> QuerySet[Trend]:
    return organization_rows(Trend, membership)


@visibility_rule(DrivingForce)
def visible_driving_forces(membership: Membership | None) -> QuerySet[DrivingForce]:
    return organization_rows(DrivingForce, membership)


@visibility_rule(Tag)
def visible_tags(membership: Membership | None) -> QuerySet[Tag]:
    tags = organization_rows(Tag, membership)
    if sees_unused_tags(membership):
        return tags
    # One probe per tag (is there such a signal?), not the tags of the whole register.
    return tags.filter(Exists(visible_signals(membership).filter(tags=OuterRef("pk"))))


def sees_unused_tags(membership: Membership | None) -> bool:
    """Whether ``visible_tags`` gives the member tags that no signal they can see carries (the
    scanning group sees every tag; everyone else only the tags of their signals already)."""
    return _statuses(membership) == ALL_STATUSES


def sees_shared_only(membership: Membership | None) -> bool:
    """Whether the member reads only the signals shared with the staff (a cache key must keep
    their figures apart from management's, who read the same statuses)."""
    return membership is not None and membership.role in SHARED_ONLY


def visible_statuses(membership: Membership | None) -> list[Status]:
    """The statuses a member can filter by: only those they can see signals of, in the
    register's own order."""
    statuses = _statuses(membership)
    return [status for status in Status if status in statuses]
