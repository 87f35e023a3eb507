"""Polling feeds: fetch, parse, store, place in the queues, schedule the next poll.

The same pipeline serves the Celery tasks, "Fetch now", ``manage.py fetch_feed`` and the demo.
Feeds are polled in batches. A feed is polled only by whoever holds its lease, so it is never
fetched by two workers at once: the dispatcher takes the leases of every due feed in one
conditional UPDATE per run and sends them with the batches (``claim_due``, ``poll_leased``);
"Fetch now" and ``manage.py fetch_feed`` take a feed's own (``poll_feeds``; ``poll_feed`` is a
batch of one). Everything the polls learn of the batch's changed feeds is then written in one
transaction (``scanning.storing``), so a worker killed mid-ingest leaves the feeds as they
were, due again once the leases run out.

A poll that finds nothing new costs almost nothing: a 304 answer to the conditional GET, or a
body whose digest is the one stored (``body_digest``), is neither parsed nor written beyond its
share of one UPDATE that records every such feed of the batch.

What a poll writes may be lost in a crash of the database server without harm, so on
PostgreSQL its commits do not wait for the disk (``core.lib.bulk.relax_commit``): the feed's
ETag, hash and time of polling are committed with the entries they describe, so a lost ingest
is a feed whose next poll fetches and stores the same entries again, once. Nothing is lost for
good and nothing is stored twice.
"""

import logging
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from functools import lru_cache

import xxhash
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.lib.bulk import datetime_adapter, update_returning
from core.lib.fetch import BadResponse, FetchError, FetchResult, fetch
from core.lib.text import storable

from . import schedule
from .backfill import backfill_missed
from .errors import NOT_STORABLE, UNHANDLED, describe_fetch_error
from .models import Feed, FeedState, lease_held
from .parsing import FeedParseError, parse_feed
from .storing import ChangedFeed, record_unchanged, release_leases, store_changed

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
    "text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
MAX_REDIRECTS = 5
# The longest address a feed's row holds (Feed.url): a move to a longer one is not followed.
URL_MAX = 2000
# The statuses whose Retry-After a poll honours: "too many requests" and "unavailable".
RETRY_AFTER_STATUSES = frozenset({429, 503})

logger = logging.getLogger(__name__)
# What stops a batch as a whole, never one feed's failure: the task's time is up.
BATCH_STOPS = (SoftTimeLimitExceeded,)


@dataclass(frozen=True)
class PollOutcome:
    status: str  # "ok", "not_modified", "unchanged", "error", "skipped"
    new: int = 0
    duplicates: int = 0
    error: str = ""
    # How long the HTTP exchange took (the publisher's server and the network), and what the
    # poll did with the answer then (parse, store, record): where a poll's time went, for logs
    # and bench/ingest.py.
    fetch_seconds: float = 0.0
    answer_seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return self.status == "error"

    def line(self) -> str:
        """One line for an operator (``manage.py fetch_feed``)."""
        if self.status == "error":
            return f"error: {self.error}"
        if self.status == "skipped":
            return f"skipped: {self.error}"
        if self.status == "not_modified":
            return "unchanged: the server answered 304 Not Modified"
        if self.status == "unchanged":
            return "unchanged: the same document as last time"
        return f"ok: {self.new} new, {self.duplicates} duplicates"


def poll_feed(feed_id: int, *, force: bool = False) -> PollOutcome:
    """Poll a feed if it is due (``force``: now, whatever its schedule and state).

    Safe to call twice and from several workers: only one holds the lease, a poll that is no
    longer due does nothing, and an entry is stored once whatever happens."""
    return poll_feeds([feed_id], force=force).outcomes[feed_id]


@dataclass(frozen=True)
class PolledBatch:
    """What polling a batch of feeds did: each feed's outcome by its id, and how long the
    batch's HTTP exchanges took (the publishers' servers and the network, not ours)."""

    outcomes: dict[int, PollOutcome]
    fetch_seconds: float = 0.0

    def line(self) -> str:
        """One line for the worker's log: "6 feeds: 1 ok, 5 not_modified; 3 new entries"."""
        counts: dict[str, int] = {}
        for outcome in self.outcomes.values():
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        new = sum(outcome.new for outcome in self.outcomes.values())
        statuses = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        return f"{len(self.outcomes)} feeds: {statuses}; {new} new entries"


