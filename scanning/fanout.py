"""Putting feeds' new entries into the queues of the organisations that follow them.

One item per story per organisation: an entry whose canonical address, or near-identical title
within a few days, matches an item the organisation already has from another feed joins that
item ("also in: …") instead of making a second one. Two entries of one feed are two stories
whatever they share (a feed may well carry "Trafikstörning" twice, or link every item to its
home page), and a site's root address identifies no story. Keyword rules decide whether a new
item is in the queue (NEW) or kept out (FILTERED); an entry that the rules of its own feed keep
brings a hidden item it joins back (FILTERED is no one's decision). Entries older than the
queue's age make no item at all.

Called inside the transaction that stores a poll batch's changed feeds, so an item and its
entries are stored together or not at all; the unique (organisation, entry) constraint keeps a
retry from placing an entry twice. This runs for every new entry of every feed, so its cost
does not grow with the feeds or the followers in statements: for each part of a batch that
storing sends (``QueuePlacer``; a few hundred entries), one query reads the feeds' followers
with their rules and one the stories they already have (sent with the entries' INSERT), and
one multi-row INSERT each (``core.lib.bulk``) writes the items and their entries, for all
organisations at once.
"""

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from core.lib.bulk import (
    Pending,
    datetime_adapter,
    insert_rows_unread,
    select_rows,
    send_query,
    send_rows,
)

from .models import Entry, Subscription, TriageItem, TriageItemEntry, TriageState
from .rulebook import Follower, followers, followers_query, item_text, rulebook_for

# A near-identical title counts as the same story within this many days of the first.
SAME_STORY_WINDOW = timedelta(days=3)


def queue_cutoff(now: datetime | None = None) -> datetime:
    """Items published before this have left the queue (``SCANNING_QUEUE_MAX_AGE_DAYS``)."""
    return (now or timezone.now()) - timedelta(days=settings.SCANNING_QUEUE_MAX_AGE_DAYS)


def entry_date(entry: Entry) -> datetime:
    return entry.published_at or entry.fetched_at


@dataclass
class QueueReads:
    """What placing feeds' entries reads, sent ahead: the feeds' followers with their rules,
    and the stories they have that the entries could belong to."""

    followers: Pending
    stories: Pending

    def read(self) -> tuple[list[tuple], list[tuple]]:
        """The rows of both reads: (followers, stories)."""
        return self.followers.rows(), self.stories.rows()

    def close(self) -> None:
        self.followers.close()
        self.stories.close()


def queue_reads_send(candidates: Mapping[int, Sequence[Entry]]) -> QueueReads | None:
    """Send the reads for placing entries of feeds that are among ``candidates`` (by feed id:
    all of a document's, stored before or not: sent before anyone knows which are new, they
    share a round trip with the entries' INSERT inside bulk.pipelined()). None if none is
    young enough for the queue."""
    fresh = {feed_id: _fresh(entries) for feed_id, entries in candidates.items()}
    fresh = {feed_id: entries for feed_id, entries in fresh.items() if entries}
    if not fresh:
        return None
    subscription = connection.ops.quote_name(Subscription._meta.db_table)
    feed_ids = list(fresh)
    return QueueReads(
        send_query(*followers_query(feed_ids)),
        send_query(
            *_stories_query(
                f"SELECT organization_id FROM {subscription} "
                f"WHERE feed_id IN ({', '.join(['%s'] * len(feed_ids))}) AND paused = %s",
                [*feed_ids, False],
                [entry for entries in fresh.values() for entry in entries],
            )
        ),
    )


