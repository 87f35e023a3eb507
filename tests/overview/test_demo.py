"""The demo's earlier year (overview.demo): it gives the overview a shape, and seeds once."""

import pytest

from organizations.demo import seed_people
from overview.demo import HISTORY, KULTUR, seed_history
from overview.selectors import blind_spots, dashboard
from signals.catalogue import install_default_catalogue
from signals.demo import seed_signals
from signals.models import Signal, TimeHorizon


@pytest.fixture
def demo(db):
    organization, users = seed_people()
    install_default_catalogue(organization)
    seed_signals(organization, users)
    return organization, users


def test_seeding_twice_adds_nothing_the_second_time(demo):
    organization, users = demo
    assert seed_history(organization, users) == len(HISTORY)
    assert seed_history(organization, users) == 0


def test_the_demo_tells_a_story(demo):
    organization, users = demo
    seed_history(organization, users)
    anna = users["anna"].memberships.get(organization=organization)
    # Every ring of the radar has signals.
    horizons = set(
        Signal.objects.filter(organization=organization).values_list("time_horizon", flat=True)
    )
    assert set(TimeHorizon.values) <= horizons
    # A year of scanning, busier lately.
    board = dashboard(anna)
    per_month = board.by_level.totals
    assert sum(1 for count in per_month if count) >= 10
    assert per_month[-1] + per_month[-2] > sum(per_month[:-2])
    # The area nobody has looked at since the spring is the blind spot.
    assert blind_spots(anna).areas == [KULTUR]
