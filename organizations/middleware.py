from django.utils.functional import SimpleLazyObject

from .selectors import memberships_for


class CurrentOrganizationMiddleware:
    """Sets ``request.memberships``: all of the user's accepted memberships, lazily, in one
    query shared by everything that asks.

    ``request.membership`` and ``request.organization`` start as None: only a product page,
    whose URL names the organisation, sets them (``access.organization_required``). A page
    outside any organisation cannot act in one by accident.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.memberships = SimpleLazyObject(lambda: list(memberships_for(request.user)))
        request.membership = None
        request.organization = None
        return self.get_response(request)
