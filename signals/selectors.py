"""Reading the register: filters, search, sorting and counts for the list, the export and the
start page. Always start from the ``visibility`` module's ``visible_*`` functions, never
from a model's manager.
"""

from array import array
from collections import Counter, namedtuple
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from difflib import SequenceMatcher
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, connections
from django.db.models import Count, Exists, F, OuterRef, Prefetch, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate
from django.utils import timezone

from core.lib.compiled import compiled_rows, compiled_sql
from core.lib.orgcache import organization_cached
from core.lib.prepared import id_list_sql, ids_parameter, prepared_rows
from core.lib.text import strip_bidi_controls
from organizations.people import MemberNames
from organizations.roles import CAPABILITIES

from .models import Area, Level, LevelCount, Signal, Source, Status, Tag, Trend
from .search import normalise_query, order_by_relevance, ranked_entries, search_signals
from .visibility import (
    sees_shared_only,
    sees_unused_tags,
    visible_area_watches,
    visible_areas,
    visible_level_counts,
    visible_search_entries,
    visible_signals,
    visible_statuses,
    visible_tags,
    visible_trends,
)


class Sort:
    NEWEST = "newest"
    OLDEST = "oldest"
    TITLE = "title"
    IMPACT = "impact"
    RELEVANCE = "relevance"


@dataclass(frozen=True)
class SignalFilters:
    """What the user asked for. Every field empty means everything visible, newest first."""

    level: str = ""
    area: int | None = None
    trend: int | None = None
    tag: int | None = None
    month: date | None = None  # the first day of the month
    status: str = ""
    author: int | None = None
    # The membership whose watched areas the signals must be in ("Mina områden").
    watched_by: int | None = None
    q: str = ""
    sort: str = ""

    @property
    def effective_sort(self) -> str:
        """Relevance is the natural order of a search; otherwise newest first."""
        if self.sort == Sort.RELEVANCE and not self.q:
            return Sort.NEWEST
        return self.sort or (Sort.RELEVANCE if self.q else Sort.NEWEST)


def month_range(month: date) -> tuple[datetime, datetime]:
    """The month as a half-open range of aware datetimes in the site's time zone."""
    start = month.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (
        datetime(start.year, start.month, 1, tzinfo=tz),
        datetime(end.year, end.month, 1, tzinfo=tz),
    )


def filter_signals(signals: QuerySet, filters: SignalFilters) -> QuerySet:
    """Apply every filter and the search. Each related filter is one join on a unique pair, so
    no row is ever repeated and no DISTINCT is needed."""
    if filters.level:
        signals = signals.filter(level=filters.level)
    if filters.area:
        signals = signals.filter(area_id=filters.area)
    if filters.trend:
        signals = signals.filter(trends=filters.trend)
    if filters.tag:
        signals = signals.filter(tags=filters.tag)
    if filters.month:
        start, end = month_range(filters.month)
        signals = signals.filter(created_at__gte=start, created_at__lt=end)
    if filters.status:
        signals = signals.filter(status=filters.status)
    if filters.author:
        signals = signals.filter(created_by_id=filters.author)
    if filters.watched_by:
        # One watch per membership and area, so the join repeats no signal.
        signals = signals.filter(area__watches__membership_id=filters.watched_by)
    if filters.q:
        signals = search_signals(signals, filters.q)
    return signals


# PostgreSQL's ICU collation for Swedish: Z < Å < Ä < Ö, as in a Swedish dictionary. The
# database's own collation (often en_US or C) files Å and Ä under A, or puts Ä before Å.
SWEDISH_COLLATION = "sv-x-icu"


@cache
def _has_collation(alias: str, name: str) -> bool:
    """Whether the database has the collation: a PostgreSQL built without ICU lacks it, and
    then titles are sorted by the database's default rather than the page failing."""
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_collation WHERE collname = %s", [name])
        return cursor.fetchone() is not None


def title_order(alias: str = "default"):
    """Titles in Swedish alphabetical order where the database can; SQLite compares code
    points (Ä before Å), which is good enough for development."""
    if connections[alias].vendor == "postgresql" and _has_collation(alias, SWEDISH_COLLATION):
        return Collate("title", SWEDISH_COLLATION)
    return F("title")


