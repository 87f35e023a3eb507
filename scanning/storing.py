"""Storing what polls found in changed feeds: a batch's changed feeds in one transaction.

Every feed of a poll batch that brought a new document is stored with the others in one
transaction: their entries in a few INSERTs sent while the documents are still being parsed
(``scanning.ingest.EntrySender``), the queue's reads in one query each, the queue items and
their entries in one INSERT each, and the feeds' records of their polls in one UPDATE. On
PostgreSQL the statements are pipelined (``core.lib.bulk.pipelined``): the batch costs about
four round trips to the database and one commit, however many feeds changed, where storing
each feed on its own cost every feed five and a commit, and the server stores the entries on
its own core while this one parses (see bench/ingest.py).

Everything a poll learns of a feed is written in that transaction, so a worker killed
mid-ingest leaves the feeds as they were, due again once their leases run out. Its commit does
not wait for the disk (``core.lib.bulk.relax_commit``; why that is safe: ``scanning.polling``).
"""

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import chain
from typing import Protocol

from django.db import DataError, IntegrityError, connection, transaction

from core.lib.bulk import (
    check_as_written,
    datetime_adapter,
    pipelined,
    relax_commit,
    update_alike,
    update_rows,
)

from . import schedule
from .fanout import QueuePlacer, QueueReads, queue_reads_send
from .ingest import EntrySender, SentEntries, StoredEntry
from .models import Feed, FeedState
from .parsing import ParsedFeed

logger = logging.getLogger(__name__)


class PolledFeed(Protocol):
    """What storing reads of a feed: a ``Feed``, or one as a poll leased it."""

    @property
    def pk(self) -> int: ...

    @property
    def title(self) -> str: ...

    @property
    def site_url(self) -> str: ...


@dataclass(frozen=True)
class ChangedFeed:
    """A feed whose poll brought a document to store: the feed (a model instance, or as a
    poll leased it), the document parsed, what else the poll learnt of the feed (its ETag,
    Last-Modified, the body's hash, a new address) and the answer's Cache-Control."""

    feed: PolledFeed
    parsed: ParsedFeed
    changes: dict = field(default_factory=dict)
    cache_control: str | None = None


@dataclass(frozen=True)
class Stored:
    """What storing a changed feed did: entries new to every organisation, and entries the
    feed carried before or that joined a story an organisation had (``duplicates``);
    ``skipped`` if another writer stored it meanwhile, ``refused`` if the database refused its
    values (see ``store_changed``)."""

    new: int = 0
    duplicates: int = 0
    skipped: bool = False
    refused: bool = False


def store_parsed(feed: PolledFeed, parsed: ParsedFeed, now: datetime, **kwargs) -> Stored:
    """Store one parsed document (``store_changed`` for one feed): how the demo ingests its
    bundled files without fetching, and what ``ChangedFeed``'s fields are."""
    return store_changed([ChangedFeed(feed, parsed, **kwargs)], now)[feed.pk]


def store_changed(changed: Iterable[ChangedFeed], now: datetime) -> dict[int, Stored]:
    """Store the feeds' new entries, place them in the queues and schedule each feed's next
    poll (releasing its lease), all in one transaction. By feed id, what each stored.

    ``changed`` is read one feed at a time, inside the transaction: given as a generator that
    parses each feed's document when asked for it (as a poll batch does), PostgreSQL stores
    the first feeds' entries while the next are parsed."""
    feeds = iter(changed)
    first = next(feeds, None)
    if first is None:
        return {}
    feeds = chain([first], feeds)
    taken: list[ChangedFeed] = []
    try:
        return _store_together(feeds, taken, now)
    except (IntegrityError, DataError) as error:
        # Not expected: a second writer that ignored the lease waits for our entries and
        # leaves them out, only a poll's own new entries get queue items, and the readers
        # leave out what no column holds. Should the database still refuse a row, nothing of
        # the batch was stored; each feed is then stored on its own, so only the feed that
        # caused it waits for its next poll: released (a constraint: another writer's row
        # may be why), or failed as the caller records it (a value: it would be refused
        # again).
        every = [*taken, *feeds]
        if len(every) > 1:
            return {pk: stored for one in every for pk, stored in store_changed([one], now).items()}
        pk = every[0].feed.pk
        if isinstance(error, DataError):
            logger.exception("storing feed %s: the database refused its values", pk)
            return {pk: Stored(refused=True)}
        release_leases([pk])
        return {pk: Stored(skipped=True)}


