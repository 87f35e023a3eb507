"""core.lib.compiled: a query compiled once per key, its changing values put in at each call."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.lib.compiled import compiled_objects, compiled_rows
from organizations.models import Membership

from ..factories import MembershipFactory


@pytest.fixture
def three(kommun):
    """Three members of Kungsbacka, created a day apart (oldest first)."""
    now = timezone.now()
    members = []
    for n in range(3):
        membership = MembershipFactory(organization=kommun)
        Membership.objects.filter(pk=membership.pk).update(created_at=now - timedelta(days=3 - n))
        members.append(membership)
    return members


def _since(organization_id, key, builds):
    def build(since, below):
        builds.append(1)
        return (
            Membership.objects.filter(
                organization_id=organization_id, created_at__gte=since, pk__lt=below
            )
            .order_by("pk")
            .values_list("pk", "created_at")
        )

    return lambda since, below: compiled_rows(connection.alias, key, build, late=(since, below))


def test_late_values_change_the_rows_not_the_compiled_query(kommun, three):
    builds: list = []
    read = _since(kommun.pk, ("test-since", kommun.pk), builds)
    now = timezone.now()
    everyone = read(now - timedelta(days=10), 2**40)
    assert [pk for pk, _ in everyone] == [m.pk for m in three]
    assert [pk for pk, _ in read(now - timedelta(days=1, hours=12), 2**40)] == [three[2].pk]
    assert [pk for pk, _ in read(now - timedelta(days=10), three[1].pk)] == [three[0].pk]
    assert builds == [1]
    # Moments come back as Django gives them: aware.
    assert all(created.tzinfo is not None for _, created in everyone)


def test_a_list_of_ids_is_compiled_per_length(kommun, three):
    builds = []

    def build(ids):
        builds.append(len(ids))
        return Membership.objects.filter(pk__in=ids).order_by("pk").values_list("pk", flat=True)

    def read(ids):
        rows = compiled_rows(connection.alias, ("test-ids",), build, late=(ids,))
        return [pk for (pk,) in rows]

    a, b, c = (m.pk for m in three)
    assert read([a, b]) == [a, b]
    assert read([b, c]) == [b, c]
    assert read([a, b, c]) == [a, b, c]
    assert builds == [2, 3]


def test_a_lookup_that_rewrites_its_value_is_refused(kommun):
    def build(word):
        return Membership.objects.filter(user__username__contains=word).values_list("pk")

    with pytest.raises(ValueError, match="late value"):
        compiled_rows(connection.alias, ("test-contains",), build, late=("anna",))


def test_objects_come_whole_with_their_joined_row(kommun, other_kommun, three):
    def read(organization_id):
        return compiled_objects(
            Membership,
            ("test-objects",),
            lambda pk: Membership.objects.filter(organization_id=pk).order_by("pk"),
            (organization_id,),
            joined="organization",
        )

    found = read(kommun.pk)
    assert [m.pk for m in found] == [m.pk for m in three]
    expected = Membership.objects.get(pk=three[0].pk)
    assert [getattr(found[0], f.attname) for f in Membership._meta.concrete_fields] == [
        getattr(expected, f.attname) for f in Membership._meta.concrete_fields
    ]
    with CaptureQueriesContext(connection) as queries:
        assert {m.organization.name for m in found} == {kommun.name}
    assert len(queries) == 0
    assert read(other_kommun.pk) == []