def sort_signals(signals: QuerySet, filters: SignalFilters) -> QuerySet:
    match filters.effective_sort:
        case Sort.OLDEST:
            return signals.order_by("created_at", "pk")
        case Sort.TITLE:
            return signals.order_by(title_order(signals.db).asc(), "pk")
        case Sort.IMPACT:
            return signals.order_by(F("impact").desc(nulls_last=True), "-created_at", "-pk")
        case Sort.RELEVANCE:
            return order_by_relevance(signals, filters.q)
        case _:
            return signals.order_by("-created_at", "-pk")


# What a list row shows of a signal's trends, tags and first source.
ListTrend = namedtuple("ListTrend", "name")
ListTag = namedtuple("ListTag", "pk name")
ListSource = namedtuple("ListSource", "name url")


# The kinds of related row in ``_related_sql``'s answer, in their order there.
_TREND, _TAG, _SOURCE = 0, 1, 2


@cache
def _related_sql(alias: str) -> str:
    """The SELECT of ``list_rows`` for every kind of related row at once, with the signals'
    ids as one parameter, three times (``core.lib.prepared``): (kind, signal id, the row's id,
    name, address, then what it is sorted by), each kind in the order of its model's
    ``Meta.ordering`` (a trend's and a tag's name, a source's position and id), the id
    breaking ties.

    One query rather than one per kind: on PostgreSQL each was a round trip of a
    millisecond or two of a request's time."""
    quote = connections[alias].ops.quote_name
    ids = id_list_sql(alias)

    def through(field):
        link = field.remote_field.through._meta
        return quote(link.db_table), quote(field.m2m_column_name()), quote(field.m2m_reverse_name())

    selects = []
    for kind, name, model in ((_TREND, "trends", Trend), (_TAG, "tags", Tag)):
        link, signal_id, other_id = through(Signal._meta.get_field(name))
        other = quote(model._meta.db_table)
        selects.append(
            f"SELECT {kind} AS kind, l.{signal_id} AS signal_id, r.id AS id, r.name AS name,"
            f" CAST(NULL AS TEXT) AS url, CAST(NULL AS INTEGER) AS position, r.name AS sort_name"
            f" FROM {link} l"
            f" INNER JOIN {other} r ON r.id = l.{other_id} WHERE l.{signal_id} IN ({ids})"
        )
    selects.append(
        f"SELECT {_SOURCE}, signal_id, id, name, url, position, NULL"
        f" FROM {quote(Source._meta.db_table)} WHERE signal_id IN ({ids})"
    )
    return " UNION ALL ".join(selects) + " ORDER BY kind, position, sort_name, id"


# What a list row reads of a signal, its area and its author, in ``ListSignal``'s order.
LIST_COLUMNS = (
    "pk",
    "title",
    "level",
    "status",
    "created_at",
    "area_id",
    "area__name",
    "created_by_id",
    "created_by__username",
    "created_by__first_name",
    "created_by__last_name",
)


class ListSignal:
    """A signal as a list row shows it (``signals.rows``): its title, level, status and date,
    its area and author (an ``Area`` and a user with only their names), and its trends, tags
    and first source (``list_rows``).

    Read as plain values by SQL compiled once (``LIST_COLUMNS``) rather than as model
    instances through a queryset built for every page: building and compiling the page's
    query and making a signal, an area and a user instance for each row were a fifth of a
    list request. A page's few areas and authors are made once each."""

    __slots__ = (
        "area",
        "created_at",
        "created_by",
        "level",
        "pk",
        "source_list",
        "status",
        "tag_list",
        "title",
        "trend_list",
    )
    pk: int
    title: str
    level: str
    status: str
    created_at: datetime
    area: Area | None
    created_by: AbstractBaseUser | None
    trend_list: list[ListTrend]
    tag_list: list[ListTag]
    source_list: list[ListSource]

    def __str__(self):
        return self.title


