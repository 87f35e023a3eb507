"""The search table (``SearchEntry``, PostgreSQL): the triggers keep each signal's entry equal
to the signal after every kind of write, and a search ranked from it finds what a search of
the signal table finds, in the same order, for every role."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from organizations.roles import Role
from signals.models import Area, Level, Signal, Status
from signals.selectors import SignalFilters, find_signals, search_matches
from signals.services import (
    SourceData,
    signal_archive,
    signal_create,
    signal_restore,
    signal_update,
    signals_share_with_staff,
)

from ..factories import SignalFactory

pytestmark = pytest.mark.postgres

COLUMNS = ("id", "organization_id", "status", "level", "shared_with_staff", "created_at")


def assert_entries_match():
    """Every signal has an entry with its columns and vector, and no entry is left over."""
    signal = ", ".join(f"s.{column}" for column in [*COLUMNS, "search_vector"])
    entry = ", ".join(f"e.{column}" for column in ["signal_id", *COLUMNS[1:], "search_vector"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM signals_signal s "
            "FULL JOIN signals_searchentry e ON e.signal_id = s.id "
            f"WHERE ({signal}) IS DISTINCT FROM ({entry})"
        )
        assert cursor.fetchone()[0] == 0


def test_the_entries_follow_every_kind_of_write(kommun, members, other_kommun):
    scanner = members[Role.SCANNER]
    created = signal_create(
        organization=kommun,
        user=scanner,
        title="Vätgas i Varberg",
        motivation="Det påverkar oss.",
        level=Level.NEAR,
        sources=[SourceData(url="https://www.scb.se/", name="SCB")],
    )
    SignalFactory(organization=other_kommun, title="Vätgas där")
    assert_entries_match()

    updated = signal_update(
        signal=created, user=scanner, expected_version=created.version, title="Solceller"
    )
    updated = signal_update(
        signal=updated, user=scanner, expected_version=updated.version, level=Level.INNER
    )
    updated = signal_update(
        signal=updated, user=scanner, expected_version=updated.version, status=Status.DRAFT
    )
    assert_entries_match()
    archived = signal_archive(signal=updated, user=scanner)
    restored = signal_restore(signal=archived, user=scanner)
    signals_share_with_staff(signals=[restored])
    Signal.objects.filter(pk=restored.pk).update(created_at=restored.created_at.replace(year=2020))
    assert_entries_match()

    Signal.objects.bulk_create(
        [Signal(organization=kommun, title=f"Inläst {n}", motivation="M") for n in range(3)]
    )
    Signal.objects.filter(title__startswith="Inläst").update(search_document="inläst vätgas")
    Signal.objects.filter(title__startswith="Inläst").update(area=Area.objects.first())
    assert_entries_match()

    restored.delete()
    Signal.objects.filter(title__startswith="Inläst").delete()
    get_user_model().objects.filter(pk=scanner.pk).delete()  # their signals stay
    assert_entries_match()


@pytest.mark.parametrize("role", Role.values)
def test_a_search_ranked_from_the_entries_finds_the_same_in_the_same_order(
    kommun, members, other_kommun, role
):
    # Ties in rank and date among them, a draft, an archived one, one shared with the staff.
    for n in range(12):
        SignalFactory(
            organization=kommun,
            title="Varberg " + "varberg " * (n % 3),
            level=Level.values[n % 3],
            status=[Status.LOGGED, Status.DRAFT, Status.ARCHIVED][n % 4 % 3],
            shared_with_staff=n % 5 == 0,
            created_at=datetime(2025, 3, 1 + n % 2, tzinfo=UTC),
        )
    SignalFactory(organization=other_kommun, title="Varberg")
    membership = members[role].memberships.get()
    for filters in [
        SignalFilters(q="varberg"),
        SignalFilters(q="varberg", level=Level.NEAR),
        SignalFilters(q="varberg", status=Status.LOGGED),
        SignalFilters(q="varberg -ingenting"),
    ]:
        expected = list(find_signals(membership, filters).values_list("pk", flat=True))
        assert list(search_matches(membership, filters).ids) == expected, filters


def test_the_list_ranks_a_search_from_the_entries(client_for, kommun, members):
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    SignalFactory(organization=kommun, title="Varberg")
    with CaptureQueriesContext(connection) as queries:
        response = client_for(members[Role.MANAGEMENT]).get(
            reverse("signals:list", args=[kommun.slug]), {"q": "varberg"}
        )
    assert "Varberg" in response.text
    ranking = [q["sql"] for q in queries if "ts_rank" in q["sql"]]
    assert len(ranking) == 1
    assert '"signals_searchentry"."search_vector" @@' in ranking[0]