class QueuePlacer:
    """Places a poll batch's new entries in the queues of the organisations that follow their
    feeds (and have not paused them), a part of the batch at a time as storing reads their
    entries back (``place``), so that on PostgreSQL the server writes one part's queue items
    while the next part is parsed. An organisation gets one item per story, also when two
    feeds of the batch carry it, in the same part or not.

    A part's items are sent without waiting for their ids; storing's next turn reads them
    (``read_item_ids``: by then written) and then sends the items' entries
    (``send_item_entries``). Every entry that will join one of a part's new items is planned
    before that: an entry planned after it joins the item by its id."""

    def __init__(self):
        # Per organisation, the stories its items have (read, or new in this batch).
        self._known: defaultdict[int, _Known] = defaultdict(_Known)
        self._plans: list[_Plan] = []
        self._unread: list[tuple[list[_Plan], Pending]] = []
        self._read: list[tuple[list[_Plan], list[int]]] = []

    def place(
        self,
        entries: Mapping[int, Sequence[Entry]],
        rows: tuple[Sequence[tuple], Sequence[tuple]] | None,
    ) -> None:
        """Plan the new entries of feeds (by feed id), with the ``rows`` read for them by
        ``queue_reads_send`` (``QueueReads.read``; or for more), and send their items."""
        fresh = {feed_id: _fresh(feed_entries) for feed_id, feed_entries in entries.items()}
        fresh = {feed_id: feed_entries for feed_id, feed_entries in fresh.items() if feed_entries}
        if not fresh or rows is None:
            return
        follower_rows, story_rows = rows
        _learn_stories(
            self._known, story_rows, [e for feed_entries in fresh.values() for e in feed_entries]
        )
        by_feed = followers(follower_rows)
        plans = [
            _plan(
                follower.organization_id,
                follower.subscription_id,
                feed_id,
                feed_entries,
                follower,
                self._known,
            )
            for feed_id, feed_entries in fresh.items()
            for follower in by_feed.get(feed_id, ())
        ]
        self._plans += plans
        self._unread.append((plans, _send_items(plans)))

    def read_item_ids(self) -> None:
        """Read the ids of the items sent so far."""
        for plans, pending in self._unread:
            self._read.append((plans, [row[0] for row in pending.rows()]))
        self._unread = []

    def send_item_entries(self) -> None:
        """Send the entries of the items whose ids were read; later entries of their stories
        join them by id."""
        for plans, item_ids in self._read:
            _send_links(plans, item_ids)
            # The stories of these items, as later parts' reads will give them back by id.
            for plan in plans:
                items = self._known[plan.organization_id].items
                for item_id, story in zip(plan.item_ids or (), plan.stories, strict=True):
                    items[item_id] = story
        self._read = []

    def waiting(self) -> bool:
        """Whether items were sent whose entries are not."""
        return bool(self._unread or self._read)

    def joined(self) -> set[int]:
        """Ids of the entries that joined an item (of any organisation) rather than starting
        one: the same story seen in another feed."""
        joined: set[int] = set()
        for plan in self._plans:
            joined |= plan.joined()
        return joined

    def close(self) -> None:
        for _plans, pending in self._unread:
            pending.close()


def items_backfill(*, subscription: Subscription) -> int:
    """Put the feed's recent entries into a (new or resumed) subscription's queue: the
    organisation sees what the feed has carried lately, not only what comes after it joined.
    Entries already placed in the organisation are left as they are. Returns items made."""
    entries = list(
        Entry.objects.filter(feed_id=subscription.feed_id)
        .filter(Q(published_at__gte=queue_cutoff()) | Q(published_at=None))
        .exclude(
            pk__in=TriageItemEntry.objects.filter(
                organization_id=subscription.organization_id, entry__feed_id=subscription.feed_id
            ).values("entry_id")
        )
    )
    fresh = _fresh(entries)
    if not fresh:
        return 0
    organization_id = subscription.organization_id
    rules = rulebook_for(organization_id)
    follower = Follower(
        subscription.pk,
        organization_id,
        tuple(rules.general + rules.by_subscription.get(subscription.pk, [])),
    )
    [story_rows] = select_rows(_stories_query("SELECT %s", [organization_id], fresh))
    known = _learn_stories(defaultdict(_Known), story_rows, fresh)
    plan = _plan(organization_id, subscription.pk, subscription.feed_id, fresh, follower, known)
    _send_links([plan], [row[0] for row in _send_items([plan]).rows()])
    return len(plan.new_items)


