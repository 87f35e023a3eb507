"""Putting a feed's new entries into the queues of the organisations that follow it.

One item per story per organisation: an entry whose canonical address, or near-identical title
within a few days, matches an item the organisation already has joins that item ("also in:
…") instead of making a second one. Keyword rules decide whether a new item is in the queue
(NEW) or kept out (FILTERED). Entries older than the queue's age make no item at all.

Called inside the poll's transaction, so an item and its entries are stored together or not at
all; the unique (organisation, entry) constraint keeps a retry from placing an entry twice.
Rows are inserted with ``core.lib.bulk.insert_rows``: this runs for every new entry of every
feed, and model instances would be most of its cost.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from core.lib.bulk import db_datetime, insert_rows

from .models import Entry, Subscription, TriageItem, TriageItemEntry, TriageState
from .rulebook import RuleBook, item_text, rulebook_for

# A near-identical title counts as the same story within this many days of the first.
SAME_STORY_WINDOW = timedelta(days=3)


def queue_cutoff(now: datetime | None = None) -> datetime:
    """Items published before this have left the queue (``SCANNING_QUEUE_MAX_AGE_DAYS``)."""
    return (now or timezone.now()) - timedelta(days=settings.SCANNING_QUEUE_MAX_AGE_DAYS)


def entry_date(entry: Entry) -> datetime:
    return entry.published_at or entry.fetched_at


def items_for_new_entries(*, feed_id: int, entries: Sequence[Entry]) -> int:
    """Place new entries of a feed in every organisation that follows it and has not paused
    it. Returns how many of the entries joined an existing item (of any organisation): the
    same story seen in another feed."""
    if not entries:
        return 0
    subscriptions = (
        Subscription.objects.filter(feed_id=feed_id, paused=False)
        .order_by()
        .values_list("pk", "organization_id")
    )
    joined: set[int] = set()
    for subscription_id, organization_id in subscriptions:
        joined |= _place(organization_id, subscription_id, entries, rulebook_for(organization_id))
    return len(joined)


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
    return len(
        _place(
            subscription.organization_id,
            subscription.pk,
            entries,
            rulebook_for(subscription.organization_id),
            count_new=True,
        )
    )


def _place(
    organization_id: int,
    subscription_id: int,
    entries: Iterable[Entry],
    rules: RuleBook,
    count_new: bool = False,
) -> set[int]:
    """Place the entries in one organisation's queue. Returns the ids of the entries that
    joined an existing item (or with ``count_new``, the first entries of new items)."""
    cutoff = queue_cutoff()
    fresh = sorted((e for e in entries if entry_date(e) >= cutoff), key=entry_date)
    if not fresh:
        return set()
    by_url, by_title = _known_stories(organization_id, fresh)

    # Each new item as (first entry, state); its entries by the item's position; joins of
    # entries to items the organisation already has.
    new_items: list[tuple[Entry, str]] = []
    new_item_entries: dict[int, list[Entry]] = defaultdict(list)
    joins: list[tuple[int, Entry]] = []
    for entry in fresh:
        date = entry_date(entry)
        match = _match(entry, date, by_url, by_title)
        if match is not None:
            kind, ref = match
            if kind == "item":
                joins.append((ref, entry))
            else:
                new_item_entries[ref].append(entry)
            continue
        position = len(new_items)
        keep = rules.kept(subscription_id, item_text(entry.title, entry.summary_text))
        new_items.append((entry, TriageState.NEW if keep else TriageState.FILTERED))
        new_item_entries[position].append(entry)
        _remember(entry, date, ("new", position), by_url, by_title)

    now = db_datetime(timezone.now())
    item_ids = insert_rows(
        TriageItem,
        _ITEM_COLUMNS,
        [
            (
                organization_id,
                now,
                now,
                entry.pk,
                subscription_id,
                state,
                db_datetime(entry_date(entry)),
            )
            for entry, state in new_items
        ],
    )
    links = [
        _link(organization_id, item_ids[position], entry, now)
        for position, item_entries in new_item_entries.items()
        for entry in item_entries
    ]
    links += [_link(organization_id, item_id, entry, now) for item_id, entry in joins]
    insert_rows(TriageItemEntry, _LINK_COLUMNS, links)
    if count_new:
        return {entry.pk for entry, _state in new_items}
    return {entry.pk for _item_id, entry in joins} | {
        entry.pk
        for position, item_entries in new_item_entries.items()
        for entry in item_entries[1:]
    }


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


def _link(organization_id: int, item_id: int, entry: Entry, now) -> tuple:
    return (
        organization_id,
        now,
        now,
        item_id,
        entry.pk,
        entry.canonical_url,
        entry.title_fingerprint,
        db_datetime(entry_date(entry)),
    )


def _known_stories(organization_id: int, entries: Sequence[Entry]):
    """The organisation's items these entries could belong to: by canonical address, and by
    title fingerprint (with the dates, for the window)."""
    urls = {e.canonical_url for e in entries if e.canonical_url}
    titles = {e.title_fingerprint for e in entries if e.title_fingerprint}
    earliest = min(entry_date(e) for e in entries) - SAME_STORY_WINDOW
    rows = TriageItemEntry.objects.filter(organization_id=organization_id).filter(
        Q(canonical_url__in=urls) | Q(title_fingerprint__in=titles, published_at__gte=earliest)
    )
    by_url: dict[str, tuple] = {}
    by_title: dict[str, list[tuple[datetime, tuple]]] = defaultdict(list)
    for url, title, published_at, item_id in rows.values_list(
        "canonical_url", "title_fingerprint", "published_at", "item_id"
    ):
        ref = ("item", item_id)
        if url in urls:
            by_url.setdefault(url, ref)
        if title in titles:
            by_title[title].append((published_at, ref))
    return by_url, by_title


def _match(entry: Entry, date: datetime, by_url, by_title):
    if entry.canonical_url and entry.canonical_url in by_url:
        return by_url[entry.canonical_url]
    candidates = by_title.get(entry.title_fingerprint, ()) if entry.title_fingerprint else ()
    for seen_at, ref in candidates:
        if abs(seen_at - date) <= SAME_STORY_WINDOW:
            return ref
    return None


def _remember(entry: Entry, date: datetime, ref: tuple, by_url, by_title) -> None:
    if entry.canonical_url:
        by_url.setdefault(entry.canonical_url, ref)
    if entry.title_fingerprint:
        by_title[entry.title_fingerprint].append((date, ref))
