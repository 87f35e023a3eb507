"""The factories store what the write side would: a test reading a factory's signal reads what
``signal_create`` would have left, down to its history."""

from datetime import datetime
from zoneinfo import ZoneInfo

from organizations.roles import Role
from signals.models import Area, DrivingForce, Level, Tag, Trend
from signals.services import SourceData, signal_create

from .factories import (
    MembershipFactory,
    OrganizationFactory,
    SignalFactory,
    SourceFactory,
    TagFactory,
)


def stored(signal) -> dict:
    return {
        "fields": (signal.title, signal.level, signal.status, signal.area, signal.version),
        "search_document": signal.search_document,
        "sources": [(s.url, s.name, s.position) for s in signal.sources.all()],
        "trends": sorted(t.name for t in signal.trends.all()),
        "tags": sorted(t.name for t in signal.tags.all()),
        "history": [(h.history_type, h.history_user) for h in signal.history.all()],
        "source_history": [
            (h.history_type, h.history_user) for h in signal.sources.get().history.all()
        ],
    }


def test_a_factory_signal_is_what_signal_create_stores(kommun, members):
    scanner = members[Role.SCANNER]
    trend = Trend.objects.filter(organization=kommun).first()
    values = {
        "title": "Ny förskola",
        "description": "Kommunen bygger.",
        "motivation": "Barnomsorgen växer.",
        "level": Level.NEAR,
        "area": Area.objects.get(organization=kommun, name="Digitalisering"),
        "trends": [trend],
    }
    written = signal_create(
        organization=kommun,
        user=scanner,
        sources=[SourceData(url="https://boverket.se/", name="Boverket")],
        tags=["Skola"],
        **values,
    )
    # By name this time: the area, the trend and the tag (matched ignoring case).
    made = SignalFactory(
        organization=kommun,
        created_by=scanner,
        sources=[("https://boverket.se/", "Boverket")],
        tags=["skola"],
        **{**values, "area": "Digitalisering", "trends": [trend.name]},
    )

    assert stored(made) == stored(written)
    assert stored(made)["history"] == [("+", scanner)]
    assert Tag.objects.filter(organization=kommun).count() == 1


def test_the_history_is_dated_when_the_signal_was_logged(kommun):
    logged = datetime(2025, 3, 10, 9, tzinfo=ZoneInfo("Europe/Stockholm"))
    signal = SignalFactory(organization=kommun, created_at=logged)
    assert signal.history.get().history_date == logged


def test_another_source_is_searchable(db):
    source = SourceFactory(name="Hallandsposten")
    signal = source.signal
    assert [s.name for s in signal.sources.all()] == ["Hallandsposten"]
    assert "hallandsposten" in signal.search_document
    signal.refresh_from_db()
    assert "hallandsposten" in signal.search_document


def test_organisations_with_and_without_the_catalogue(db):
    bare = OrganizationFactory(catalogue=False)
    assert not Trend.objects.filter(organization=bare).exists()
    assert not DrivingForce.objects.filter(organization=bare).exists()
    full = OrganizationFactory()
    assert Trend.objects.filter(organization=full).count() == 10
    assert Area.objects.filter(organization=full).exists()
    no_areas = OrganizationFactory(catalogue__areas=())
    assert not Area.objects.filter(organization=no_areas).exists()


def test_a_member_logs_in_with_the_test_password(client, db):
    membership = MembershipFactory(role=Role.EDITOR)
    assert not membership.is_pending
    assert MembershipFactory(pending=True).is_pending
    assert client.login(username=membership.user.username, password="pw-for-tests")


def test_tags_of_another_organisation_are_not_reused(kommun, other_kommun):
    theirs = TagFactory(organization=other_kommun, name="skola")
    signal = SignalFactory(organization=kommun, tags=["skola"])
    assert signal.tags.get() != theirs
