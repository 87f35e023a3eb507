"""The counts the database keeps (``LevelCount``) are the counts of the register after every
kind of write, for every role, unfiltered, by area and by status, and name the same authors."""

import pytest
from django.contrib.auth import get_user_model

from organizations.models import Organization
from organizations.roles import Role
from signals.models import Area, Level, Signal, Status
from signals.selectors import SignalFilters, authors, level_counts, stored_level_counts
from signals.services import (
    SourceData,
    signal_archive,
    signal_create,
    signal_restore,
    signal_update,
    signals_share_with_staff,
)
from signals.visibility import visible_signals

from ..factories import SignalFactory


def assert_counts_match(organization, members):
    """For every role and every area and status filter: the kept counts are the counted."""
    areas = [None, *Area.objects.filter(organization=organization).values_list("pk", flat=True)]
    for user in members.values():
        membership = user.memberships.get(organization=organization)
        logged = visible_signals(membership).exclude(created_by=None).values("created_by")
        assert set(authors(membership)) == set(get_user_model().objects.filter(pk__in=logged))
        for area in areas:
            for status in ["", *Status.values]:
                filters = SignalFilters(area=area, status=status)
                counted = visible_signals(membership)
                if area:
                    counted = counted.filter(area_id=area)
                if status:
                    counted = counted.filter(status=status)
                assert stored_level_counts(membership, filters) == level_counts(counted), (
                    user.username,
                    area,
                    status,
                )


@pytest.fixture
def areas(kommun):
    return list(Area.objects.filter(organization=kommun).order_by("name")[:2])


def test_the_kept_counts_follow_every_kind_of_write(kommun, members, other_kommun, areas):
    scanner = members[Role.SCANNER]
    assert_counts_match(kommun, members)

    created = signal_create(
        organization=kommun,
        user=scanner,
        title="Ny signal",
        motivation="Det påverkar oss.",
        level=Level.NEAR,
        area=areas[0],
        sources=[SourceData(url="https://www.scb.se/", name="SCB")],
    )
    SignalFactory(organization=kommun, level=Level.OUTER, status=Status.DRAFT)
    SignalFactory(organization=other_kommun, level=Level.NEAR)  # another organisation's
    assert_counts_match(kommun, members)

    updated = signal_update(
        signal=created, user=scanner, expected_version=created.version, level=Level.INNER
    )
    updated = signal_update(
        signal=updated, user=scanner, expected_version=updated.version, area=areas[1]
    )
    updated = signal_update(
        signal=updated, user=scanner, expected_version=updated.version, area=None
    )
    updated = signal_update(
        signal=updated, user=scanner, expected_version=updated.version, status=Status.DRAFT
    )
    updated = signal_update(
        signal=updated, user=scanner, expected_version=updated.version, title="Bara titeln"
    )
    assert_counts_match(kommun, members)

    archived = signal_archive(signal=updated, user=scanner)
    assert_counts_match(kommun, members)
    restored = signal_restore(signal=archived, user=scanner)
    restored = signal_update(
        signal=restored, user=scanner, expected_version=restored.version, status=Status.LOGGED
    )
    signals_share_with_staff(signals=[restored])
    assert_counts_match(kommun, members)

    Signal.objects.bulk_create(
        [
            Signal(organization=kommun, title=f"Inläst {n}", motivation="M", level=Level.OUTER)
            for n in range(3)
        ]
    )
    Signal.objects.filter(organization=kommun, level=Level.OUTER).update(area=areas[1])
    assert_counts_match(kommun, members)

    SignalFactory(organization=kommun, created_by=members[Role.EDITOR])
    assert_counts_match(kommun, members)
    leaver = get_user_model().objects.create_user("leaver")
    SignalFactory(organization=kommun, created_by=leaver, level=Level.INNER)
    assert_counts_match(kommun, members)
    leaver.delete()  # their signals stay, logged by nobody
    assert_counts_match(kommun, members)

    restored.delete()
    Signal.objects.filter(organization=kommun, title__startswith="Inläst").delete()
    assert_counts_match(kommun, members)


def test_an_organisations_deletion_takes_its_counts_along(kommun, members, other_kommun):
    SignalFactory(organization=other_kommun)
    Organization.objects.filter(pk=other_kommun.pk).delete()
    from signals.models import LevelCount

    assert not LevelCount.objects.filter(organization_id=other_kommun.pk).exists()


def test_the_list_reads_the_kept_counts_without_counting_the_register(
    client_for, kommun, members, signal, areas
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    with CaptureQueriesContext(connection) as queries:
        client_for(members[Role.MANAGEMENT]).get(
            reverse("signals:list", args=[kommun.slug]), {"area": areas[0].pk}
        )
    counting = [q["sql"] for q in queries if "COUNT(" in q["sql"] and "signals_signal" in q["sql"]]
    assert counting == []
    assert any("signals_levelcount" in q["sql"] for q in queries)