SKIPPED_HELD = PollOutcome("skipped", error="another worker is fetching this feed")
SKIPPED_NOT_DUE = PollOutcome("skipped", error="not due")


def poll_feeds(feed_ids: Sequence[int], *, force: bool = False) -> PolledBatch:
    """Poll a batch of feeds as ``poll_feed`` polls one (the dispatcher sends feeds in
    batches). What a batch shares is what would otherwise cost every feed a statement of its
    own: one UPDATE takes every lease, and one records every feed found unchanged (a 304, or
    the same body), which is most polls. The feeds are fetched side by side
    (``SCANNING_FETCH_THREADS``), so a slow publisher holds up only itself; the feeds that
    changed are stored together in one transaction (``scanning.storing``)."""
    now = timezone.now()
    ids = list(dict.fromkeys(feed_ids))
    leased = _take_leases(ids, now, due_only=not force)
    outcomes = _not_leased([feed_id for feed_id in ids if feed_id not in leased], now)
    return poll_leased(list(leased.values()), now, outcomes)


def poll_leased(
    due: Sequence["LeasedFeed"], now: datetime, outcomes: dict[int, PollOutcome] | None = None
) -> PolledBatch:
    """Poll feeds whose leases this worker holds: taken by ``poll_feeds``, or by the
    dispatcher for the poll it sent (``claim_due``). ``outcomes``: those of the batch's feeds
    that were not leased, to report with the rest."""
    outcomes = dict(outcomes or {})
    held = {feed.pk for feed in due}
    try:
        started = time.perf_counter()
        answers = _exchanges(list(due))
        fetch_seconds = time.perf_counter() - started
        unchanged: list[tuple[_Unchanged, float, float]] = []
        fetched: list[tuple[_Fetched, float, float]] = []
        # Messages stored for the feed's health are in the site's language, as they are
        # written once and read by everyone.
        with override(settings.LANGUAGE_CODE):
            for feed, answer, seconds in answers:
                answered = time.perf_counter()
                outcome = _settled(feed, now, answer)
                spent = time.perf_counter() - answered
                if isinstance(outcome, _Unchanged):
                    unchanged.append((outcome, seconds, spent))
                elif isinstance(outcome, _Fetched):
                    fetched.append((outcome, seconds, spent))
                else:
                    held.discard(feed.pk)
                    outcomes[feed.pk] = replace(
                        outcome, fetch_seconds=seconds, answer_seconds=spent
                    )
            # The changed feeds' documents are parsed one by one as storing them asks for
            # the next, so the database stores the first ones' entries meanwhile.
            parsing: dict[int, float] = {}
            unparsable: dict[int, str] = {}

            def documents() -> Iterator[ChangedFeed]:
                for each, _seconds, _spent in fetched:
                    started = time.perf_counter()
                    try:
                        change = each.parsed()
                    except FeedParseError as exc:
                        unparsable[each.feed.pk] = str(exc)
                        continue
                    except BATCH_STOPS:
                        raise
                    except Exception:
                        # A document no reader's rule foresaw: this feed's failure, not
                        # its batch's (the batch is still stored, in this transaction).
                        logger.exception("polling feed %s: reading it failed", each.feed.pk)
                        unparsable[each.feed.pk] = str(UNHANDLED)
                        continue
                    finally:
                        parsing[each.feed.pk] = time.perf_counter() - started
                    yield change

            storing = time.perf_counter()
            stored = store_changed(documents(), now)
            # Storing them was one transaction: each took its share.
            share = (time.perf_counter() - storing - sum(parsing.values())) / max(len(stored), 1)
            for each, seconds, spent in fetched:
                pk = each.feed.pk
                spent += parsing.get(pk, 0.0)
                if pk in unparsable:
                    held.discard(pk)
                    failed = _failed(each.feed, now, unparsable[pk], changes=each.changes)
                    outcomes[pk] = replace(failed, fetch_seconds=seconds, answer_seconds=spent)
                    continue
                result = stored[pk]
                if result.refused:
                    held.discard(pk)
                    failed = _failed(each.feed, now, str(NOT_STORABLE))
                    outcomes[pk] = replace(failed, fetch_seconds=seconds, answer_seconds=spent)
                    continue
                outcomes[pk] = (
                    PollOutcome("skipped", error="stored meanwhile by another worker")
                    if result.skipped
                    else PollOutcome(
                        "ok",
                        new=result.new,
                        duplicates=result.duplicates,
                        fetch_seconds=seconds,
                        answer_seconds=spent + share,
                    )
                )
            recording = time.perf_counter()
            _record_unchanged([each for each, _s, _a in unchanged], now)
            held.clear()
        if unchanged:
            # Recording them was one statement: each of them took its share.
            share = (time.perf_counter() - recording) / len(unchanged)
            for each, seconds, answer_seconds in unchanged:
                outcomes[each.feed.pk] = PollOutcome(
                    each.status, fetch_seconds=seconds, answer_seconds=answer_seconds + share
                )
        # After the unchanged feeds' share is taken: this is the changed feeds' work.
        if stored:
            _backfill_missed(stored)
    except BaseException:
        release_leases(held)
        raise
    return PolledBatch(outcomes, fetch_seconds)


