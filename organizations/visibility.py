"""Which memberships of an organisation a member may see.

Admins see every membership, pending invitations included; everyone else sees the people who
have taken up theirs (a pending invitation names only what the admin typed, and is theirs).
"""

from django.db.models import QuerySet

from .access import organization_rows, visibility_rule
from .models import Membership
from .roles import role_has


@visibility_rule(Membership)
def visible_memberships(membership: Membership | None) -> QuerySet[Membership]:
    memberships = organization_rows(Membership, membership)
    if membership is not None and role_has(membership.role, "manage_organization"):
        return memberships
    return memberships.filter(accepted_at__isnull=False)
