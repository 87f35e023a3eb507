"""How a request reaches an organisation's data. Two steps, each in one place:

1. **Which organisation.** It is in the URL: every product page lives under ``/<slug>/``.
   ``organization_required(capability)`` resolves the slug among the signed-in user's accepted
   memberships (not a member: 404, so an organisation's existence is not revealed; a role
   without the capability: 403; anonymous: the login page) and sets ``request.membership``
   and ``request.organization``. A form always posts to its own organisation's address, so
   what it writes cannot land in another organisation, whatever else the user has open.
2. **Which rows.** Each kind of per-organisation object has one function,
   ``visible_<things>(membership)``, in its app's ``visibility.py``, registered here with
   ``@visibility_rule(Model)``. They start from ``organization_rows`` (rows of the
   membership's organisation) or, for a row one hop away (a signal's source), from the
   visible rows of its owner. Views, exports, counts and searches read through them, and fetch
   one object with ``get_visible_or_404``. ``tests/test_scoping.py`` fails a view module that
   reaches a per-organisation model's manager directly.

Apps depend downwards only: ``organizations`` knows no app; an app that widens what another
app's rule shows (a published report making signals visible to staff) does so through that
app's services (a status or a flag the rule reads), never by the lower app importing it.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Membership
from .roles import CAPABILITIES
from .selectors import membership_by_slug
from .services import membership_mark_used

# The URL keyword every product route carries (config/urls.py).
ORGANIZATION_KWARG = "organization_slug"

VisibilityRule = Callable[[Membership | None], QuerySet]
_RULES: dict[type[Model], VisibilityRule] = {}


def organization_required(capability: str = "member"):
    # A misspelt capability fails when the module is imported, not as a 500 for the first
    # member who opens the page.
    if capability not in CAPABILITIES:
        raise ValueError(f"Unknown capability {capability!r}; add it to CAPABILITIES.")

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            slug = kwargs.pop(ORGANIZATION_KWARG, None)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = membership_by_slug(request.memberships, slug) if slug else None
            if membership is None:
                raise Http404
            if not membership.can(capability):
                raise PermissionDenied
            request.membership = membership
            request.organization = membership.organization
            membership_mark_used(membership=membership, session=request.session)
            return view(request, *args, **kwargs)

        # Read by the URL access tests; a function attribute, which mypy cannot see.
        wrapper.required_capability = capability  # type: ignore[attr-defined]
        return wrapper

    return decorator


def visibility_rule(model: type[Model]):
    """Register ``visible_<things>`` as the rule for ``model``: ``visible(model, membership)``
    and ``get_visible_or_404(model, …)`` use it, and the scoping test checks that every
    per-organisation model has one."""

    def register(rule: VisibilityRule) -> VisibilityRule:
        if model in _RULES:
            raise ValueError(f"{model.__name__} already has a visibility rule.")
        _RULES[model] = rule
        return rule

    return register


def rules() -> dict[type[Model], VisibilityRule]:
    return dict(_RULES)


def visible(model: type[Model], membership: Membership | None) -> QuerySet:
    try:
        rule = _RULES[model]
    except KeyError:
        raise LookupError(f"{model.__name__} has no visibility rule.") from None
    return rule(membership)


def organization_rows(model: type[Model], membership: Membership | None) -> QuerySet:
    """The rows of ``model`` that belong to the membership's organisation: where every rule of
    a model with an ``organization`` starts."""
    if membership is None:
        return model._default_manager.none()
    return model._default_manager.filter(organization_id=membership.organization_id)


def get_visible_or_404(model_or_visible: type[Model] | QuerySet, membership=None, **lookups):
    """One object the member may see, or 404. Give the model (its rule is used) and the
    membership, or a queryset built on a ``visible_*`` function (to add select_related and the
    like)."""
    if isinstance(model_or_visible, QuerySet):
        queryset = model_or_visible
    else:
        queryset = visible(model_or_visible, membership)
    return get_object_or_404(queryset, **lookups)
