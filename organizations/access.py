"""The one place that decides who may see what.

Every view that shows organisation data is wrapped in ``organization_required(capability)``:
anonymous → login page, no membership or a role without the capability → 403. Objects are
fetched with ``get_for_organization``, so an object of another organisation is a 404: its
existence is not revealed.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404

from .roles import CAPABILITIES


def organization_required(capability: str = "member"):
    # A misspelt capability fails when the module is imported, not as a 500 for the first
    # member who opens the page.
    if capability not in CAPABILITIES:
        raise ValueError(f"Unknown capability {capability!r}; add it to CAPABILITIES.")

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = request.membership
            if not membership or not membership.can(capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        # Read by the URL access tests; a function attribute, which mypy cannot see.
        wrapper.required_capability = capability  # type: ignore[attr-defined]
        return wrapper

    return decorator


def get_for_organization(model_or_queryset: type[Model] | QuerySet, request, **lookups):
    """Like get_object_or_404, limited to the organisation the user works in now."""
    queryset = (
        model_or_queryset
        if isinstance(model_or_queryset, QuerySet)
        else model_or_queryset._default_manager.all()
    )
    return get_object_or_404(queryset, organization=request.organization, **lookups)