@dataclass(slots=True)
class LeasedFeed:
    """A feed as a poll reads it, while this worker holds its lease: the poll needs these
    values, not a model instance for each feed of a batch. Each field is the model field of
    its name (``_POLL_READS``)."""

    id: int
    url: str
    title: str
    site_url: str
    state: str
    etag: str
    last_modified: str
    content_hash: str
    poll_interval: int
    failing_since: datetime | None
    consecutive_failures: int

    @property
    def pk(self) -> int:
        return self.id

    def message(self) -> dict:
        """The feed as the dispatcher sends it to the worker that polls it (JSON; by name,
        so a message still queued when a release changes the fields is read right)."""
        values = {name: getattr(self, name) for name in ("id", *_POLL_READS)}
        if self.failing_since:
            values["failing_since"] = self.failing_since.isoformat()
        return values

    @classmethod
    def from_message(cls, values: dict) -> "LeasedFeed":
        # Only the names this release reads: a message sent by another release (a dispatcher
        # upgraded before its workers) may carry others.
        read = {name: values[name] for name in ("id", *_POLL_READS) if name in values}
        since = read.get("failing_since")
        return cls(**{**read, "failing_since": datetime.fromisoformat(since) if since else None})


# What a poll reads of the feed as it takes the lease: LeasedFeed's fields after the id, in
# their order, which is the order of the rows' values (``_take_leases``), so the two cannot
# drift apart.
_POLL_READS = tuple(field.name for field in fields(LeasedFeed))[1:]


def claim_due(due: QuerySet, now: datetime) -> list[LeasedFeed]:
    """For the dispatcher: the leases of the feeds ``due`` selects (their keys, ordered and
    sliced) that are due and free, taken for the polls it sends (their values go in the
    message, ``LeasedFeed.message``), so that a worker polling a batch need not take them
    itself: the batch's one round trip to the database before its fetches, and every feed's
    second write of its row each poll, saved. One statement chooses, leases and reads them.
    Such a lease lasts as long as a poll may wait in the broker's queue
    (SCANNING_DISPATCH_GRACE_SECONDS; an older one is dropped unstarted) and then hold its
    feeds (SCANNING_LEASE_SECONDS), so the feed is polled by that poll or by none; once it
    runs out, the feed is due again, as after a worker killed mid-poll."""
    lasts = settings.SCANNING_DISPATCH_GRACE_SECONDS + settings.SCANNING_LEASE_SECONDS
    claimed = _take_leases(due, now, due_only=True, seconds=lasts, queued_at=now)
    return list(claimed.values())


