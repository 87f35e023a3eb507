from .roles import CAPABILITIES
from .selectors import last_used_membership
from .services import SESSION_KEY


def current_organization(request):
    """What the base template needs: where the user is, and which menu items to show.

    On a page outside any organisation (changing the password, say) the menu leads into the
    organisation the user last worked in.
    """
    memberships = getattr(request, "memberships", None)
    if not memberships:
        return {}
    membership = request.membership or last_used_membership(
        memberships, request.session.get(SESSION_KEY)
    )
    role = membership.role
    return {
        "current_membership": membership,
        "memberships": memberships,
        "current_organization": membership.organization,
        "can": {name: role in roles for name, roles in CAPABILITIES.items()},
    }
