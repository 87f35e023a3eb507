"""The demo register: lived-in, varied, and safe to seed twice."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from organizations.demo import seed_people
from overview.demo import HISTORY
from signals.catalogue import DEFAULT_AREAS, SKR_TRENDS, install_default_catalogue
from signals.demo import DEMO_SIGNALS, DEMO_WATCHES, seed_signals, seed_watches
from signals.models import Area, AreaWatch, Level, Signal, Source, Status, Tag
from signals.watch_services import areas_watched_set


@pytest.fixture
def demo(db):
    organization, users = seed_people()
    install_default_catalogue(organization)
    return organization, users


def test_the_demo_names_only_areas_and_trends_of_the_default_catalogue():
    assert {demo.area for demo in DEMO_SIGNALS} == set(DEFAULT_AREAS)
    assert {trend for demo in DEMO_SIGNALS for trend in demo.trends} == set(SKR_TRENDS)


def test_seeding_twice_adds_nothing_the_second_time(demo):
    organization, users = demo
    assert seed_signals(organization, users) == len(DEMO_SIGNALS)
    assert seed_signals(organization, users) == 0
    assert Signal.objects.filter(organization=organization).count() == len(DEMO_SIGNALS)
    # The tags were reused, not duplicated.
    assert Tag.objects.filter(organization=organization).count() == len(
        {t.lower() for d in DEMO_SIGNALS for t in d.tags}
    )


def test_a_signal_removed_is_added_back_and_nothing_else(demo):
    organization, users = demo
    seed_signals(organization, users)
    Signal.objects.filter(title=DEMO_SIGNALS[0].title).delete()
    assert seed_signals(organization, users) == 1


def test_the_register_covers_every_level_area_and_trend(demo):
    organization, users = demo
    seed_signals(organization, users)
    signals = Signal.objects.filter(organization=organization)
    assert set(signals.values_list("level", flat=True)) == set(Level.values)
    assert set(signals.values_list("area__name", flat=True)) == set(DEFAULT_AREAS)
    assert set(signals.values_list("trends__name", flat=True)) - {None} == set(SKR_TRENDS)


def test_it_spans_this_month_and_the_last_and_mostly_by_anna_and_bertil(demo):
    organization, users = demo
    seed_signals(organization, users)
    signals = Signal.objects.filter(organization=organization)
    now = timezone.localtime()
    this_month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    dates = [timezone.localtime(s.created_at) for s in signals]
    assert all(last_month - timedelta(days=1) <= d <= now for d in dates)
    assert sum(d < this_month for d in dates) >= 15
    authors = list(signals.values_list("created_by__username", flat=True))
    assert authors.count("anna") + authors.count("bertil") > len(authors) * 0.75


def test_statuses_sources_motivation_and_scores_look_real(demo):
    organization, users = demo
    seed_signals(organization, users)
    signals = Signal.objects.filter(organization=organization)
    assert signals.filter(status=Status.DRAFT).count() >= 2
    assert signals.filter(status=Status.ARCHIVED).count() == 1
    assert signals.filter(impact__isnull=False).count() >= 20
    for signal in signals:
        # The label says "Därför är detta intressant för Kungsbacka"; the text answers it
        # in a real sentence rather than repeating it.
        assert not signal.motivation.startswith("Därför är detta intressant")
        assert signal.motivation[0].isupper() and len(signal.motivation) > 40
        assert signal.search_document
    assert not Source.objects.filter(signal__organization=organization).exclude(
        url__startswith="https://"
    )
    # History says who logged it, and when it was logged.
    first = signals.get(title=DEMO_SIGNALS[0].title)
    record = first.history.earliest("history_date")
    assert record.history_user.username == DEMO_SIGNALS[0].by
    assert record.history_date == first.created_at


def test_seed_demo_adds_the_signals_and_keeps_its_login_help(db):
    out = io.StringIO()
    call_command("seed_demo", "--force", stdout=out)  # DEBUG is off in tests
    output = out.getvalue()
    # This year's signals, and the earlier months' that give the overview a history.
    added = len(DEMO_SIGNALS) + len(HISTORY)
    assert f"Signals: {added} demo signals added" in output
    assert "Log in with any of these" in output
    assert "bertil" in output
    out = io.StringIO()
    call_command("seed_demo", "--force", stdout=out)  # DEBUG is off in tests
    assert "Signals: 0 demo signals added" in out.getvalue()


def test_the_demo_scanning_group_watches_areas_and_leaves_a_blind_spot(demo):
    organization, _users = demo
    assert seed_watches(organization) == len(DEMO_WATCHES)
    watches = {
        (w.membership.user.username, w.area.name)
        for w in AreaWatch.objects.filter(organization=organization).select_related(
            "membership__user", "area"
        )
    }
    assert watches == {(user, name) for user, names in DEMO_WATCHES.items() for name in names}
    assert {name for _user, name in watches} == set(DEFAULT_AREAS) - {"Kompetensförsörjning"}


def test_seeding_the_watches_again_keeps_what_members_chose(demo):
    organization, users = demo
    seed_watches(organization)
    anna = users["anna"].memberships.get(organization=organization)
    areas_watched_set(
        membership=anna, areas=[Area.objects.get(organization=organization, name="Digitalisering")]
    )
    assert seed_watches(organization) == 0
    assert [w.area.name for w in AreaWatch.objects.filter(membership=anna)] == ["Digitalisering"]
