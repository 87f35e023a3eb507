from .roles import CAPABILITIES


def current_organization(request):
    """What the base template needs: where the user is, and which menu items to show."""
    membership = getattr(request, "membership", None)
    if not membership:
        return {}
    role = membership.role
    return {
        "current_membership": membership,
        "memberships": request.memberships,
        "current_organization": membership.organization,
        "can": {name: role in roles for name, roles in CAPABILITIES.items()},
    }