def _fresh(entries: Iterable[Entry]) -> list[Entry]:
    """The entries young enough for the queue, oldest first (so the first of a story leads)."""
    cutoff = queue_cutoff()
    return sorted((e for e in entries if entry_date(e) >= cutoff), key=entry_date)


@dataclass(eq=False)
class _Plan:
    """What one organisation's queue gets from one feed: new items (their first entry and
    state), the entries of each new item by its position (another feed's of the batch
    included, when it carries the same story), and entries joining items it already has."""

    organization_id: int
    subscription_id: int
    new_items: list[tuple[Entry, str]] = field(default_factory=list)
    new_item_entries: dict[int, list[Entry]] = field(default_factory=lambda: defaultdict(list))
    joins: list[tuple[int, Entry]] = field(default_factory=list)
    # The new items' stories, by position.
    stories: list["_Story"] = field(default_factory=list)
    # Items already sent that an entry joining them brings back from FILTERED.
    restore: list[int] = field(default_factory=list)
    # The new items' ids, once read (their entries are then sent: later entries of their
    # stories join them by id).
    item_ids: list[int] | None = None

    def joined(self) -> set[int]:
        """Ids of the entries that joined an item rather than starting one."""
        return {entry.pk for _item_id, entry in self.joins} | {
            entry.pk for entries in self.new_item_entries.values() for entry in entries[1:]
        }


class _Story:
    """An item, as placing entries matches them against it: the item (``("item", id)``, or
    ``("new", (plan, position))`` for one this batch makes), its state, and the feeds whose
    entries it has (an entry never joins a story its own feed already told)."""

    __slots__ = ("feeds", "ref", "state")

    def __init__(self, ref: tuple, state: str, feeds: set[int]):
        self.ref = ref
        self.state = state
        self.feeds = feeds