def reclaim(feeds: Sequence[LeasedFeed], claimed_at: datetime, now: datetime) -> list[LeasedFeed]:
    """The feeds of a dispatched poll that are still that poll's to fetch, read anew: for a
    poll that may have run before (a redelivered message: its worker died midway), whose
    first run already recorded some of them and released their leases. A feed still holds
    the dispatcher's lease of that run (``queued_at``) until a poll records it; those that
    do are leased again here, as ``poll_feeds`` leases."""
    ids = [feed.pk for feed in feeds]
    return list(_take_leases(ids, now, due_only=False, held_since=claimed_at).values())


def _take_leases(
    feeds: list[int] | QuerySet,
    now: datetime,
    *,
    due_only: bool,
    seconds: int | None = None,
    queued_at: datetime | None = None,
    held_since: datetime | None = None,
) -> dict[int, LeasedFeed]:
    """The feeds leased to this worker, by id: those of ``feeds`` (ids, or a queryset of
    them) that no other worker holds and (``due_only``) that are active and due. One UPDATE
    that also reads the rows, committed at once (not waiting for the disk: a lease lost in
    a database crash only lets the feed be polled again). Whether a feed is due is asked
    there too, so one that is not is neither leased nor released, and its schedule never
    read here. ``seconds``: how long the lease lasts (SCANNING_LEASE_SECONDS);
    ``queued_at``: the dispatcher's run that takes it (``claim_due``); ``held_since``: not
    free feeds but those still held by that run (``reclaim``)."""
    adapt = datetime_adapter()
    lease = now + timedelta(seconds=seconds or settings.SCANNING_LEASE_SECONDS)
    sets = {"lease_until": adapt(lease)}
    if queued_at is not None:
        sets["queued_at"] = adapt(queued_at)
    if held_since is None:
        only_if, params = "(lease_until IS NULL OR lease_until < %s)", [adapt(now)]
    else:
        only_if, params = "queued_at = %s AND lease_until >= %s", [adapt(held_since), adapt(now)]
    if due_only:
        only_if += " AND state = %s AND next_poll_at <= %s"
        params += [FeedState.ACTIVE.value, adapt(now)]
    leased = update_returning(
        Feed,
        feeds,
        sets,
        fields=_POLL_READS,
        only_if=only_if,
        only_if_params=params,
        relaxed=True,
        as_rows=True,
    )
    # The rows' values are in _POLL_READS' order, which is LeasedFeed's.
    return {row[0]: LeasedFeed(*row) for row in leased}


def _not_leased(feed_ids: list[int], now: datetime) -> dict[int, PollOutcome]:
    """Why each feed was not leased: another worker holds it, or it is not due (or no longer
    exists). Nothing is written: a lease not held has run out, and counts as free already.
    Rare: the dispatcher sends due feeds with their leases taken."""
    if not feed_ids:
        return {}
    leases = dict(Feed.objects.filter(pk__in=feed_ids).values_list("pk", "lease_until"))
    held = {pk for pk, until in leases.items() if lease_held(until, now)}
    return {pk: SKIPPED_HELD if pk in held else SKIPPED_NOT_DUE for pk in feed_ids}


def _exchange(feed: LeasedFeed) -> tuple[LeasedFeed, FetchResult | FetchError, float]:
    """The feed's HTTP exchange (a conditional GET): its result or its error, and how long it
    took. Touches no database, so it may run in a thread of its own."""
    headers = {"Accept": ACCEPT}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    started = time.perf_counter()
    try:
        answer: FetchResult | FetchError = fetch(
            feed.url,
            max_bytes=settings.SCANNING_MAX_FEED_BYTES,
            timeout=settings.SCANNING_FETCH_TIMEOUT,
            headers=headers,
            max_redirects=MAX_REDIRECTS,
            decompress=True,
        )
    except FetchError as exc:
        answer = exc
    except BATCH_STOPS:
        raise
    except Exception as exc:
        # fetch() makes every failure it knows a FetchError; this is one nobody foresaw, and
        # it is this feed's, not its batch's. (Logged where the batch settles its answers.)
        answer = exc
    return feed, answer, time.perf_counter() - started