def list_signals(alias: str, rows) -> list[ListSignal]:
    """``ListSignal``s from rows of ``LIST_COLUMNS`` read on database ``alias`` by SQL run
    without Django's conversions (``core.lib.compiled``): a date SQLite stores as text is
    converted here, as the ORM would."""
    connection = connections[alias]
    # SQLite's converter (text to an aware datetime); PostgreSQL's driver gives one already.
    to_moment = getattr(connection.ops, "convert_datetimefield_value", None)
    user_model = get_user_model()
    areas: dict[int, Area] = {}
    people: dict[int, AbstractBaseUser] = {}
    signals = []
    for row in rows:
        signal = ListSignal()
        signal.pk, signal.title, signal.level, signal.status, created_at = row[:5]
        area_id, area_name, user_id = row[5:8]
        signal.created_at = to_moment(created_at, None, connection) if to_moment else created_at
        if area_id is None:
            signal.area = None
        else:
            if area_id not in areas:
                areas[area_id] = Area.from_db(alias, ["id", "name"], (area_id, area_name))
            signal.area = areas[area_id]
        if user_id is None:
            signal.created_by = None
        else:
            if user_id not in people:
                names = ["id", "username", "first_name", "last_name"]
                people[user_id] = user_model.from_db(alias, names, (user_id, *row[8:]))
            signal.created_by = people[user_id]
        signals.append(signal)
    return signals


def list_rows(alias: str, rows) -> list[ListSignal]:
    """The ``ListSignal``s of ``rows`` (of ``LIST_COLUMNS``), each with its trends, tags and
    sources in plain lists (``trend_list``, ``tag_list``, ``source_list``, in the order of the
    models' orderings), in one query whatever the page size.

    The related rows are read as plain values by fixed SQL and joined to their signals here,
    rather than by ``prefetch_related``: building a model instance for each of them, the
    prefetch's bookkeeping and compiling its three queries were a sixth of a list request's
    time. Only their names (a tag's id, a source's address) are read; the trends and tags
    are those of the signals, so their relation scopes them.
    """
    signals = list_signals(alias, rows)
    if not signals:
        return signals
    by_id = {}
    for signal in signals:
        signal.trend_list, signal.tag_list, signal.source_list = [], [], []
        by_id[signal.pk] = signal
    ids = ids_parameter(alias, list(by_id))
    for kind, signal_id, pk, name, url, *_sorted_by in prepared_rows(
        alias, _related_sql(alias), [ids] * 3
    ):
        signal = by_id[signal_id]
        if kind == _TREND:
            signal.trend_list.append(ListTrend(name))
        elif kind == _TAG:
            signal.tag_list.append(ListTag(pk, name))
        else:
            signal.source_list.append(ListSource(name, url))
    return signals


def level_counts(signals: QuerySet) -> dict[str, int]:
    """How many of ``signals`` there are per level, in one query grouped by level, which the
    (organisation, …, level) indexes answer in their own order without reading the rows.
    ``COUNT(*)``, not of the id: PostgreSQL reads the rows for a count of a column the index
    does not hold (a 57 MB scan instead of a 1 MB index)."""
    counts = dict(signals.order_by().values_list("level").annotate(n=Count("*")))
    return {level: counts.get(level, 0) for level in Level.values}


def _audience(membership) -> tuple:
    """What of the register the member's role sees: the part of a cache key that keeps one
    role's figures from another's."""
    return (tuple(sorted(visible_statuses(membership))), sees_shared_only(membership))


def cached_level_counts(membership, filters: SignalFilters) -> dict[str, int]:
    """``level_counts`` for the filters except the level (and the sort, which changes no
    count), cached until the organisation's data changes: a page click, a sort or a level
    chosen reuses the figures of the first view instead of counting the register again.

    A search's counts stop after ``SEARCH_COUNT_LIMIT`` matches (``capped_level_counts``):
    figures adding up to more than the limit are a sample, not the counts."""
    counting = replace(filters, level="", sort="", q=normalise_query(filters.q))
    parts = ("level_counts", _audience(membership), counting)

    def count() -> dict[str, int]:
        if _kept_by_database(counting):
            return stored_level_counts(membership, counting)
        signals = filter_signals(visible_signals(membership), counting)
        if counting.q:
            return capped_level_counts(signals)
        return level_counts(signals)

    return organization_cached(membership.organization, parts, count)


