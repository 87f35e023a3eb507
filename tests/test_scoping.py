"""One way to scope: every per-organisation model is read through its ``visible_*`` rule.

``organizations.access`` explains the rule. These tests keep a new app from forgetting it:

- every model on the ``OrganizationOwned`` base has a registered visibility rule;
- no module that serves a URL reaches a per-organisation model's manager directly
  (``Signal.objects…``, ``_default_manager``) or fetches with ``get_object_or_404``: it goes
  through ``visible_*`` and ``get_visible_or_404``;
- each rule keeps another organisation's rows out.
"""

import ast
import inspect
import sys

import pytest
from django.apps import apps
from django.db.models import Model

from organizations import access
from organizations.models import OrganizationOwned
from organizations.roles import Role
from signals.models import Area
from signals.visibility import visible_area_watches

from .factories import AreaWatchFactory, MembershipFactory
from .test_url_access import product_views

MANAGERS = {"objects", "_default_manager", "_base_manager"}
UNSCOPED_FETCHES = {"get_object_or_404", "get_list_or_404"}


def per_organization_models() -> set[type[Model]]:
    owned = {
        model
        for model in apps.get_models()
        if issubclass(model, OrganizationOwned) and not model._meta.abstract
    }
    return owned | set(access.rules())


def view_modules():
    modules = set()
    for _route, _name, view in product_views():
        view = inspect.unwrap(view)
        modules.add(sys.modules[view.__module__])
    return modules


def unscoped_reads(source: str, namespace: dict, label: str) -> list[str]:
    """`Model.objects` of a per-organisation model, or an unscoped fetch, in the source; names
    are looked up in the module's namespace."""
    models = per_organization_models()
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            owner = node.value
            name = owner.id if isinstance(owner, ast.Name) else None
            if name and namespace.get(name) in models:
                found.append(f"{label}:{node.lineno} {name}.{node.attr}")
        if isinstance(node, ast.Name) and node.id in UNSCOPED_FETCHES:
            found.append(f"{label}:{node.lineno} {node.id}")
    return found


def test_every_per_organisation_model_has_a_visibility_rule():
    missing = [
        model.__name__
        for model in per_organization_models()
        if model not in access.rules() and not model.__name__.startswith("Historical")
    ]
    assert not missing, f"Register a visible_* rule (access.visibility_rule) for: {missing}"


def test_views_read_per_organisation_models_only_through_their_rules():
    found = [
        read
        for module in view_modules()
        for read in unscoped_reads(inspect.getsource(module), vars(module), module.__name__)
    ]
    assert not found, (
        "Views must read per-organisation rows through visible_* and get_visible_or_404: "
        + "; ".join(found)
    )


def test_the_check_sees_an_unscoped_read():
    """The check would catch a view that forgets the rule."""
    from signals.models import Signal, Source

    source = (
        "def view(request, pk):\n"
        "    signal = Signal.objects.get(pk=pk)\n"
        "    source = get_object_or_404(Source, pk=pk)\n"
    )
    namespace = {"Signal": Signal, "Source": Source}
    assert sorted(unscoped_reads(source, namespace, "view")) == [
        "view:2 Signal.objects",
        "view:3 get_object_or_404",
    ]
    assert view_modules(), "the walk found no view modules"


@pytest.mark.parametrize("role", Role.values)
def test_no_rule_shows_another_organisations_rows(kommun, other_kommun, members, role):
    from tests.factories import SignalFactory

    SignalFactory(organization=other_kommun, tags=["varberg"])
    SignalFactory(organization=kommun, tags=["kungsbacka"])
    membership = members[role].memberships.get()
    for model, rule in access.rules().items():
        rows = rule(membership)
        assert rows.model is model
        if hasattr(model, "organization_id"):
            assert not rows.exclude(organization=kommun).exists(), model.__name__
        elif hasattr(model, "signal_id"):
            assert not rows.exclude(signal__organization=kommun).exists(), model.__name__


def test_no_membership_sees_nothing(kommun):
    for model, rule in access.rules().items():
        assert not rule(None).exists(), model.__name__


def test_a_pending_members_watched_areas_are_seen_only_by_admins(kommun, members):
    pending = MembershipFactory(organization=kommun, role=Role.SCANNER, pending=True)
    AreaWatchFactory(membership=pending, area=Area.objects.filter(organization=kommun).first())
    for role in Role.values:
        seen = visible_area_watches(members[role].memberships.get()).exists()
        assert seen == (role == Role.ADMIN), role
