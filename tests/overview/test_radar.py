"""The radar's geometry (overview.radar): sectors, rings, sizes and spreading, without a
database."""

import math
import random

import pytest

from overview.radar import (
    GAP,
    RING_HORIZONS,
    RadarItem,
    dot_radius,
    layout,
    make_sectors,
)

FORCES = [(1, "Demografi"), (2, "Globalisering"), (3, "Klimat"), (4, "Teknik"), (5, "Värderingar")]


def item(pk, sector=1, horizon="1-3", impact=2, level="near"):
    return RadarItem(
        pk=pk, title=f"Signal {pk}", level=level, horizon=horizon, impact=impact, sector=sector
    )


def angle_of(dot) -> float:
    """The dot's angle clockwise from twelve o'clock, 0 to 2π."""
    return math.atan2(dot.x, -dot.y) % (2 * math.pi)


def assert_apart(dots):
    for n, a in enumerate(dots):
        for b in dots[n + 1 :]:
            distance = math.hypot(a.x - b.x, a.y - b.y)
            assert distance >= a.r + b.r + GAP - 1e-6, (a.item.pk, b.item.pk, distance)


def test_sectors_share_the_circle_in_the_order_given():
    sectors = make_sectors(FORCES)
    assert [s.label for s in sectors] == [name for _, name in FORCES]
    assert sectors[0].start == 0
    assert sectors[-1].end == pytest.approx(2 * math.pi)
    widths = {round(s.end - s.start, 9) for s in sectors}
    assert len(widths) == 1


@pytest.mark.parametrize("force", [1, 3, 5])
@pytest.mark.parametrize("horizon", RING_HORIZONS)
def test_a_dots_sector_and_ring_follow_its_driving_force_and_horizon(force, horizon):
    radar = layout([item(1, sector=force, horizon=horizon)], FORCES)
    (dot,) = radar.dots
    assert dot.sector.key == force
    assert dot.ring.horizon == horizon
    assert dot.sector.start <= angle_of(dot) <= dot.sector.end
    distance = math.hypot(dot.x, dot.y)
    assert dot.ring.inner + dot.r <= distance + 1e-6
    assert distance + dot.r <= dot.ring.outer + 1e-6


def test_the_rings_go_from_now_in_the_middle_to_the_far_future_at_the_edge():
    radar = layout([item(n, horizon=h) for n, h in enumerate(RING_HORIZONS)], FORCES)
    distances = [math.hypot(d.x, d.y) for d in sorted(radar.dots, key=lambda d: d.item.pk)]
    assert distances == sorted(distances)


def test_the_size_is_the_impact():
    radar = layout([item(n, impact=impact) for n, impact in enumerate([1, 2, 3, 4])], FORCES)
    sizes = [d.r for d in sorted(radar.dots, key=lambda d: d.item.pk)]
    assert sizes == sorted(sizes) and len(set(sizes)) == 4
    assert dot_radius(None) == dot_radius(1)


def test_signals_without_a_horizon_or_sector_are_left_off_the_picture():
    radar = layout([item(1, horizon=""), item(2, sector=99), item(3)], FORCES)
    assert [d.item.pk for d in radar.dots] == [3]
    assert sorted(i.pk for i in radar.left_out) == [1, 2]


def test_dots_in_one_cell_are_spread_and_never_overlap():
    items = [item(n, impact=(n % 4) + 1) for n in range(40)]
    radar = layout(items, FORCES)
    assert len(radar.dots) == 40
    assert_apart(radar.dots)
    assert all(d.sector.key == 1 and d.ring.horizon == "1-3" for d in radar.dots)


def test_a_crowded_register_shrinks_or_grows_the_radar_but_keeps_every_dot_apart():
    rng = random.Random(7)
    items = [
        item(
            n,
            sector=rng.choice([1, 2, 3, 4, 5]),
            horizon=rng.choice(RING_HORIZONS),
            impact=rng.choice([None, 1, 2, 3, 4]),
            level=rng.choice(["inner", "near", "outer"]),
        )
        for n in range(600)
    ]
    radar = layout(items, FORCES)
    assert len(radar.dots) == 600
    assert radar.scale < 1 or radar.radius > 300
    assert_apart(radar.dots)
    # Every dot still in its own cell.
    for dot in radar.dots:
        assert dot.sector.key == dot.item.sector
        assert dot.sector.start <= angle_of(dot) <= dot.sector.end
        assert dot.ring.horizon == dot.item.horizon


def test_one_sector_is_the_whole_circle():
    radar = layout([item(n, sector="near") for n in range(30)], [("near", "Närvärld")])
    assert len(radar.dots) == 30
    assert_apart(radar.dots)


def test_the_reading_order_goes_sector_by_sector_from_the_middle_out():
    items = [item(n, sector=s, horizon=h) for n, (s, h) in enumerate(
        [(5, "10+"), (1, "10+"), (1, "now"), (3, "3-10"), (3, "now")]
    )]  # fmt: skip
    radar = layout(items, FORCES)
    order = [(d.sector.index, d.ring.index) for d in radar.dots]
    assert order == sorted(order)
