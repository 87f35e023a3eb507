from .people import MemberNames
from .roles import CAPABILITIES
from .selectors import last_used_membership
from .services import SESSION_KEY


def current_organization(request):
    """What the base template needs: where the user is, and which menu items to show.

    On a page outside any organisation (changing the password, say) the menu leads into the
    organisation the user last worked in. ``invitations`` are the user's pending ones, for the
    notice in the header.
    """
    memberships = getattr(request, "memberships", None)
    invitations = getattr(request, "invitations", None) or []
    if not memberships:
        return {"invitations": invitations}
    membership = request.membership or last_used_membership(
        memberships, request.session.get(SESSION_KEY)
    )
    role = membership.role
    return {
        "invitations": invitations,
        # How this organisation names people on its pages (read only when a page names one).
        "people": MemberNames(request.membership),
        "current_membership": membership,
        "memberships": memberships,
        "current_organization": membership.organization,
        "can": {name: role in roles for name, roles in CAPABILITIES.items()},
    }
