from .models import Membership


def memberships_for(user):
    """The memberships that give the user access: accepted ones (a pending one is taken up at
    the next login, see ``services.memberships_accept``)."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user, accepted_at__isnull=False).select_related(
        "organization"
    )


def choose_membership(memberships, organization_id) -> Membership | None:
    """The membership for the organisation chosen in the session, else the user's first."""
    for membership in memberships:
        if membership.organization_id == organization_id:
            return membership
    return memberships[0] if memberships else None
