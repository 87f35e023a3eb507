from datetime import UTC, datetime

from core.lib.compiled import compiled_objects

from .models import Membership


def all_memberships_of(user):
    """Every membership of the user, with its organisation. Only an accepted one gives access;
    a pending one is an invitation. The middleware splits them, so one query serves both the
    pages and the invitations notice."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("organization")


def memberships_of(user) -> list[Membership]:
    """``all_memberships_of(user)`` as a list, read through SQL compiled once per process
    (``core.lib.compiled``): every page of a logged-in person asks, and the ORM took longer to
    build the query than the database took to answer it."""
    if not user.is_authenticated:
        return []
    return compiled_objects(
        Membership,
        ("memberships_of",),
        lambda user_id: Membership.objects.filter(user_id=user_id),
        (user.pk,),
        joined="organization",
    )


def invitations_for(user):
    """The user's pending memberships: invitations they have not accepted or declined yet,
    oldest first. Only ever the user's own."""
    return all_memberships_of(user).filter(accepted_at__isnull=True).order_by("created_at", "pk")


def membership_by_slug(memberships, slug: str) -> Membership | None:
    """The membership of the organisation with this slug, among the user's."""
    for membership in memberships:
        if membership.organization.slug == slug:
            return membership
    return None


_NEVER = datetime.min.replace(tzinfo=UTC)


def last_used_membership(memberships, organization_id: int | None = None) -> Membership | None:
    """Where the user was working: the organisation of this session if given, else the one
    they opened last (an organisation never opened comes after, in name order)."""
    memberships = list(memberships)
    for membership in memberships:
        if membership.organization_id == organization_id:
            return membership
    # max() keeps the first of equals, and the memberships come in name order.
    return max(memberships, key=lambda m: m.last_used_at or _NEVER, default=None)
