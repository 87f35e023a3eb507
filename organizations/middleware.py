from django.utils.functional import SimpleLazyObject

from .selectors import memberships_of


class _Memberships:
    """The user's memberships, read once (lazily) and split into accepted and pending."""

    def __init__(self, user):
        self.user = user
        self._rows: list | None = None

    def rows(self) -> list:
        if self._rows is None:
            self._rows = memberships_of(self.user)
        return self._rows

    def accepted(self) -> list:
        return [m for m in self.rows() if not m.is_pending]

    def pending(self) -> list:
        return sorted((m for m in self.rows() if m.is_pending), key=lambda m: (m.created_at, m.pk))


class CurrentOrganizationMiddleware:
    """Sets ``request.memberships``: the user's accepted memberships, and
    ``request.invitations``: their pending ones, both lazily, from one query shared by
    everything that asks.

    ``request.membership`` and ``request.organization`` start as None: only a product page,
    whose URL names the organisation, sets them (``access.organization_required``). A page
    outside any organisation cannot act in one by accident.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        memberships = _Memberships(request.user)
        request.memberships = SimpleLazyObject(memberships.accepted)
        request.invitations = SimpleLazyObject(memberships.pending)
        request.membership = None
        request.organization = None
        return self.get_response(request)