# A search counts its matches up to this many and then says "more than 1,000": counting every
# match of a common word (one signal in eight) read each of them from the table, which cost
# more than ranking them. Its pages go as far as this many matches.
SEARCH_COUNT_LIMIT = 1000


def capped_level_counts(signals: QuerySet, limit: int | None = None) -> dict[str, int]:
    """``level_counts`` of at most ``limit`` + 1 of ``signals`` (``SEARCH_COUNT_LIMIT``): the
    counts when they add up to ``limit`` or fewer, else only that there are more. The levels
    of the first rows found are read, in whatever order the search's index gives them."""
    limit = SEARCH_COUNT_LIMIT if limit is None else limit
    found = Counter(signals.order_by().values_list("level", flat=True)[: limit + 1])
    return {level: found.get(level, 0) for level in Level.values}


def _kept_by_database(filters: SignalFilters) -> bool:
    """Whether the filters are only those ``LevelCount`` is kept by (area and status)."""
    return replace(filters, area=None, status="") == SignalFilters()


def stored_level_counts(membership, filters: SignalFilters) -> dict[str, int]:
    """``level_counts`` of the visible signals in the filters' area and status, read from the
    counts the database keeps (``LevelCount``): a few dozen rows, not the register."""

    def build() -> QuerySet:
        counts = visible_level_counts(membership)
        if filters.area:
            counts = counts.filter(area_key=filters.area)
        if filters.status:
            counts = counts.filter(status=filters.status)
        return counts.order_by().values_list("level").annotate(n=Sum("n"))

    # Compiled once per organisation, role, area and status (core.lib.compiled): building the
    # query cost more than the database's answer.
    key = ("level_counts", membership.organization_id, membership.role, filters.area)
    rows = compiled_rows(LevelCount._default_manager.db, (*key, filters.status), build)
    by_level = dict(rows)
    return {level: by_level.get(level) or 0 for level in Level.values}


# From this many rows in, a page is read in two steps (``SignalPage``).
DEFERRED_PAGING_FROM = 500


class SignalPage:
    """The filtered, sorted signals as ``Paginator`` reads them: ``count()`` and a slice.

    The first pages are one query, compiled once per organisation, role, filters and page
    (``first_page_rows``). A deep page (page 3000 skips 75,000 rows) would make the
    database read every skipped row in full; there the page's ids are read first, which the
    list's indexes answer without touching the rows, then only those rows with what the list
    shows: one query more, whatever the depth. A deep page's ids are cached until the
    organisation's data changes (``deep_page_ids``): skipping 75,000 index entries took the
    database longer than the rest of the request, and the same page asked again (a sort
    undone, the back button) needs the same ids.
    """

    def __init__(self, signals: QuerySet, total: int, membership, filters: SignalFilters):
        self.signals = signals
        self.total = total
        self.membership = membership
        self.filters = filters

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, key: slice) -> list[ListSignal]:
        start = key.start or 0
        if start < DEFERRED_PAGING_FROM:
            return list_rows(self.signals.db, self.first_page_rows(start, key.stop))
        return _rows_in_order(self.membership, self.deep_page_ids(start, key.stop))

    def first_page_rows(self, start: int, stop: int | None) -> list[tuple]:
        """The rows (``LIST_COLUMNS``) from ``start`` to ``stop``, by SQL compiled once per
        organisation, role, filters (a month in the current time zone) and rows
        (``core.lib.compiled.compiled_sql``), and prepared on PostgreSQL: the queryset's
        filters, order and joins took the ORM longer to build and compile than the database
        took to answer."""
        if (stop is not None and stop <= start) or self.signals.query.is_empty():
            return []  # SQL that could find nothing does not compile
        zone = str(timezone.get_current_timezone())
        membership = self.membership
        key = ("list_page", membership.organization_id, membership.role, self.filters, zone)
        alias = self.signals.db
        sql, params = compiled_sql(
            alias,
            (*key, start, stop),
            lambda: self.signals.values_list(*LIST_COLUMNS)[start:stop],
        )
        # Only the unfiltered list is prepared: a filter's best plan depends on its value (an
        # area with few signals is read from its own index), which one prepared plan for
        # every value would not follow.
        unfiltered = replace(self.filters, sort="") == SignalFilters()
        return prepared_rows(alias, sql, params, prepare=unfiltered)

    def deep_page_ids(self, start: int, stop: int | None) -> array:
        """The ids of the rows from ``start`` to ``stop``, cached per role, filters (a month
        in the current time zone) and rows until the organisation's data changes: the order
        and who sees what change only with the data."""
        zone = str(timezone.get_current_timezone())
        parts = ("deep_page_ids", _audience(self.membership), self.filters, zone, start, stop)
        return organization_cached(
            self.membership.organization, parts, lambda: array("q", self._ids(start, stop))
        )

    def _ids(self, start: int, stop: int | None) -> list[int]:
        """The ids from ``start`` to ``stop``, read from whichever end of the order is nearer:
        a page past the middle is the reversed order's rows counted from the end (the total
        is exact: the counts the page was made with), so page 3000 of 4000 skips 25,000 index
        entries rather than 75,000."""
        stop = self.total if stop is None else min(stop, self.total)
        ids = self.signals.values_list("pk", flat=True)
        if start <= self.total - stop:
            return list(ids[start:stop])
        if stop <= start:
            return []
        from_end = list(ids.reverse()[self.total - stop : self.total - start])
        from_end.reverse()
        return from_end


