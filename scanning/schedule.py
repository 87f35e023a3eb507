"""When a feed is polled next.

A feed that publishes often is polled often, one that publishes rarely seldom: the interval is
half the mean gap between its latest entries, kept between 15 minutes and a day. A publisher
asking for a longer one (RSS <ttl>, Cache-Control max-age) gets it, up to a day. Failures back
off exponentially from 15 minutes to a day; 429 and 503 wait what Retry-After says (up to
a week).
A little jitter keeps thousands of feeds added at once from being polled in the same minute.
"""

import random
import re
from collections.abc import Iterable
from datetime import datetime, timedelta

MIN_INTERVAL = timedelta(minutes=15)
MAX_INTERVAL = timedelta(hours=24)
DEFAULT_INTERVAL = timedelta(hours=1)
MAX_RETRY_AFTER = timedelta(days=7)
_LATEST = 10
_MAX_AGE = re.compile(r"max-age\s*=\s*(\d+)", re.IGNORECASE | re.ASCII)


def _bounded(interval: timedelta) -> timedelta:
    return max(MIN_INTERVAL, min(MAX_INTERVAL, interval))


def publishing_interval(dates: Iterable[datetime | None]) -> timedelta:
    """Half the mean gap between the latest entries' dates; the default with fewer than two."""
    latest = sorted(d for d in dates if d)[-_LATEST:]
    if len(latest) < 2:
        return DEFAULT_INTERVAL
    mean_gap = (latest[-1] - latest[0]) / (len(latest) - 1)
    return _bounded(mean_gap / 2)


def publisher_minimum(ttl_minutes: int | None, cache_control: str | None) -> timedelta:
    """The longest wait the publisher asked for (RSS ttl, Cache-Control max-age), or zero."""
    longest = int(MAX_INTERVAL.total_seconds())
    asked = 0
    if ttl_minutes and ttl_minutes > 0:
        asked = min(ttl_minutes, longest) * 60
    match = _MAX_AGE.search(cache_control or "")
    if match:
        # A publisher may write any number of digits: more than a timedelta holds, or than
        # Python reads as a number (4,300). Capped before either.
        digits = match.group(1)
        asked = max(asked, int(digits) if len(digits) <= 9 else longest)
    return timedelta(seconds=min(asked, longest))


def interval_after_success(
    dates: Iterable[datetime | None],
    ttl_minutes: int | None = None,
    cache_control: str | None = None,
) -> timedelta:
    """The interval after a successful poll that brought a document to read (for one that did
    not: ``unchanged_interval_sql``)."""
    interval = publishing_interval(dates)
    return _bounded(max(interval, publisher_minimum(ttl_minutes, cache_control)))


def unchanged_interval_sql(vendor: str) -> str:
    """The interval after a successful poll without a document to read (a 304, or the same
    body), in seconds, as SQL the database computes from the feed's row: the previous
    interval (``poll_interval``) grown by half, as a feed that did not change is likely not
    to, at least the publisher's minimum (the one placeholder: ``publisher_minimum``, in
    seconds), kept between 15 minutes and a day. In SQL so that a batch's unchanged feeds
    are recorded in one UPDATE with no value of each feed's own (``scanning.storing``)."""
    least, greatest = ("MIN", "MAX") if vendor == "sqlite" else ("LEAST", "GREATEST")
    shortest, longest = int(MIN_INTERVAL.total_seconds()), int(MAX_INTERVAL.total_seconds())
    # Integer arithmetic: the whole seconds of 1.5 times the previous, as stored.
    return f"{least}({longest}, {greatest}({shortest}, CAST(%s AS integer), poll_interval * 3 / 2))"


def next_poll_sql(vendor: str, interval_sql: str) -> str:
    """``with_jitter`` as SQL: a moment (the first placeholder) plus ``interval_sql`` seconds
    (its placeholders following), with the same jitter, as the column takes it."""
    low, high = JITTER
    seconds = f"({interval_sql}) * ({low} + {high - low:g} * {_RANDOM[vendor]})"
    if vendor == "sqlite":
        # Text, as Django stores datetimes there (UTC), to the millisecond.
        return f"strftime('%%Y-%%m-%%d %%H:%%M:%%f', %s, ({seconds}) || ' seconds')"
    return f"%s + make_interval(secs => {seconds})"


# A uniform random number in [0, 1) (Django registers RAND() on its SQLite connections).
_RANDOM = {"sqlite": "RAND()", "postgresql": "random()"}


def interval_after_failure(failures: int, retry_after: float | None = None) -> timedelta:
    """Exponential backoff: 15 min, 30 min, 1 h, … up to a day; Retry-After when longer."""
    backoff = min(MIN_INTERVAL * (2 ** min(max(failures - 1, 0), 10)), MAX_INTERVAL)
    if retry_after is not None:
        # The server's own word wins, within reason: a week at most (capped before it becomes
        # a timedelta: a header may hold more digits than one holds).
        longest = MAX_RETRY_AFTER.total_seconds()
        backoff = max(backoff, timedelta(seconds=min(retry_after, longest)))
    return backoff


# The interval is stretched or shortened by up to a tenth, at random.
JITTER = (0.9, 1.1)


def with_jitter(now: datetime, interval: timedelta) -> datetime:
    return now + interval * random.uniform(*JITTER)
