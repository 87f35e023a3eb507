"""core.lib.orgcache: a figure is computed once per organisation and data version."""

from core.lib.orgcache import organization_cached
from organizations.models import Organization
from organizations.services import organization_data_changed


def test_a_figure_is_reused_until_the_organisations_data_changes(kommun, other_kommun):
    computed = []

    def figure(organization):
        organization.refresh_from_db()  # as each request loads it
        return organization_cached(
            organization, ("figure", "x" * 1000), lambda: computed.append(1) or len(computed)
        )

    assert figure(kommun) == figure(kommun) == 1
    # Another organisation with the same key has a figure of its own.
    assert figure(other_kommun) == 2
    organization_data_changed(organization_id=kommun.pk)
    assert figure(kommun) == figure(kommun) == 3
    assert figure(other_kommun) == 2


def test_a_falsy_figure_is_cached_too(kommun):
    calls = []
    for _ in range(2):
        assert organization_cached(kommun, ("empty",), lambda: calls.append(1) or {}) == {}
    assert len(calls) == 1
    assert Organization.objects.get(pk=kommun.pk).data_version == kommun.data_version
