"""Polling one feed: fetch, parse, store, place in the queues, schedule the next poll.

The same pipeline serves the Celery task, "Fetch now", ``manage.py fetch_feed`` and the demo.
A worker first takes the feed's lease with one conditional UPDATE, so a feed is never fetched
by two workers at once; everything the poll learns is then written in one transaction, so a
worker killed mid-ingest leaves the feed as it was, due again once the lease runs out.

A poll that finds nothing new costs almost nothing: a 304 answer to the conditional GET, or a
body whose SHA-256 is the one stored, is neither parsed nor written beyond one UPDATE of the
feed's row.

What a poll writes may be lost in a crash of the database server without harm, so on
PostgreSQL its commits do not wait for the disk (``core.lib.bulk.relax_commit``): the feed's
ETag, hash and time of polling are committed with the entries they describe, so a lost ingest
is a feed whose next poll fetches and stores the same entries again, once. Nothing is lost for
good and nothing is stored twice.
"""

import hashlib
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.lib.bulk import (
    datetime_adapter,
    pipelined,
    relax_commit,
    update_one,
    update_one_returning,
)
from core.lib.fetch import BadResponse, FetchError, FetchResult, fetch

from . import schedule
from .errors import describe_fetch_error
from .fanout import items_for_new_entries, queue_reads_send
from .ingest import entries_send
from .models import Feed, FeedState
from .parsing import FeedParseError, ParsedFeed, parse_feed

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
    "text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
MAX_REDIRECTS = 5


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
        return f"ok: {self.new} new, {self.duplicates} duplicates"


def poll_feed(feed_id: int, *, force: bool = False) -> PollOutcome:
    """Poll a feed if it is due (``force``: now, whatever its schedule and state).

    Safe to call twice and from several workers: only one holds the lease, a poll that is no
    longer due does nothing, and an entry is stored once whatever happens."""
    now = timezone.now()
    feed = _take_lease(feed_id, now)
    if feed is None:
        return PollOutcome("skipped", error="another worker is fetching this feed")
    try:
        if not force and (feed.state != FeedState.ACTIVE or feed.next_poll_at > now):
            _release(feed_id)
            return PollOutcome("skipped", error="not due")
        # Messages stored for the feed's health are in the site's language, as they are
        # written once and read by everyone.
        with override(settings.LANGUAGE_CODE):
            return _poll(feed, now)
    except BaseException:
        _release(feed_id)
        raise


# What a poll reads of the feed (another field would be loaded when first read).
_POLL_READS = (
    "url",
    "title",
    "site_url",
    "state",
    "etag",
    "last_modified",
    "content_hash",
    "next_poll_at",
    "poll_interval",
    "failing_since",
    "consecutive_failures",
)


def _take_lease(feed_id: int, now: datetime) -> Feed | None:
    """The feed, leased to this worker; None if another holds it. One UPDATE that also reads
    the row, committed at once (not waiting for the disk: a lease lost in a database crash
    only lets the feed be polled again)."""
    adapt = datetime_adapter()
    lease = now + timedelta(seconds=settings.SCANNING_LEASE_SECONDS)
    return update_one_returning(
        Feed,
        feed_id,
        {"lease_until": adapt(lease)},
        fields=_POLL_READS,
        only_if="lease_until IS NULL OR lease_until < %s",
        only_if_params=[adapt(now)],
        relaxed=True,
    )


def _release(feed_id: int) -> None:
    Feed.objects.filter(pk=feed_id).update(lease_until=None, queued_at=None)


def _poll(feed: Feed, now: datetime) -> PollOutcome:
    headers = {"Accept": ACCEPT}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    started = time.perf_counter()
    try:
        result = fetch(
            feed.url,
            max_bytes=settings.SCANNING_MAX_FEED_BYTES,
            timeout=settings.SCANNING_FETCH_TIMEOUT,
            headers=headers,
            max_redirects=MAX_REDIRECTS,
            decompress=True,
        )
    except BadResponse as exc:
        answered = time.perf_counter()
        if exc.status == 410:
            outcome = _gone(feed, now)
        else:
            outcome = _failed(feed, now, describe_fetch_error(exc), retry_after=exc.retry_after)
    except FetchError as exc:
        answered = time.perf_counter()
        outcome = _failed(feed, now, describe_fetch_error(exc))
    else:
        answered = time.perf_counter()
        outcome = _answered(feed, now, result)
    return replace(
        outcome,
        fetch_seconds=answered - started,
        answer_seconds=time.perf_counter() - answered,
    )