# Where the ids go in ``_rows_in_order``'s SQL while it is compiled.
_IDS = object()


def _rows_in_order(membership, ids) -> list[ListSignal]:
    """The visible signals of ``ids`` with what the list shows, in the order of ``ids``: one
    query (and one for their trends, tags and sources).

    Its SQL is compiled once per organisation and role, with the ids as one parameter
    (``core.lib.prepared``), so it is the same whatever the ids and PostgreSQL plans it once
    per connection: building and compiling it for every page, and planning it, cost more than
    the database's answer."""
    ids = list(ids)
    if not ids:
        return []
    if not visible_statuses(membership):
        return []  # the member sees no signal (``visible_signals``): SQL that finds nothing
    alias = Signal._default_manager.db
    key = ("list_rows_by_id", membership.organization_id, membership.role)
    sql, params = compiled_sql(
        alias,
        key,
        lambda: (
            visible_signals(membership)
            .filter(pk__in=RawSQL(id_list_sql(alias), (_IDS,)))
            .order_by()
            .values_list(*LIST_COLUMNS)
        ),
    )
    listed = ids_parameter(alias, ids)
    rows = prepared_rows(alias, sql, [listed if param is _IDS else param for param in params])
    by_id = {signal.pk: signal for signal in list_rows(alias, rows)}
    return [by_id[pk] for pk in ids if pk in by_id]


@dataclass(frozen=True)
class SearchMatches:
    """The first ``SEARCH_COUNT_LIMIT`` + 1 matches of a search, in the order asked for."""

    ids: array  # of signal ids
    counts: dict[str, int]  # of those, per level

    @property
    def more(self) -> bool:
        """Whether there are more matches than the limit (the list then stops one past it)."""
        return len(self.ids) > SEARCH_COUNT_LIMIT