def _exchanges(
    feeds: list[LeasedFeed],
) -> list[tuple[LeasedFeed, FetchResult | FetchError, float]]:
    """Every feed's exchange, side by side in threads when there are several, in order."""
    threads = min(len(feeds), settings.SCANNING_FETCH_THREADS)
    if threads <= 1:
        return [_exchange(feed) for feed in feeds]
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="poll") as pool:
        return list(pool.map(_exchange, feeds))


@dataclass(frozen=True)
class _Unchanged:
    """A feed found unchanged, to be recorded with the batch's others in one statement."""

    feed: LeasedFeed
    status: str  # "not_modified" or "unchanged"
    minimum: int  # the publisher's minimum interval, in seconds (its Cache-Control)


def _settled(feed: LeasedFeed, now: datetime, answer) -> "PollOutcome | _Unchanged | _Fetched":
    """``_settle``, where anything it did not foresee in the answer fails this feed alone (as
    any other error, backing off) and is logged, rather than failing the batch, which would
    then be sent again as it is, and fail again, at every dispatch."""
    failure = answer  # the exchange's own failure, that fetch() did not foresee
    if isinstance(answer, FetchResult | FetchError):
        try:
            return _settle(feed, now, answer)
        except BATCH_STOPS:
            raise
        except Exception as exc:
            failure = exc
    logger.error("polling feed %s: its answer could not be handled", feed.pk, exc_info=failure)
    return _failed(feed, now, str(UNHANDLED))


def _settle(feed: LeasedFeed, now: datetime, answer) -> "PollOutcome | _Unchanged | _Fetched":
    """What the answer means for the feed, recorded if it failed; a feed unchanged, or
    changed, is recorded, or stored, with the batch's others."""
    if isinstance(answer, FetchError):
        # In English, with what the server sent, for the operator; the feed's health gets a
        # sentence in words (describe_fetch_error).
        logger.info("polling feed %s: %s", feed.pk, answer)
    if isinstance(answer, BadResponse):
        if answer.status == 410:
            return _gone(feed, now)
        wait = answer.retry_after if answer.status in RETRY_AFTER_STATUSES else None
        return _failed(feed, now, describe_fetch_error(answer), retry_after=wait)
    if isinstance(answer, FetchError):
        return _failed(feed, now, describe_fetch_error(answer))
    return _answered(feed, now, answer)


def body_digest(body: bytes) -> str:
    """What tells a body from the one stored last time: a 128-bit XXH3 (32 hex digits). Not
    a cryptographic hash: nobody gains from making two feed documents collide, and this one
    costs a thirtieth of SHA-256 on every poll that brings a body. (A feed last stored under
    another digest is parsed once more, finding its entries stored.)"""
    return xxhash.xxh3_128_hexdigest(body)


@dataclass(frozen=True)
class _Fetched:
    """A feed that brought a new document: parsed when storing the batch asks for it.
    ``changes``: what the poll learnt of the feed whether or not the document parses (a new
    address)."""

    feed: LeasedFeed
    result: FetchResult
    digest: str
    changes: dict
    cache_control: str | None

    def parsed(self) -> ChangedFeed:
        """The feed to store, its document parsed; FeedParseError if it cannot be."""
        result = self.result
        parsed = parse_feed(
            result.body, url=result.url, content_type=result.content_type, charset=result.charset
        )
        learnt = {
            **self.changes,
            "etag": storable(result.headers.get("ETag") or "")[:500],
            "last_modified": storable(result.headers.get("Last-Modified") or "")[:100],
            "content_hash": self.digest,
        }
        return ChangedFeed(self.feed, parsed, learnt, self.cache_control)


def _answered(
    feed: LeasedFeed, now: datetime, result: FetchResult
) -> "PollOutcome | _Unchanged | _Fetched":
    changes: dict = {}
    moved = result.moved_to and result.moved_to != feed.url and _storable_url(result.moved_to)
    # Another feed may already have the new address; then both stay as they are.
    if moved and not Feed.objects.filter(url=result.moved_to).exclude(pk=feed.pk).exists():
        changes["url"] = result.moved_to
    cache_control = result.headers.get("Cache-Control")
    if result.not_modified:
        return _unchanged(feed, now, "not_modified", changes, cache_control)

    digest = body_digest(result.body)
    if digest == feed.content_hash:
        return _unchanged(feed, now, "unchanged", changes, cache_control)
    return _Fetched(feed, result, digest, changes, cache_control)


