"""The signal radar's geometry: where each signal's dot goes, and how big it is.

Pure functions over plain values, no database and no markup (``drawing.py`` draws what this
computes), so the rules can be tested directly:

- **Sectors** are equal slices of the circle, one per driving force (or area, or level), in
  the order given, clockwise from twelve o'clock.
- **Rings** are the time horizon, from "now" in the middle to "beyond 10 years" at the edge.
  A signal without a horizon has no ring: it is left off the picture (the page lists it).
- **A dot's size** is its impact; its level is both its colour and its shape.
- **No two dots overlap.** Each sector-and-ring cell is filled with slots on arcs, one pitch
  apart along the arc and between arcs, and half a pitch from the cell's edges, where the pitch
  is the cell's largest dot's diameter plus a gap. So any two dots' centres are at least their
  two radii plus the gap apart, in one cell or across a line, and each stays clickable. Fewer
  dots than slots are spread over the cell rather than packed at one end; more dots than
  slots shrink every dot alike (so a size means the same impact everywhere), and past the
  smallest readable size the radar grows instead.
"""

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

# Inside out: the middle is now, the edge the far future (the signals.models.TimeHorizon values).
RING_HORIZONS: tuple[str, ...] = ("now", "1-3", "3-10", "10+")
# Each ring's outer edge as a share of the radius. The middle disc is wider than a quarter so
# that its narrow wedges near the centre still hold dots.
RING_EDGES: tuple[float, ...] = (0.34, 0.58, 0.8, 1.0)

# A dot's radius at full size, by impact (1 small … 4 very large); no impact drawn as small.
IMPACT_RADII: dict[int | None, float] = {None: 6.0, 1: 6.0, 2: 8.5, 3: 11.0, 4: 14.0}
GAP = 2.0  # between two dots' edges at least, whatever the scale
RADIUS = 300.0  # the radar's radius when everything fits
# Tried in turn until every cell holds its dots; below the last, the radar grows instead.
SCALES: tuple[float, ...] = (1.0, 0.85, 0.72, 0.6, 0.5, 0.42)
GROWTH = 1.25
MAX_RADIUS = RADIUS * 8


# Plain slotted classes for the two made once per signal: a frozen dataclass's constructor
# costs several times more, and a radar makes thousands.
@dataclass(slots=True)
class RadarItem:
    """What the radar needs of one signal."""

    pk: int
    title: str
    level: str
    horizon: str  # "" for none
    impact: int | None
    sector: Hashable  # the key of its sector (a driving force's id, an area's id, a level)


@dataclass(frozen=True)
class Sector:
    key: Hashable
    label: str
    index: int
    start: float  # angles in radians, clockwise from twelve o'clock
    end: float

    @property
    def middle(self) -> float:
        return (self.start + self.end) / 2


@dataclass(frozen=True)
class Ring:
    horizon: str
    index: int
    inner: float  # radii from the centre
    outer: float


@dataclass(slots=True)
class Dot:
    item: RadarItem
    x: float  # from the centre, y downwards as in SVG
    y: float
    r: float
    sector: Sector
    ring: Ring


@dataclass(frozen=True)
class Radar:
    radius: float
    scale: float  # the dots' size as a share of full size
    sectors: tuple[Sector, ...]
    rings: tuple[Ring, ...]
    dots: tuple[Dot, ...]  # sector by sector, ring by ring inside out: the reading order
    left_out: tuple[RadarItem, ...]  # without a horizon, or in no sector given


def dot_radius(impact: int | None, scale: float = 1.0) -> float:
    return IMPACT_RADII.get(impact, IMPACT_RADII[None]) * scale


def make_sectors(keys_and_labels: Sequence[tuple[Hashable, str]]) -> tuple[Sector, ...]:
    count = max(len(keys_and_labels), 1)
    width = 2 * math.pi / count
    return tuple(
        Sector(key=key, label=label, index=n, start=n * width, end=(n + 1) * width)
        for n, (key, label) in enumerate(keys_and_labels)
    )


def make_rings(radius: float) -> tuple[Ring, ...]:
    edges = (0.0, *RING_EDGES)
    return tuple(
        Ring(horizon=horizon, index=n, inner=edges[n] * radius, outer=edges[n + 1] * radius)
        for n, horizon in enumerate(RING_HORIZONS)
    )


def point(angle: float, distance: float) -> tuple[float, float]:
    """Cartesian (x, y downwards) of a polar position clockwise from twelve o'clock."""
    return distance * math.sin(angle), -distance * math.cos(angle)