def search_matches(membership, filters: SignalFilters) -> SearchMatches:
    """``SearchMatches`` for the filters (a search among them), cached until the organisation's
    data changes. One query finds, sorts (ranks, on PostgreSQL) and counts the first matches
    at once; a page click, the next page or the same search again then reads only its rows."""
    listing = replace(filters, q=normalise_query(filters.q))
    parts = ("search_matches", _audience(membership), listing)

    def matching() -> QuerySet:
        if _ranked_from_entries(listing):
            entries = visible_search_entries(membership)
            if listing.level:
                entries = entries.filter(level=listing.level)
            if listing.status:
                entries = entries.filter(status=listing.status)
            found = ranked_entries(entries, listing.q).values_list("signal_id", "level")
        else:
            signals = filter_signals(visible_signals(membership), listing)
            found = sort_signals(signals, listing).values_list("pk", "level")
        return found[: SEARCH_COUNT_LIMIT + 1]

    def find() -> SearchMatches:
        # Compiled once per organisation, role and listing (core.lib.compiled): the search's
        # query took the ORM longer to build than a rare word's matches took to find. A month
        # is a range in the current time zone. (SQLite's search asks its index, while building,
        # whether a word is common, to choose how the matches are joined: the same matches
        # either way, so the first answer is kept.)
        zone = str(timezone.get_current_timezone())
        # The limit is in the SQL too (a test lowers it).
        key = (
            "search_matches",
            membership.organization_id,
            membership.role,
            listing,
            zone,
            SEARCH_COUNT_LIMIT,
        )
        found = compiled_rows(Signal._default_manager.db, key, matching)
        by_level = Counter(level for _pk, level in found)
        return SearchMatches(
            ids=array("q", (pk for pk, _level in found)),
            counts={level: by_level.get(level, 0) for level in Level.values},
        )

    return organization_cached(membership.organization, parts, find)


def _ranked_from_entries(filters: SignalFilters) -> bool:
    """Whether the search's matches are ranked from the search table (``SearchEntry``, which
    PostgreSQL keeps): best match first, narrowed by nothing the table lacks."""
    if connection.vendor != "postgresql" or filters.effective_sort != Sort.RELEVANCE:
        return False
    return replace(filters, q="", level="", status="", sort="") == SignalFilters()


class SearchPage:
    """A search's matches as ``Paginator`` reads them: its pages go as far as the limit, and a
    page is its ids' rows."""

    def __init__(self, matches: SearchMatches, membership):
        self.ids = matches.ids[:SEARCH_COUNT_LIMIT]
        self.membership = membership

    def count(self) -> int:
        return len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, key: slice) -> list[ListSignal]:
        return _rows_in_order(self.membership, self.ids[key])


@dataclass
class SignalListing:
    signals: SignalPage | SearchPage  # filtered and sorted; slice it to a page
    # For the current filters except the level itself; None when a search matches more than
    # ``SEARCH_COUNT_LIMIT`` signals, which are then not counted per level.
    level_counts: dict[str, int] | None
    total: int  # how many signals match all the filters (at most the limit when ``more``)
    more: bool = False  # a search matches more than ``total`` signals; its pages stop there
    # The signals of every level: the counts' sum, or the limit they went past.
    level_total: int = 0


def signal_listing(membership, filters: SignalFilters) -> SignalListing:
    """The list page's data: the counts (cached), then the page plus its prefetches.

    The counts per level are taken with every filter but the level, so each level's count says
    what choosing it would give; the total follows from them without a COUNT of its own. A
    search is counted up to ``SEARCH_COUNT_LIMIT`` matches, from its first matches
    (``search_matches``) when no level is chosen.
    """
    if normalise_query(filters.q):
        return _search_listing(membership, filters)
    counts = cached_level_counts(membership, filters)
    counted = sum(counts.values())
    total = counts.get(filters.level, 0) if filters.level else counted
    signals = sort_signals(filter_signals(visible_signals(membership), filters), filters)
    page = SignalPage(signals, total, membership, filters)
    return SignalListing(page, counts, total, level_total=counted)


def _search_listing(membership, filters: SignalFilters) -> SignalListing:
    matches = search_matches(membership, filters)
    counts = cached_level_counts(membership, filters) if filters.level else matches.counts
    counted = sum(counts.values())
    page = SearchPage(matches, membership)
    if counted > SEARCH_COUNT_LIMIT:
        return SignalListing(
            page, None, len(page), more=matches.more, level_total=SEARCH_COUNT_LIMIT
        )
    return SignalListing(page, counts, len(page), more=matches.more, level_total=counted)


def find_signals(membership, filters: SignalFilters) -> QuerySet:
    """The visible signals matching ``filters``, in the order asked for."""
    return sort_signals(filter_signals(visible_signals(membership), filters), filters)