def _storable_url(url: str) -> bool:
    """Whether a feed's row can hold the address it moved to: one longer than the column,
    or with a character no column holds, is not followed (the old address still answers)."""
    return len(url) <= URL_MAX and storable(url) == url


@lru_cache(maxsize=256)
def _publisher_minimum(cache_control: str | None) -> int:
    """``schedule.publisher_minimum`` of an answer's Cache-Control, in seconds: most polls of
    a publisher's feeds share it."""
    return int(schedule.publisher_minimum(None, cache_control).total_seconds())


def _unchanged(feed, now, status, changes, cache_control) -> "PollOutcome | _Unchanged":
    minimum = _publisher_minimum(cache_control)
    if changes:  # a new address (301, 308): rare, recorded at once with it
        _with_new_address(
            changes, lambda learnt: record_unchanged([(feed.pk, minimum)], now, changes=learnt)
        )
        return PollOutcome(status)
    return _Unchanged(feed, status, minimum)


def _backfill_missed(stored) -> None:
    """The queues of subscriptions added or resumed while this poll was under way, filled
    with what it stored (``scanning.backfill``). The polls are recorded already: should this
    fail, the subscriptions stay marked, and a later poll of the feed fills them."""
    try:
        backfill_missed(stored)
    except BATCH_STOPS:
        raise
    except Exception:
        logger.exception("placing entries missed by subscriptions of feeds %s", list(stored))


def _record_unchanged(unchanged: list[_Unchanged], now: datetime) -> None:
    """Record the successful polls of feeds found unchanged and release their leases: one
    statement for them all (``record_unchanged``), its commit not waiting for the disk."""
    record_unchanged([(each.feed.pk, each.minimum) for each in unchanged], now)


def _failed(feed, now, message: str, *, retry_after=None, changes=None) -> PollOutcome:
    # An error may quote what a server sent (an address with a NUL in it).
    message = storable(message)
    failures = feed.consecutive_failures + 1
    failing_since = feed.failing_since or now
    interval = schedule.interval_after_failure(failures, retry_after)
    state = FeedState.ACTIVE
    if now - failing_since >= timedelta(days=settings.SCANNING_FAILING_AFTER_DAYS):
        state = FeedState.FAILING
        message = _("%(error)s Polling is paused: the feed has failed since %(date)s.") % {
            "error": message,
            "date": timezone.localtime(failing_since).strftime("%Y-%m-%d"),
        }
    failure = {
        "state": state,
        "last_polled_at": now,
        "last_error": message,
        "last_error_at": now,
        "consecutive_failures": failures,
        "failing_since": failing_since,
        "next_poll_at": now + interval,
        "lease_until": None,
        "queued_at": None,
    }
    _with_new_address(
        changes or {}, lambda learnt: Feed.objects.filter(pk=feed.pk).update(**learnt, **failure)
    )
    return PollOutcome("error", error=message)


def _with_new_address(changes: dict, write) -> None:
    """``write(changes)``, or, should another feed have taken the new address (``url``)
    since this poll checked it was free (``_answered``), ``write`` without it: both feeds
    then stay as they are."""
    try:
        write(changes)
    except IntegrityError:
        write({name: value for name, value in changes.items() if name != "url"})


def _gone(feed: LeasedFeed, now: datetime) -> PollOutcome:
    message = _(
        "The publisher has removed this feed (410 Gone), so it is no longer polled. Resume "
        "polling if it comes back."
    )
    Feed.objects.filter(pk=feed.pk).update(
        state=FeedState.GONE,
        last_polled_at=now,
        last_error=message,
        last_error_at=now,
        lease_until=None,
        queued_at=None,
    )
    return PollOutcome("error", error=message)
