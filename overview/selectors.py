"""Reading the register for the overview: the radar's signals, the figures per month, the
trends gaining evidence and the blind spots. Every read starts from
``signals.visibility.visible_signals``, so each member's overview is of what they may see.
"""

from collections import Counter, defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, QuerySet, Value
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from core.lib.orgcache import organization_cached
from signals.models import Level, Signal, Status
from signals.selectors import SignalFilters, filter_signals
from signals.visibility import (
    sees_shared_only,
    visible_areas,
    visible_driving_forces,
    visible_signals,
    visible_statuses,
    visible_trends,
)

from .radar import RadarItem

# What the radar's sectors are.
BY_FORCE = "force"
BY_AREA = "area"
BY_LEVEL = "level"
# The months a radar looks back by default; "all" for the whole register.
DEFAULT_PERIOD = "12"
ALL_TIME = "all"
# How far back the coverage looks: an area or level with no signal since is a blind spot.
BLIND_SPOT_MONTHS = 2
# The dashboard's charts: the current month and the eleven before it.
DASHBOARD_MONTHS = 12
RISING_TRENDS = 5


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the month's last day if it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)


def month_starts(today: date, count: int) -> list[date]:
    """The first days of the last ``count`` months, oldest first, this month last."""
    first = today.replace(day=1)
    return [months_before(first, count - 1 - n) for n in range(count)]


def _aware(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.get_current_timezone())


@dataclass(frozen=True)
class RadarFilters:
    by: str = BY_FORCE
    period: str = DEFAULT_PERIOD  # months back, or ALL_TIME
    level: str = ""
    area: int | None = None
    trend: int | None = None
    tag: int | None = None
    status: str = ""  # empty: everything visible but the archive

    @property
    def since(self) -> date | None:
        if self.period == ALL_TIME:
            return None
        return months_before(timezone.localdate(), int(self.period))


def radar_signals(membership, filters: RadarFilters) -> QuerySet[Signal]:
    signals = filter_signals(
        visible_signals(membership),
        SignalFilters(
            level=filters.level,
            area=filters.area,
            trend=filters.trend,
            tag=filters.tag,
            status=filters.status,
        ),
    )
    if not filters.status:
        signals = signals.exclude(status=Status.ARCHIVED)
    if filters.since:
        signals = signals.filter(created_at__gte=_aware(filters.since))
    return signals


def _strongest_force(counts: Counter) -> Hashable:
    """The driving force most of a signal's trends are read under; a tie goes to the first
    by id, so the same signal always lands in the same sector."""
    return min(counts, key=lambda force: (-counts[force], force))


@dataclass
class RadarData:
    items: list[RadarItem]
    sectors: list[tuple[Hashable, str]]
    sector_heading: str  # what the sectors are ("Driving force"), for the table and legend
    extra: dict[int, dict] = field(default_factory=dict)  # pk → created_at, status


NO_SECTOR = "none"


def radar_data(membership, filters: RadarFilters) -> RadarData:
    """The radar's signals as plain values, with their sectors: three queries whatever the
    number of signals (the signals, the sectors' names, and for driving forces the trends)."""
    signals = radar_signals(membership, filters)
    rows = list(
        signals.order_by().values_list(
            "pk", "title", "level", "time_horizon", "impact", "area_id", "status", "created_at"
        )
    )
    sector_of: dict[int, Hashable]
    if filters.by == BY_LEVEL:
        sectors: list[tuple[Hashable, str]] = [(level.value, str(level.label)) for level in Level]
        sector_of = {row[0]: row[2] for row in rows}
        heading = _("Level")
    elif filters.by == BY_AREA:
        used = {row[5] for row in rows}
        areas = visible_areas(membership).order_by("name").values_list("pk", "name", "is_active")
        sectors = [(pk, name) for pk, name, active in areas if active or pk in used]
        sector_of = {row[0]: (row[5] if row[5] is not None else NO_SECTOR) for row in rows}
        if None in used:
            sectors.append((NO_SECTOR, _("No area")))
        heading = _("Area")
    else:
        forces = list(visible_driving_forces(membership).order_by("name").values_list("pk", "name"))
        # One join from the same filtered signals, rather than a subquery of them.
        links = (
            signals.filter(trends__driving_force__isnull=False)
            .order_by()
            .values_list("pk", "trends__driving_force_id")
        )
        per_signal: dict[int, Counter] = defaultdict(Counter)
        for signal_id, force_id in links:
            per_signal[signal_id][force_id] += 1
        sector_of = {
            row[0]: _strongest_force(per_signal[row[0]]) if row[0] in per_signal else NO_SECTOR
            for row in rows
        }
        sectors = list(forces)
        if any(key == NO_SECTOR for key in sector_of.values()):
            sectors.append((NO_SECTOR, _("No driving force")))
        heading = _("Driving force")
    items = [
        RadarItem(
            pk=pk,
            title=title,
            level=level,
            horizon=horizon,
            impact=impact,
            sector=sector_of[pk],
        )
        for pk, title, level, horizon, impact, _area, _status, _created in rows
    ]
    extra = {row[0]: {"status": row[6], "created_at": row[7]} for row in rows}
    return RadarData(items=items, sectors=sectors, sector_heading=heading, extra=extra)


# --- the dashboard --------------------------------------------------------------------------


def _counted(signals: QuerySet) -> QuerySet:
    """What the dashboard counts: signals logged (the archive too, since they were seen
    then), not drafts, which are not yet signals of the register."""
    return signals.exclude(status=Status.DRAFT)