def tags_in_use(membership) -> QuerySet[Tag]:
    """The tags on signals the member can see, by name: a tag used only on drafts is not shown
    to someone who may not read drafts. One probe per tag (is there such a signal?) rather
    than collecting the tags of the whole register; the rule already probes for those who see
    only their signals' tags, and a second probe doubled the query's cost."""
    tags = visible_tags(membership)
    if sees_unused_tags(membership):
        tags = tags.filter(Exists(visible_signals(membership).filter(tags=OuterRef("pk"))))
    return tags.order_by("name")


def authors(membership) -> QuerySet:
    """The people who logged signals the member can see, by name, found in the counts the
    database keeps (``LevelCount``) rather than in the register."""
    logged = visible_level_counts(membership).filter(n__gt=0).values("author_key")
    return (
        get_user_model()
        .objects.filter(pk__in=logged)
        .only("pk", "first_name", "last_name", "username")
        .order_by("first_name", "last_name", "username")
    )


def filter_choices(membership) -> dict[str, list[tuple[int, str]]]:
    """The list's area, trend, tag and author dropdowns as (id, name) pairs, cached until the
    organisation's data changes: on a large register finding who and what is in use is the
    costly part of drawing the filters, and the areas and trends were two queries of every
    view of the list (writing an area or a trend changes the data too:
    ``taxonomy_services``)."""
    return organization_cached(
        membership.organization,
        ("filter_choices", _audience(membership)),
        lambda: _filter_choices(membership),
    )


def _filter_choices(membership) -> dict[str, list[tuple[int, str]]]:
    # Each list's SQL follows from the organisation and the role alone (the visibility rules
    # read nothing else), so it is compiled once per process: building and compiling the four
    # queries, two with a subquery, cost the ORM three times what the database took.
    alias = Signal._default_manager.db
    key = (membership.organization_id, membership.role)

    def named(kind: str, build) -> list[tuple[int, str]]:
        # An <option> cannot isolate its text, so no bidirectional controls in either list.
        rows = compiled_rows(alias, ("filter_choices", kind, *key), build)
        return [(pk, strip_bidi_controls(name)) for pk, name in rows]

    # People as this organisation names them, sorted by that name.
    user_model = get_user_model()
    columns = ["id", "username", "first_name", "last_name"]
    rows = compiled_rows(
        alias,
        ("filter_choices", "author", *key),
        lambda: authors(membership).values_list(*columns),
    )
    names = MemberNames(membership)
    people = [
        (person.pk, strip_bidi_controls(names(person)))
        for person in (user_model.from_db(alias, columns, row) for row in rows)
    ]
    return {
        "area": named("area", lambda: visible_areas(membership).values_list("pk", "name")),
        "trend": named("trend", lambda: visible_trends(membership).values_list("pk", "name")),
        "tag": named("tag", lambda: tags_in_use(membership).values_list("pk", "name")),
        "author": sorted(people, key=lambda choice: choice[1].casefold()),
    }


def recent_signals(membership, limit: int = 5) -> list[Signal]:
    """The latest signals of the working register (not the archive) for the start page, in
    one query."""
    signals = visible_signals(membership).exclude(status=Status.ARCHIVED)
    return list(signals.select_related("created_by").order_by("-created_at", "-pk")[:limit])


def watched_areas(membership, watcher) -> list[Area]:
    """The areas ``watcher`` watches (retired ones included), as ``membership`` may see them,
    by name, in one query."""
    watches = visible_area_watches(membership).filter(membership=watcher)
    return list(visible_areas(membership).filter(pk__in=watches.values("area")).order_by("name"))


def latest_in_areas(membership, areas: list[Area], limit: int = 5) -> list[Signal]:
    """The latest signals of the working register (not the archive) in ``areas``, in one
    query; none without a query when there are no areas."""
    if not areas:
        return []
    signals = visible_signals(membership).exclude(status=Status.ARCHIVED)
    signals = signals.filter(area__in=[area.pk for area in areas])
    return list(signals.select_related("area", "created_by").order_by("-created_at", "-pk")[:limit])