def _store_together(
    feeds: Iterator[ChangedFeed], taken: list[ChangedFeed], now: datetime
) -> dict[int, Stored]:
    # The work goes in parts of SEND_EVERY entries or more, as the documents are parsed
    # (``_Parts``). Pipelined on PostgreSQL, so the server stores one part while this core
    # parses the next. (COMMIT comes after the pipeline: inside it, psycopg would spend two
    # more round trips on the transaction's state.) ``taken``: the feeds read so far, for
    # the caller should this fail.
    with transaction.atomic(), pipelined():
        relax_commit()
        check_as_written()
        parts = _Parts(EntrySender(now))
        try:
            for each in feeds:
                taken.append(each)
                if parts.sender.add(each.feed.pk, each.parsed.entries):
                    parts.turn(send=True)
            parts.finish()
        except BaseException:
            parts.close()
            raise
        stored = parts.stored
        _record(taken, now, {pk: bool(entries) for pk, (entries, _a) in stored.items()})
    joined = parts.placer.joined()
    result = {}
    for feed_id, (entries, already) in stored.items():
        feed_joined = sum(1 for entry in entries if entry.pk in joined)
        result[feed_id] = Stored(new=len(entries) - feed_joined, duplicates=already + feed_joined)
    return result


class _Parts:
    """A batch's entries and queue items, written a part at a time, in turns. Each turn
    first reads what the turn before sent (the server wrote it while this part was parsed):
    that part's entries' ids, the queue's reads for them, the ids of the items it sent. Then
    it sends this part's entries with the queue's reads for them, the entries of the items
    whose ids it read, and the part it read, placed in the queues (its items).

    Reading comes first because in a pipeline a read waits for every statement sent before
    it (psycopg reads the results in order): read after this part's entries were sent, it
    would also wait for the server to store those, and this core for it, every turn."""

    def __init__(self, sender: EntrySender):
        self.sender = sender
        self.placer = QueuePlacer()
        # By feed: its entries that were new, now stored, and how many it had stored before.
        self.stored: dict[int, tuple[list[StoredEntry], int]] = {}
        self._sent: tuple[SentEntries, QueueReads | None] | None = None

    def turn(self, *, send: bool) -> None:
        """Read what the last turn sent; send the entries waiting (if ``send``), the entries
        of the items read, and the part read, placed."""
        read = self._read_sent()
        self.placer.read_item_ids()
        if send:
            self._send()
        self.placer.send_item_entries()
        if read is not None:
            self.placer.place(*read)

    def finish(self) -> None:
        """Send what is waiting, then turn until every part is placed and every item's
        entries are sent."""
        self.turn(send=True)
        while self._sent is not None or self.placer.waiting():
            self.turn(send=False)

    def close(self) -> None:
        if self._sent is not None:
            part, reads = self._sent
            part.close()
            if reads is not None:
                reads.close()
        self.placer.close()

    def _send(self) -> None:
        part = self.sender.send()
        if part is None:
            return
        reads = queue_reads_send(
            {pk: [candidate for _key, candidate in c] for pk, c in part.candidates.items()}
        )
        self._sent = (part, reads)

    def _read_sent(self):
        """The part sent last turn, read: its new entries by feed, and the queue's rows for
        them (None if none of its entries is young enough for the queue)."""
        if self._sent is None:
            return None
        part, reads = self._sent
        self._sent = None
        try:
            placed = part.stored()
            rows = reads.read() if reads is not None else None
        except BaseException:
            if reads is not None:
                reads.close()
            raise
        self.stored.update(placed)
        return {pk: entries for pk, (entries, _a) in placed.items()}, rows