@dataclass
class MonthTable:
    """Counts per row (a level, an area, a trend) and month."""

    months: list[date]
    rows: list[tuple[Hashable, str, list[int]]]  # key, label, a count per month

    @property
    def totals(self) -> list[int]:
        return [sum(row[2][n] for row in self.rows) for n in range(len(self.months))]

    @property
    def largest(self) -> int:
        return max((count for _key, _label, counts in self.rows for count in counts), default=0)


def _by_month(signals: QuerySet, months: list[date], key: str) -> dict[Hashable, list[int]]:
    """{key value: [count per month]} in one grouped query."""
    index = {month: n for n, month in enumerate(months)}
    tz = timezone.get_current_timezone()
    grouped = (
        signals.filter(created_at__gte=_aware(months[0]))
        .order_by()
        .annotate(month=TruncMonth("created_at", tzinfo=tz))
        .values_list("month", key)
        .annotate(n=Count("pk"))
    )
    counts: dict[Hashable, list[int]] = defaultdict(lambda: [0] * len(months))
    for month, value, n in grouped:
        day = month.date() if isinstance(month, datetime) else month
        if day in index:
            counts[value][index[day]] += n
    return counts


@dataclass
class RisingTrend:
    pk: int
    name: str
    this_quarter: int
    last_quarter: int

    @property
    def change(self) -> int:
        return self.this_quarter - self.last_quarter


@dataclass
class Dashboard:
    months: list[date]
    by_level: MonthTable
    by_area: MonthTable
    by_trend: MonthTable
    rising: list[RisingTrend]
    quarter: tuple[date, date]  # the first days of this quarter and the last
    total: int


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def dashboard(membership) -> Dashboard:
    """Everything the dashboard shows: five queries, whatever the size of the register."""
    today = timezone.localdate()
    months = month_starts(today, DASHBOARD_MONTHS)
    signals = _counted(visible_signals(membership))

    levels = _by_month(signals, months, "level")
    by_level = MonthTable(
        months, [(level.value, str(level.label), levels[level.value]) for level in Level]
    )

    areas = _by_month(signals, months, "area")
    area_rows = [
        (pk, name, areas[pk])
        for pk, name, active in visible_areas(membership).values_list("pk", "name", "is_active")
        if active or pk in areas
    ]
    if None in areas:
        area_rows.append((NO_SECTOR, _("No area"), areas[None]))
    by_area = MonthTable(months, area_rows)

    trends = _by_month(signals, months, "trends")
    trend_rows = [
        (pk, name, trends[pk])
        for pk, name, active in visible_trends(membership).values_list("pk", "name", "is_active")
        if active or pk in trends
    ]
    by_trend = MonthTable(months, trend_rows)

    this_quarter = _quarter_start(today)
    last_quarter = _quarter_start(months_before(this_quarter, 1))
    in_this = [n for n, month in enumerate(months) if month >= this_quarter]
    in_last = [n for n, month in enumerate(months) if last_quarter <= month < this_quarter]
    rising = [
        RisingTrend(
            pk=pk,
            name=name,
            this_quarter=sum(counts[n] for n in in_this),
            last_quarter=sum(counts[n] for n in in_last),
        )
        for pk, name, counts in trend_rows
    ]
    rising = sorted(
        (trend for trend in rising if trend.change > 0),
        key=lambda trend: (-trend.change, -trend.this_quarter, trend.name),
    )[:RISING_TRENDS]
    return Dashboard(
        months=months,
        by_level=by_level,
        by_area=by_area,
        by_trend=by_trend,
        rising=rising,
        quarter=(this_quarter, last_quarter),
        total=sum(by_level.totals),
    )


# --- coverage ---------------------------------------------------------------------------------


@dataclass
class BlindSpots:
    since: date
    areas: list[str]  # names of areas in use with no signal since
    levels: list[str]  # labels of levels with no signal since

    def __bool__(self) -> bool:
        return bool(self.areas or self.levels)


def blind_spots(membership) -> BlindSpots:
    """The areas in use and the levels with no signal the member can see in the last
    ``BLIND_SPOT_MONTHS`` months: where the scanning has not looked lately. Any signal counts,
    a draft too (someone looked there); who logged what is not asked.

    One query (the unseen areas and the seen levels as one union), cached until the
    organisation's data changes or the day does: the start page shows it on every visit.
    """
    today = timezone.localdate()
    parts = (
        "blind_spots",
        tuple(sorted(visible_statuses(membership))),
        sees_shared_only(membership),
        today,
    )
    return organization_cached(
        membership.organization, parts, lambda: _blind_spots(membership, today)
    )


def _blind_spots(membership, today: date) -> BlindSpots:
    since = months_before(today, BLIND_SPOT_MONTHS)
    recent = visible_signals(membership).filter(created_at__gte=_aware(since)).order_by()
    unseen_areas = (
        visible_areas(membership)
        .filter(is_active=True)
        .exclude(Exists(recent.filter(area=OuterRef("pk"))))
        .order_by()
        .values_list("name", Value(BY_AREA))
    )
    seen_levels = recent.values_list("level", Value(BY_LEVEL)).distinct()
    rows = list(unseen_areas.union(seen_levels, all=True))
    seen = {value for value, kind in rows if kind == BY_LEVEL}
    return BlindSpots(
        since=since,
        areas=sorted((value for value, kind in rows if kind == BY_AREA), key=str.casefold),
        levels=[str(level.label) for level in Level if level.value not in seen],
    )