@dataclass
class _Known:
    """An organisation's stories: by canonical address, by title fingerprint (with the date
    of each entry, for the window), and those read from the database by item id."""

    by_url: dict[str, list[_Story]] = field(default_factory=dict)
    by_title: dict[str, list[tuple[datetime, _Story]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    items: dict[int, _Story] = field(default_factory=dict)


def _plan(
    organization_id: int,
    subscription_id: int,
    feed_id: int,
    fresh: Sequence[Entry],
    follower: Follower,
    known: defaultdict[int, _Known],
) -> _Plan:
    # The organisation's own, shared by its plans for every feed of the batch: each plan's new
    # items are added to them, so the next feed's entries of the same story join them.
    stories = known[organization_id]
    by_url, by_title = stories.by_url, stories.by_title
    plan = _Plan(organization_id, subscription_id)
    for entry in fresh:
        date = entry_date(entry)
        url = _story_url(entry.canonical_url)
        story = _match(feed_id, url, entry.title_fingerprint, date, by_url, by_title)
        if story is not None:
            story.feeds.add(feed_id)
            kind, ref = story.ref
            if kind == "item":
                item_id = ref
                plan.joins.append((item_id, entry))
            else:
                new_in, position = ref
                if new_in.item_ids is None:
                    item_id = None
                    new_in.new_item_entries[position].append(entry)
                else:
                    item_id = new_in.item_ids[position]
                    plan.joins.append((item_id, entry))
            if story.state == TriageState.FILTERED and follower.kept(
                item_text(entry.title, entry.summary_text)
            ):
                # Another feed's rule hid the story; this feed's rules keep it. Hiding by a
                # rule is no one's decision, so the story is back in the queue.
                story.state = TriageState.NEW
                if item_id is None:
                    first, _state = new_in.new_items[position]
                    new_in.new_items[position] = (first, TriageState.NEW)
                else:
                    plan.restore.append(item_id)
            continue
        position = len(plan.new_items)
        keep = follower.kept(item_text(entry.title, entry.summary_text))
        state = TriageState.NEW if keep else TriageState.FILTERED
        plan.new_items.append((entry, state))
        plan.new_item_entries[position].append(entry)
        story = _Story(("new", (plan, position)), state, {feed_id})
        plan.stories.append(story)
        if url:
            by_url.setdefault(url, []).append(story)
        if entry.title_fingerprint:
            by_title[entry.title_fingerprint].append((date, story))
    return plan


def _send_items(plans: Sequence[_Plan]) -> Pending:
    """Send the plans' new items, for all organisations in one INSERT; ``rows()`` gives their
    ids, in the plans' order."""
    adapt = datetime_adapter()
    now = adapt(timezone.now())
    return send_rows(
        TriageItem,
        _ITEM_COLUMNS,
        [
            (
                plan.organization_id,
                now,
                now,
                entry.pk,
                plan.subscription_id,
                state,
                adapt(entry_date(entry)),
            )
            for plan in plans
            for entry, state in plan.new_items
        ],
    )


def _send_links(plans: Sequence[_Plan], item_ids: Sequence[int]) -> None:
    """Send the entries of the plans' items (new ones, whose ids are ``item_ids``, and those
    they join), for all organisations in one INSERT, read by nobody; and the items that
    joining entries bring back from FILTERED, in one UPDATE (when there are any)."""
    adapt = datetime_adapter()
    now = adapt(timezone.now())
    links = []
    restore = []
    position = 0
    for plan in plans:
        restore += plan.restore
        plan.item_ids = ids = list(item_ids[position : position + len(plan.new_items)])
        position += len(plan.new_items)
        for index, item_entries in plan.new_item_entries.items():
            for entry in item_entries:
                links.append(_link(plan.organization_id, ids[index], entry, now, adapt))
        for item_id, entry in plan.joins:
            links.append(_link(plan.organization_id, item_id, entry, now, adapt))
    insert_rows_unread(TriageItemEntry, _LINK_COLUMNS, links)
    if restore:
        _send_restore(restore, now)


def _send_restore(item_ids: Sequence[int], now) -> None:
    """Bring the items back from FILTERED, read by nobody. Only FILTERED: a person may have
    decided the item (dismissed, promoted) since it was read."""
    match, values = _one_of("id", set(item_ids))
    table = connection.ops.quote_name(TriageItem._meta.db_table)
    send_query(
        f"UPDATE {table} SET state = %s, updated_at = %s WHERE {match} AND state = %s",
        [TriageState.NEW.value, now, values, TriageState.FILTERED.value],
    ).close()


_ITEM_COLUMNS = (
    "organization_id",
    "created_at",
    "updated_at",
    "entry_id",
    "subscription_id",
    "state",
    "published_at",
)
_LINK_COLUMNS = (
    "organization_id",
    "created_at",
    "updated_at",
    "item_id",
    "entry_id",
    "canonical_url",
    "title_fingerprint",
    "published_at",
)


def _link(organization_id: int, item_id: int, entry: Entry, now, adapt) -> tuple:
    return (
        organization_id,
        now,
        now,
        item_id,
        entry.pk,
        entry.canonical_url,
        entry.title_fingerprint,
        adapt(entry_date(entry)),
    )


def _aware(value) -> datetime:
    """A datetime column's value as a raw cursor gives it, as an aware datetime (SQLite gives
    naive UTC, or text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _stories_query(organizations: str, params: list, entries: Sequence[Entry]):
    """The items of the organisations (a subquery giving their ids, and its parameters) that
    these entries could belong to, by canonical address and by title fingerprint within the
    window: every entry of each (with its feed, so an entry never joins a story its own feed
    told), and the item's state. Only items that exist: a row of the queue may outlive its
    item (``models._UNCHECKED``)."""
    urls = {url for e in entries if (url := _story_url(e.canonical_url))}
    titles = {e.title_fingerprint for e in entries if e.title_fingerprint}
    matches = []
    if urls:
        match, values = _one_of("canonical_url", urls)
        matches.append(match)
        params = [*params, values]
    if titles:
        earliest = min(entry_date(e) for e in entries) - SAME_STORY_WINDOW
        match, values = _one_of("title_fingerprint", titles)
        matches.append(f"({match} AND published_at >= %s)")
        params = [*params, values, datetime_adapter()(earliest)]
    quote = connection.ops.quote_name
    table = quote(TriageItemEntry._meta.db_table)
    items = quote(TriageItem._meta.db_table)
    entry_table = quote(Entry._meta.db_table)
    if connection.vendor == "postgresql":
        # Not IN (subquery): PostgreSQL would plan that as a join and read every row of the
        # table; the array is computed first and the indexes are used with it.
        organizations = f"= ANY(ARRAY({organizations}))"
        matched = "= ANY(ARRAY({}))"
    else:
        organizations = f"IN ({organizations})"
        matched = "IN ({})"
    matching = (
        f"SELECT item_id FROM {table} WHERE organization_id {organizations} "
        f"AND ({' OR '.join(matches) or 'FALSE'})"
    )
    return (
        "SELECT l.organization_id, l.canonical_url, l.title_fingerprint, l.published_at, "
        f"l.item_id, i.state, e.feed_id FROM {table} l JOIN {items} i ON i.id = l.item_id "
        f"JOIN {entry_table} e ON e.id = l.entry_id WHERE l.item_id {matched.format(matching)}",
        params,
    )


def _one_of(column: str, values: Iterable[str]) -> tuple[str, object]:
    """``column`` is one of ``values``, with the one parameter that holds them all: a batch's
    entries can be tens of thousands, more than a statement may have parameters (SQLite:
    32,766; PostgreSQL: 65,535). PostgreSQL: an array; SQLite: a JSON array, read by
    json_each(); both still look each value up in the column's index."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", list(values)
    return f"{column} IN (SELECT value FROM json_each(%s))", json.dumps(list(values))


def _learn_stories(
    known: defaultdict[int, _Known], rows: Iterable[tuple], entries: Sequence[Entry]
) -> defaultdict[int, _Known]:
    """``known`` with, per organisation, the stories of the rows of ``_stories_query``, after
    what it had (a story this batch made an item for, then wrote, is read back by its id: it
    stays the story it was)."""
    urls = {url for e in entries if (url := _story_url(e.canonical_url))}
    titles = {e.title_fingerprint for e in entries if e.title_fingerprint}
    for organization_id, url, title, published_at, item_id, state, feed_id in rows:
        stories = known[organization_id]
        story = stories.items.get(item_id)
        if story is None:
            story = stories.items[item_id] = _Story(("item", item_id), state, set())
        story.feeds.add(feed_id)
        if url in urls:
            same = stories.by_url.setdefault(url, [])
            if story not in same:
                same.append(story)
        if title in titles:
            stories.by_title[title].append((_aware(published_at), story))
    return known


def _story_url(canonical: str) -> str:
    """The canonical address as a story's, or "" for a site's root ("//host/"): many feeds
    link every item to their home page, which tells no two stories apart."""
    if not canonical:
        return ""
    return "" if canonical.find("/", 2) == len(canonical) - 1 else canonical


def _match(feed_id: int, url: str, fingerprint: str, date: datetime, by_url, by_title):
    """The story of another feed that the entry (of ``feed_id``) tells too, or None."""
    if url:
        for story in by_url.get(url, ()):
            if feed_id not in story.feeds:
                return story
    if fingerprint:
        for seen_at, story in by_title.get(fingerprint, ()):
            if feed_id not in story.feeds and abs(seen_at - date) <= SAME_STORY_WINDOW:
                return story
    return None
