"""Reading the triage queue: what waits, filtered, one keyset page at a time.

Always starts from ``visibility``'s ``visible_*`` functions. The queue pages by the last row's
(published_at, id) rather than by page number, so dismissing items above the reader's place
does not shift the page under them.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import (
    BooleanField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from core.lib.compiled import compiled_rows
from core.lib.ids import parse_id
from core.lib.orgcache import organization_cached
from signals.search import normalise_query, words_of
from signals.visibility import visible_areas

from .models import (
    Entry,
    ShortcutPreference,
    Subscription,
    TriageItem,
    TriageItemEntry,
    TriageState,
)
from .visibility import visible_subscriptions, visible_triage_item_entries, visible_triage_items

QUEUE_PAGE_SIZE = 25
# Cursors count microseconds from here: exact, where a float timestamp would round.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# A search longer than this is no longer a search for words in a title.
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class QueueFilters:
    """What the scanner narrowed the queue to. Every field empty means everything waiting."""

    subscription: int | None = None
    area: int | None = None
    level: str = ""
    q: str = ""

    def __bool__(self) -> bool:
        return bool(self.subscription or self.area or self.level or self.q)


@dataclass(frozen=True)
class Cursor:
    """A place in the queue: the (published_at, id) of a row, read as "older than" it
    (``newer=False``) or "newer than" it."""

    published_at: datetime
    pk: int
    newer: bool = False

    def token(self) -> str:
        """The place as a query-string value: microseconds since the epoch and the id."""
        micros = (self.published_at - EPOCH) // timedelta(microseconds=1)
        return f"{micros}-{self.pk}"

    @classmethod
    def parse(cls, token: str | None, *, newer: bool = False) -> "Cursor | None":
        """The cursor a link carried, or None for anything no link of ours writes."""
        micros_text, dash, pk_text = (token or "").partition("-")
        pk = parse_id(pk_text)
        # Microseconds since 1970 have 17 digits until the year 5138; int() would
        # refuse a string of over 4,300 digits with a ValueError.
        if not dash or pk is None or len(micros_text) > 18:
            return None
        if not micros_text.isascii() or not micros_text.isdigit():
            return None
        try:
            when = EPOCH + timedelta(microseconds=int(micros_text))
        except OverflowError:
            return None
        return cls(published_at=when, pk=pk, newer=newer)

    @classmethod
    def of(cls, item: TriageItem, *, newer: bool = False) -> "Cursor":
        return cls(published_at=item.published_at, pk=item.pk, newer=newer)


@dataclass
class QueuePage:
    items: list[TriageItem]
    older: Cursor | None  # where the "older" link leads, when there are older items
    newer: Cursor | None  # where the "newer" link leads, when the page is not the first


def oldest_shown() -> datetime:
    """Items published before this have waited too long and are not shown."""
    return timezone.now() - timedelta(days=settings.SCANNING_QUEUE_MAX_AGE_DAYS)


def waiting_items(membership, state: str = TriageState.NEW) -> QuerySet[TriageItem]:
    """The organisation's items still to be decided and not yet too old, in no order: in
    the queue, or (``state`` FILTERED) those the keyword rules keep out of it."""
    return visible_triage_items(membership).filter(state=state, published_at__gte=oldest_shown())


def hidden_waiting_count(membership) -> int:
    """How many items the keyword rules keep out of the queue that it would otherwise show:
    said when the queue is empty, which is then not "every item dealt with"."""
    return waiting_items(membership, TriageState.FILTERED).count()


# What "Dismissed" lists: the latest decisions, as far back as the queue shows items.
DISMISSED_SHOWN = 100


def recently_dismissed(membership) -> list[TriageItem]:
    """The organisation's items dismissed (by anyone) that the queue would still show if put
    back, the latest decision first: for a dismissal regretted after the next one, when the
    Undo beside it has gone. At most DISMISSED_SHOWN."""
    items = (
        visible_triage_items(membership)
        .filter(state=TriageState.DISMISSED, published_at__gte=oldest_shown())
        .select_related("entry", "subscription", "decided_by")
        .order_by("-decided_at", "-pk")
    )
    return list(items[:DISMISSED_SHOWN])


# Counted no further: "more than 1,000 waiting" says all a scanner needs, and counting 100,000
# rows on every page and every decision would be most of the page's time.
WAITING_COUNT_LIMIT = 1000


def waiting_count(membership) -> int:
    """How many items wait, up to WAITING_COUNT_LIMIT + 1 (meaning "more than the limit")."""

    def build(since) -> QuerySet:
        items = visible_triage_items(membership).filter(
            state=TriageState.NEW, published_at__gte=since
        )
        return items.order_by().values_list("pk")[: WAITING_COUNT_LIMIT + 1]

    # The limit is in the SQL, so in its key too (a test lowers it).
    key = ("queue_waiting", membership.organization_id, membership.role, WAITING_COUNT_LIMIT)
    return len(compiled_rows(TriageItem._default_manager.db, key, build, (oldest_shown(),)))


def filter_items(items: QuerySet[TriageItem], filters: QueueFilters) -> QuerySet[TriageItem]:
    """``items`` narrowed to the feed, area and level asked for (the words searched for:
    ``_full_text``, ``_contains_words``)."""
    if filters.subscription:
        items = items.filter(subscription_id=filters.subscription)
    if filters.area:
        items = items.filter(subscription__area_id=filters.area)
    if filters.level:
        items = items.filter(subscription__level=filters.level)
    return items


def _full_text(items: QuerySet[TriageItem], q: str, rare: bool) -> QuerySet[TriageItem]:
    """PostgreSQL: items whose entry's title or summary matches ``q`` (normalised), as the
    signal register searches, in full text with Swedish stemming (migration 0004's stored
    vector and index). ``rare``: the word is rare enough to read its matches first
    (``_rare_among_entries``)."""
    # The stored vector of migration 0004 (a generated column the model does not know).
    matching = (
        "SELECT id FROM scanning_entry "
        "WHERE search_vector @@ websearch_to_tsquery('swedish'::regconfig, %s)"
    )
    if rare:
        # Wrapped in IS TRUE the test cannot become a join: PostgreSQL reads the few
        # matching entries once through the search index into a hash, then walks the
        # queue newest first looking each item up in it.
        return items.filter(
            RawSQL(
                f'("scanning_triageitem"."entry_id" IN ({matching})) IS TRUE',
                (q,),
                output_field=BooleanField(),
            )
        )
    # A common word: walking the queue newest first finds a page's matches within a few
    # hundred items, where reading every match first would read thousands.
    return items.filter(entry_id__in=RawSQL(matching, (q,)))


def _contains_words(items: QuerySet[TriageItem], words: list[str]) -> QuerySet[TriageItem]:
    """SQLite: items whose entry's title or summary holds every word, as the signal register
    searches there (``signals.search.contains_every_word``: each in the lower-cased
    document), each word a parameter of its own, so that a compiled query can take them."""
    for n, word in enumerate(words):
        found = Func(
            F("entry__search_document"), Value(word), function="INSTR", output_field=IntegerField()
        )
        items = items.alias(**{f"word_{n}": found}).filter(**{f"word_{n}__gt": 0})
    return items


# How many entries a word may match and still be read first, against how many there are. The
# walk tests each item's entry in turn (about 6 µs an item) and needs 26 of them to match, so it
# reads 26 × total / matches items; reading the matches first costs about 2 µs a match, and
# the walk after it 1.5 µs an item. Reading first wins while matches² < 58 × total.
RARE_WORD_FACTOR = 58


def _rare_among_entries(q: str) -> bool:
    """Whether so few entries match ``q`` that reading them first beats walking the queue,
    judged from the planner's own estimate (its statistics of the stored vectors), which costs
    a plan but no reading. The planner makes no such choice itself: it prices an entry looked
    up during the walk as cheaply as one read in order, and walks even for a word in one
    entry in a hundred, at three times the cost."""
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (FORMAT JSON) "
            "SELECT 1 FROM scanning_entry "
            "WHERE search_vector @@ websearch_to_tsquery('swedish'::regconfig, %s) "
            "UNION ALL SELECT 1 FROM scanning_entry",
            (q,),
        )
        (plan,) = cursor.fetchone()
    if isinstance(plan, str):
        plan = json.loads(plan)
    try:
        matches, total = (part["Plan Rows"] for part in plan[0]["Plan"]["Plans"])
    except (KeyError, IndexError, TypeError, ValueError):
        return False  # a plan of another shape than PostgreSQL 13-17 give: walk, as before
    return matches * matches < RARE_WORD_FACTOR * total


# What a queue row shows (``queue_rows``): the item, its entry's title, link and summary as
# HTML (not its plain text and search document, twice and three times as long), its feed's name.
_ROW_COLUMNS = (
    "id",
    "published_at",
    "entry_id",
    "subscription_id",
    "entry__title",
    "entry__link",
    "entry__summary_html",
    "subscription__name",
)


def _page_rows(membership, filters: QueueFilters, cursor: Cursor | None, limit: int) -> list[tuple]:
    """The rows of up to ``limit`` waiting items past ``cursor`` (newest first, or oldest
    first for a "newer" cursor), as ``_ROW_COLUMNS``.

    The query's SQL follows from which filters are set, so it is compiled once per process for
    each combination (``core.lib.compiled``) and the filters' values put in at each call: the
    ORM took longer to build and compile it than PostgreSQL took to answer it."""
    q = normalise_query(filters.q) if filters.q else ""
    postgresql = connection.vendor == "postgresql"
    rare = bool(q) and postgresql and _rare_among_entries(q)
    words = words_of(q) if q and not postgresql else []
    if q and not postgresql and not words:
        return []  # nothing to look for (only punctuation): nothing found, as the list says
    late: list = [oldest_shown()]
    shape: list = []
    for name in ("subscription", "area", "level"):
        value = getattr(filters, name)
        shape.append(bool(value))
        if value:
            late.append(value)
    if q:
        late.append(q if postgresql else words)
    if cursor is not None:
        late += [cursor.published_at, cursor.pk]
    newer = cursor is not None and cursor.newer

    def build(since, *values) -> QuerySet:
        rest = list(values)
        given = {
            name: rest.pop(0) if present else None
            for name, present in zip(("subscription", "area", "level"), shape, strict=True)
        }
        items = visible_triage_items(membership).filter(
            state=TriageState.NEW, published_at__gte=since
        )
        items = filter_items(
            items,
            QueueFilters(
                subscription=given["subscription"],
                area=given["area"],
                level=given["level"] or "",
            ),
        )
        if q and postgresql:
            items = _full_text(items, rest.pop(0), rare)
        elif q:
            items = _contains_words(items, rest.pop(0))
        if cursor is not None:
            at, pk = rest
            if newer:
                items = items.filter(Q(published_at__gt=at) | Q(published_at=at, pk__gt=pk))
            else:
                items = items.filter(Q(published_at__lt=at) | Q(published_at=at, pk__lt=pk))
        order = ("published_at", "pk") if newer else ("-published_at", "-pk")
        return items.order_by(*order).values_list(*_ROW_COLUMNS)[:limit]

    key = ("queue_page", membership.organization_id, membership.role, *shape, bool(q), rare)
    key += (cursor is not None, newer, limit)
    return compiled_rows(TriageItem._default_manager.db, key, build, late)


def _partial(model, alias: str, values: dict):
    """An instance of ``model`` with only these fields loaded (``from_db`` takes the values in
    the model's field order)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(alias, names, [values[name] for name in names])


def _items(rows: list[tuple]) -> list[TriageItem]:
    """Queue rows as items with their entry and subscription (only the columns shown)."""
    alias = TriageItem._default_manager.db
    entry_field = TriageItem._meta.get_field("entry")
    subscription_field = TriageItem._meta.get_field("subscription")
    items = []
    for pk, published_at, entry_id, subscription_id, title, link, summary, feed in rows:
        item = _partial(
            TriageItem,
            alias,
            {
                "id": pk,
                "published_at": published_at,
                "entry_id": entry_id,
                "subscription_id": subscription_id,
            },
        )
        entry = {"id": entry_id, "title": title, "link": link, "summary_html": summary}
        entry_field.set_cached_value(item, _partial(Entry, alias, entry))
        subscription = None
        if subscription_id is not None:
            subscription = _partial(Subscription, alias, {"id": subscription_id, "name": feed})
        subscription_field.set_cached_value(item, subscription)
        items.append(item)
    return items


def _add_other_feeds(membership, items: list[TriageItem]) -> None:
    """Give each item ``also_in``: the names of the other feeds that carried the same story,
    as this organisation calls them (None for a feed it no longer follows). One query."""
    for item in items:
        item.also_in = []
    if not items:
        return
    by_pk = {item.pk: item for item in items}

    def build(ids) -> QuerySet:
        feed_name = visible_subscriptions(membership).filter(feed_id=OuterRef("entry__feed_id"))
        return (
            visible_triage_item_entries(membership)
            .filter(item_id__in=ids)
            .exclude(entry_id=F("item__entry_id"))
            .annotate(feed_name=Subquery(feed_name.values("name")[:1]))
            .order_by("published_at", "pk")
            .values_list("item_id", "feed_name")
        )

    key = ("queue_other_feeds", membership.organization_id, membership.role)
    for item_id, name in compiled_rows(
        TriageItemEntry._default_manager.db, key, build, (list(by_pk),)
    ):
        by_pk[item_id].also_in.append(name)


def queue_page(
    membership,
    filters: QueueFilters,
    cursor: Cursor | None = None,
    *,
    size: int = QUEUE_PAGE_SIZE,
) -> QueuePage:
    """One page of the waiting items, newest first: the first page, or the page older (or
    newer) than ``cursor``. One query for the rows and one for their other feeds."""
    rows = _page_rows(membership, filters, cursor, size + 1)
    if cursor is not None and cursor.newer:
        if len(rows) <= size:
            # Nothing newer above these: that is the top of the queue, a full first page.
            return queue_page(membership, filters, size=size)
        items = _items(rows[:size][::-1])
        _add_other_feeds(membership, items)
        return QueuePage(
            items=items, newer=Cursor.of(items[0], newer=True), older=Cursor.of(items[-1])
        )
    more_older = len(rows) > size
    items = _items(rows[:size])
    _add_other_feeds(membership, items)
    return QueuePage(
        items=items,
        older=Cursor.of(items[-1]) if items and more_older else None,
        newer=_newer_than(items, cursor),
    )


def _newer_than(items: list[TriageItem], cursor: Cursor | None) -> Cursor | None:
    """Where "newer" leads from a page reached through "older": above its first item, or, on
    a page left empty (its items decided, the last one dismissed), above where it starts. A
    newer page that is not full is simply the first one."""
    if cursor is None:
        return None
    if items:
        return Cursor.of(items[0], newer=True)
    return Cursor(published_at=cursor.published_at, pk=cursor.pk, newer=True)


def queue_subscriptions(membership) -> QuerySet[Subscription]:
    """The organisation's feeds, for the queue's feed filter."""
    return visible_subscriptions(membership).order_by("name", "pk")


@dataclass(frozen=True)
class QueueChoices:
    """The queue's feed and area dropdowns as (id, name) pairs."""

    subscriptions: list[tuple[int, str]]
    areas: list[tuple[int, str]]


def queue_choices(membership) -> QueueChoices:
    """The organisation's feeds, and the areas they propose items in (any other area would
    always be empty), cached until the organisation's data changes: two queries of every
    queue page otherwise. Following, renaming or removing a feed changes the data
    (``feed_services``), as writing an area does (``signals.taxonomy_services``)."""

    def read() -> QueueChoices:
        subscriptions = queue_subscriptions(membership)
        areas = visible_areas(membership).filter(
            pk__in=subscriptions.exclude(area=None).values("area_id")
        )
        return QueueChoices(
            subscriptions=list(subscriptions.values_list("pk", "name")),
            areas=list(areas.order_by("name", "pk").values_list("pk", "name")),
        )

    return organization_cached(membership.organization, ("queue_choices", membership.role), read)


def has_subscriptions(membership) -> bool:
    return visible_subscriptions(membership).exists()


def shortcuts_on(user) -> bool:
    """Whether the person's single-key shortcuts are on (they are until turned off)."""

    def build(user_id) -> QuerySet:
        return ShortcutPreference.objects.filter(user_id=user_id).values_list("keyboard_shortcuts")

    found = compiled_rows(ShortcutPreference._default_manager.db, ("shortcuts",), build, (user.pk,))
    return True if not found else found[0][0]