def areas_with_watchers(membership) -> QuerySet[Area]:
    """The areas with their signal counts (``signal_count``) and, in ``watch_list``, who of the
    scanning group watches each (a member moved out of the group keeps the rows, which then
    count for nothing): two queries, whatever the number of areas."""
    watches = (
        visible_area_watches(membership)
        .filter(membership__role__in=CAPABILITIES["watch_areas"])
        .select_related("membership__user")
    )
    # By name explicitly: Django drops Meta.ordering from a query with an aggregate.
    return (
        visible_areas(membership)
        .annotate(signal_count=Count("signals"))
        .order_by("name")
        .prefetch_related(Prefetch("watches", queryset=watches, to_attr="watch_list"))
    )


# --- possible duplicates, for the logging form ------------------------------------------------

# How far back a title counts as "logged recently", and how alike two titles must be to count
# as the same news (difflib's ratio over the titles' words, lower case).
SIMILAR_TITLE_DAYS = 180
SIMILAR_TITLE_RATIO = 0.85
SIMILAR_TITLE_MIN_LENGTH = 12
MAX_SIMILAR = 5
# A pasted address is compared in this many characters at most (Source.url's max_length).
MAX_URL_LENGTH = 2000


@dataclass(frozen=True)
class SimilarSignals:
    """Signals the member can see that may already be the one being logged."""

    same_address: list[Signal]
    similar_title: list[Signal]

    def __bool__(self) -> bool:
        return bool(self.same_address or self.similar_title)


def address_variants(url: str) -> set[str]:
    """The ways one page's address is commonly written: http or https, with or without
    "www." and a trailing slash; the #fragment never names another page."""
    url = url.strip()[:MAX_URL_LENGTH].split("#", 1)[0]
    scheme, separator, rest = url.partition("://")
    if not separator or scheme.lower() not in ("http", "https") or not rest:
        return set()
    host, slash, path = rest.partition("/")
    host = host.lower().removeprefix("www.")
    if not host:
        return set()
    path = (slash + path).rstrip("/")
    return {
        f"{scheme}://{prefix}{host}{path}{end}"
        for scheme in ("https", "http")
        for prefix in ("", "www.")
        for end in ("", "/")
    }


def _title_key(title: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in title.casefold()).split())


def similar_signals(
    membership, *, urls: list[str], title: str = "", exclude: int | None = None
) -> SimilarSignals:
    """Visible signals with one of these source addresses, and those logged in the last
    ``SIMILAR_TITLE_DAYS`` days with a very similar title: at most two queries."""
    visible = visible_signals(membership).exclude(status=Status.ARCHIVED)
    if exclude is not None:
        visible = visible.exclude(pk=exclude)
    variants = set().union(*(address_variants(url) for url in urls)) if urls else set()
    same_address: list[Signal] = []
    if variants:
        matching = visible.filter(sources__url__in=variants).values("pk")
        same_address = list(
            visible.filter(pk__in=matching)
            .only("pk", "title", "created_at")
            .order_by("-created_at", "-pk")[:MAX_SIMILAR]
        )
    similar_title: list[Signal] = []
    key = _title_key(title)
    if len(key) >= SIMILAR_TITLE_MIN_LENGTH:
        since = timezone.now() - timedelta(days=SIMILAR_TITLE_DAYS)
        seen = {signal.pk for signal in same_address}
        recent = (
            visible.filter(created_at__gte=since)
            .exclude(pk__in=seen)
            .only("pk", "title", "created_at")
            .order_by("-created_at", "-pk")
        )
        for signal in recent.iterator():
            matcher = SequenceMatcher(None, key, _title_key(signal.title))
            # The quick upper bounds first: most titles are ruled out without the full ratio.
            if (
                matcher.real_quick_ratio() >= SIMILAR_TITLE_RATIO
                and matcher.quick_ratio() >= SIMILAR_TITLE_RATIO
                and matcher.ratio() >= SIMILAR_TITLE_RATIO
            ):
                similar_title.append(signal)
                if len(similar_title) == MAX_SIMILAR:
                    break
    return SimilarSignals(same_address=same_address, similar_title=similar_title)