def _arcs(ring: Ring, start: float, end: float, pitch: float):
    """(distance, first angle, angle step, count) of each arc of slots in one cell, from the
    inside.

    Arcs are a pitch apart and half a pitch inside the ring's edges; along an arc, slots are a
    pitch apart as the crow flies (the chord) and half a pitch from the sector's edge lines
    (unless the sector is the whole circle, which has none).
    """
    whole_circle = end - start >= 2 * math.pi - 1e-9
    distance = ring.inner + pitch / 2
    while distance <= ring.outer - pitch / 2 + 1e-9:
        half = pitch / (2 * distance)
        if half < 1:
            step = 2 * math.asin(half)  # the angle whose chord is one pitch
            if whole_circle:
                count = int((2 * math.pi + 1e-9) // step)
                if count >= 1:
                    yield distance, start, 2 * math.pi / count, count
            else:
                room = (end - start) - 2 * math.asin(half)  # half a pitch from each edge
                if room >= 0:
                    count = int(room // step + 1e-9) + 1
                    yield distance, (start + end) / 2 - (count - 1) * step / 2, step, count
        distance += pitch


def cell_capacity(ring: Ring, start: float, end: float, pitch: float) -> int:
    return sum(arc[3] for arc in _arcs(ring, start, end, pitch))


def cell_slots(ring: Ring, start: float, end: float, pitch: float) -> list[tuple[float, float]]:
    """(angle, distance) of every slot in one cell, arc by arc from the inside."""
    return [
        (first + n * step, distance)
        for distance, first, step, count in _arcs(ring, start, end, pitch)
        for n in range(count)
    ]


# Slots are taken in this scattered order, so a few dots spread over their cell instead of
# queueing along its first arc: the golden ratio's multiples modulo 1 never bunch up.
_GOLDEN = (math.sqrt(5) - 1) / 2


def _spread(slots: list[tuple[float, float]], count: int) -> list[tuple[float, float]]:
    if count >= len(slots):
        return slots[:count]
    order = sorted(range(len(slots)), key=lambda n: (n * _GOLDEN) % 1.0)
    return sorted((slots[n] for n in order[:count]), key=lambda slot: (slot[1], slot[0]))


def _pitch(items: Sequence[RadarItem], scale: float) -> float:
    return 2 * max(dot_radius(item.impact, scale) for item in items) + GAP


def _fits(cells: dict, sectors: Sequence[Sector], rings: Sequence[Ring], scale: float) -> bool:
    for (sector_index, ring_index), items in cells.items():
        sector, ring = sectors[sector_index], rings[ring_index]
        if cell_capacity(ring, sector.start, sector.end, _pitch(items, scale)) < len(items):
            return False
    return True


def layout(items: Sequence[RadarItem], sectors_given: Sequence[tuple[Hashable, str]]) -> Radar:
    """Place every item with a horizon and a known sector; the rest are ``left_out``."""
    sectors = make_sectors(sectors_given)
    sector_index = {sector.key: sector.index for sector in sectors}
    ring_index = {horizon: n for n, horizon in enumerate(RING_HORIZONS)}
    cells: dict[tuple[int, int], list[RadarItem]] = {}
    left_out = []
    for item in items:
        if item.horizon not in ring_index or item.sector not in sector_index:
            left_out.append(item)
            continue
        cells.setdefault((sector_index[item.sector], ring_index[item.horizon]), []).append(item)

    radius, scale = RADIUS, SCALES[0]
    rings = make_rings(radius)
    found = False
    while not found:
        for scale in SCALES:
            if _fits(cells, sectors, rings, scale):
                found = True
                break
        else:
            if radius * GROWTH > MAX_RADIUS:
                raise ValueError(f"{len(items)} signals do not fit on a radar")
            radius *= GROWTH
            rings = make_rings(radius)

    dots = []
    for key in sorted(cells):
        sector, ring = sectors[key[0]], rings[key[1]]
        in_cell = sorted(cells[key], key=lambda item: (-(item.impact or 0), item.title, item.pk))
        pitch = _pitch(in_cell, scale)
        slots = _spread(cell_slots(ring, sector.start, sector.end, pitch), len(in_cell))
        placed = [
            (item, angle, distance) for item, (angle, distance) in zip(in_cell, slots, strict=True)
        ]
        # Reading order within the cell: clockwise, then outwards.
        placed.sort(key=lambda entry: (round(entry[1], 6), entry[2]))
        for item, angle, distance in placed:
            x, y = point(angle, distance)
            dots.append(
                Dot(
                    item=item,
                    x=x,
                    y=y,
                    r=dot_radius(item.impact, scale),
                    sector=sector,
                    ring=ring,
                )
            )
    return Radar(
        radius=radius,
        scale=scale,
        sectors=sectors,
        rings=rings,
        dots=tuple(dots),
        left_out=tuple(left_out),
    )
