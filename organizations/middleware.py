from django.utils.functional import SimpleLazyObject

from .selectors import choose_membership, memberships_for

SESSION_KEY = "organization_id"


class CurrentOrganizationMiddleware:
    """Sets ``request.memberships`` (all of the user's), ``request.membership`` and
    ``request.organization`` (the one the user works in now, chosen with the organisation
    switcher and kept in the session).

    All are lazy and share one query, so requests that never look cost nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        memberships = SimpleLazyObject(lambda: list(memberships_for(request.user)))
        membership = SimpleLazyObject(
            lambda: choose_membership(memberships, request.session.get(SESSION_KEY))
        )
        request.memberships = memberships
        request.membership = membership
        request.organization = SimpleLazyObject(
            lambda: membership.organization if membership else None
        )
        return self.get_response(request)