def _record(changed: Sequence[ChangedFeed], now: datetime, has_new: dict[int, bool]) -> None:
    """Record each feed's successful poll, with what its poll learnt of it."""
    polls = []
    for each in changed:
        parsed, feed = each.parsed, each.feed
        interval = schedule.interval_after_success(
            (entry.published_at for entry in parsed.entries),
            parsed.ttl_minutes,
            each.cache_control,
        )
        learnt = {
            **each.changes,
            "title": feed.title or parsed.title[:300],
            "site_url": parsed.site_url if len(parsed.site_url) <= 2000 else feed.site_url,
        }
        if has_new[feed.pk]:
            learnt["last_new_entry_at"] = now
        polls.append((feed.pk, interval, learnt))
    record_polls(polls, now)


def record_polls(polls: Sequence[tuple[int, timedelta, dict]], now: datetime) -> None:
    """Record successful polls that brought documents and release their leases: each (feed
    id, its next interval, the columns its poll learnt), in one UPDATE for the feeds whose
    polls learnt the same columns (most often all of them)."""
    adapt = datetime_adapter()
    # By the columns the polls learnt (most often none but their schedule): each feed's row.
    groups: dict[tuple[str, ...], list[tuple]] = defaultdict(list)
    for feed_id, interval, learnt in polls:
        groups[tuple(learnt)].append(
            (
                feed_id,
                *(adapt(v) if isinstance(v, datetime) else v for v in learnt.values()),
                int(interval.total_seconds()),
                adapt(schedule.with_jitter(now, interval)),
            )
        )
    same = _success_values(now, adapt)
    for learnt_columns, rows in groups.items():
        columns = (*learnt_columns, *_SCHEDULE_COLUMNS)
        update_rows(Feed, columns, rows, same=same)


# What every successful poll writes of its own after what it learnt: its next schedule.
_SCHEDULE_COLUMNS = ("poll_interval", "next_poll_at")


def record_unchanged(
    polls: Sequence[tuple[int, int]], now: datetime, *, changes: dict | None = None
) -> None:
    """Record successful polls that found their feeds unchanged (a 304, or the same body) and
    release their leases: each (feed id, the publisher's minimum interval in seconds,
    ``schedule.publisher_minimum``), with the columns they learnt (``changes``: a new
    address). A feed's next interval follows from its previous one, so the database
    computes it from the row (``schedule.unchanged_interval_sql``): the polls with the same
    minimum, most often all of a batch, are one UPDATE with no value of each feed's own.
    Each a statement of its own, its commit not waiting for the disk (``relax_commit``)."""
    by_minimum: dict[int, list[int]] = defaultdict(list)
    for feed_id, minimum in polls:
        by_minimum[minimum].append(feed_id)
    adapt = datetime_adapter()
    vendor = connection.vendor
    interval = schedule.unchanged_interval_sql(vendor)
    computed = {"poll_interval": interval, "next_poll_at": schedule.next_poll_sql(vendor, interval)}
    values = {**(changes or {}), **_success_values(now, adapt)}
    for minimum, feed_ids in by_minimum.items():
        update_alike(
            Feed,
            feed_ids,
            values,
            computed=computed,
            # The interval's minimum, then the next poll's moment and its interval's minimum.
            computed_params=[minimum, adapt(now), minimum],
            relaxed=True,
        )


def _success_values(now: datetime, adapt) -> dict:
    """What every successful poll records alike, lease released."""
    return {
        "state": FeedState.ACTIVE.value,
        "last_polled_at": adapt(now),
        "last_success_at": adapt(now),
        "consecutive_failures": 0,
        "failing_since": None,
        "lease_until": None,
        "queued_at": None,
    }


def release_leases(feed_ids) -> None:
    if feed_ids:
        Feed.objects.filter(pk__in=list(feed_ids)).update(lease_until=None, queued_at=None)