def _answered(feed: Feed, now: datetime, result: FetchResult) -> PollOutcome:
    changes: dict = {}
    moved = result.moved_to and result.moved_to != feed.url
    # Another feed may already have the new address; then both stay as they are.
    if moved and not Feed.objects.filter(url=result.moved_to).exclude(pk=feed.pk).exists():
        changes["url"] = result.moved_to
    cache_control = result.headers.get("Cache-Control")
    if result.not_modified:
        return _unchanged(feed, now, "not_modified", changes, cache_control)

    digest = hashlib.sha256(result.body).hexdigest()
    if digest == feed.content_hash:
        return _unchanged(feed, now, "unchanged", changes, cache_control)
    try:
        parsed = parse_feed(
            result.body, url=result.url, content_type=result.content_type, charset=result.charset
        )
    except FeedParseError as exc:
        return _failed(feed, now, str(exc), changes=changes)

    changes.update(
        etag=(result.headers.get("ETag") or "")[:500],
        last_modified=(result.headers.get("Last-Modified") or "")[:100],
        content_hash=digest,
    )
    return store_parsed(feed, parsed, now, changes=changes, cache_control=cache_control)


def store_parsed(
    feed: Feed, parsed: ParsedFeed, now: datetime, *, changes=None, cache_control=None
) -> PollOutcome:
    """Store a parsed document's new entries, place them in the queues and schedule the next
    poll, in one transaction. Also how the demo ingests its bundled files without fetching."""
    changes = dict(changes or {})
    interval = schedule.interval_after_success(
        (entry.published_at for entry in parsed.entries), parsed.ttl_minutes, cache_control
    )
    changes.update(
        title=feed.title or parsed.title[:300],
        site_url=parsed.site_url if len(parsed.site_url) <= 2000 else feed.site_url,
    )
    try:
        # On PostgreSQL, pipelined: statements whose answers nothing waits for (SET, the
        # queue items' entries, the feed's UPDATE) share the round trips of those whose
        # answers are read; the reads for the queue go with the entries' INSERT. Five round
        # trips in all, where there were nine. (COMMIT comes after the pipeline: inside it,
        # psycopg would spend two more round trips on the transaction's state.)
        with transaction.atomic(), pipelined():
            relax_commit()  # see the module's docstring
            sent = entries_send(feed, parsed.entries, now)
            reads = queue_reads_send(feed.pk, sent.candidates)
            entries, already = sent.stored()
            joined = items_for_new_entries(feed_id=feed.pk, entries=entries, reads=reads)
            if entries:
                changes["last_new_entry_at"] = now
            _succeeded(feed, now, interval, changes)
    except IntegrityError:
        # Not expected: a second writer that ignored the lease waits for our entries and
        # leaves them out, and only a poll's own new entries get queue items. Should a
        # constraint still refuse a row, the whole poll is rolled back and the next one finds
        # the feed as it was.
        _release(feed.pk)
        return PollOutcome("skipped", error="stored meanwhile by another worker")
    return PollOutcome("ok", new=len(entries) - joined, duplicates=already + joined)


def _unchanged(feed, now, status, changes, cache_control) -> PollOutcome:
    interval = schedule.interval_after_success(
        (),
        cache_control=cache_control,
        previous=timedelta(seconds=feed.poll_interval),
        changed=False,
    )
    # One UPDATE in no transaction block of its own, its commit not waiting for the disk.
    _succeeded(feed, now, interval, changes, relaxed=True)
    return PollOutcome(status)


def _succeeded(
    feed: Feed, now: datetime, interval: timedelta, changes: dict, *, relaxed: bool = False
) -> None:
    """Record a successful poll and release the lease."""
    adapt = datetime_adapter()
    values = {
        name: adapt(value) if isinstance(value, datetime) else value
        for name, value in changes.items()
    }
    update_one(
        Feed,
        feed.pk,
        {
            **values,
            "state": FeedState.ACTIVE.value,
            "last_polled_at": adapt(now),
            "last_success_at": adapt(now),
            "consecutive_failures": 0,
            "failing_since": None,
            "poll_interval": int(interval.total_seconds()),
            "next_poll_at": adapt(schedule.with_jitter(now, interval)),
            "lease_until": None,
            "queued_at": None,
        },
        relaxed=relaxed,
    )


def _failed(feed, now, message: str, *, retry_after=None, changes=None) -> PollOutcome:
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
    Feed.objects.filter(pk=feed.pk).update(
        **(changes or {}),
        state=state,
        last_polled_at=now,
        last_error=message,
        last_error_at=now,
        consecutive_failures=failures,
        failing_since=failing_since,
        next_poll_at=now + interval,
        lease_until=None,
        queued_at=None,
    )
    return PollOutcome("error", error=message)


def _gone(feed: Feed, now: datetime) -> PollOutcome:
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
