"""Storing parsed feeds' entries: each once per feed, by its identity key.

Few statements store them, for every feed of a poll batch that changed, sent as the feeds are
parsed (``EntrySender``, through ``core.lib.bulk.send_new_rows``): the entries a feed has not
stored before are inserted and the others left out by the (feed, key) unique constraint, so
there is no lookup first, and storing stays a small part of an ingest (see bench/ingest.py).
"""

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from django.db import connection

from core.lib.bulk import Pending, datetime_adapter, send_new_rows

from .models import Entry
from .parsing import ParsedEntry, title_fingerprint

_COLUMNS = (
    "feed_id",
    "key",
    "title",
    "link",
    "canonical_url",
    "title_fingerprint",
    "summary_html",
    "summary_text",
    "search_document",
    "author",
    "published_at",
    "fetched_at",
)


def entry_search_document(title: str, summary_text: str) -> str:
    """What the queue's text filter reads: the title and summary, lower-cased (in Python:
    SQLite's LOWER does not fold å, ä and ö)."""
    return f"{title}\n{summary_text}".lower()


class StoredEntry(NamedTuple):
    """An entry as placing it in the queues reads it (as ``Entry`` has it); ``pk`` is 0 for
    one not stored (yet). A named tuple: made twice for every entry of every changed feed,
    where a frozen dataclass's ``replace()`` cost more than storing the row."""

    pk: int
    title: str
    canonical_url: str
    title_fingerprint: str
    summary_text: str
    published_at: datetime | None
    fetched_at: datetime


# Rows an INSERT of entries carries at least, while feeds are still being parsed: on
# PostgreSQL the server stores them while the next feeds are parsed (see ``EntrySender``).
# SQLite works in this process, so parts would only add statements: it gets one.
SEND_EVERY = 200


class SentEntries:
    """Feeds' entries whose INSERT is sent: inside ``core.lib.bulk.pipelined()`` not yet
    answered until ``stored()``."""

    def __init__(self, candidates, parsed_counts, pending: Pending):
        # By feed: every entry of the document once (by key), whether stored before or not,
        # with pk 0, and how many entries the document had.
        self.candidates: dict[int, list[tuple[str, StoredEntry]]] = candidates
        self.parsed_counts: dict[int, int] = parsed_counts
        self.pending = pending

    def stored(self) -> dict[int, tuple[list[StoredEntry], int]]:
        """By feed: the entries not stored before, now stored (in the feed's order), and how
        many were already there."""
        inserted = {(feed_id, key): pk for pk, feed_id, key in self.pending.rows()}
        result = {}
        for feed_id, candidates in self.candidates.items():
            stored = [
                candidate._replace(pk=inserted[feed_id, key])
                for key, candidate in candidates
                if (feed_id, key) in inserted
            ]
            result[feed_id] = (stored, self.parsed_counts[feed_id] - len(stored))
        return result

    def close(self) -> None:
        self.pending.close()


class EntrySender:
    """Feeds' entries sent for storing as their documents come, each entry once per feed (the
    ones a feed has stored before are left out by the (feed, key) unique constraint).

    Inside ``core.lib.bulk.pipelined()`` nothing waits for the server: the entries go in
    INSERTs of SEND_EVERY rows or more (whole feeds), so PostgreSQL stores the first feeds'
    entries (their Swedish search vectors, their indexes) on its own core while this one
    parses the next feeds, and a batch's statements stay few however many feeds it has."""

    def __init__(self, now: datetime):
        self.now = now
        self._adapt = datetime_adapter()
        self._in_parts = connection.vendor == "postgresql"
        self._fetched_at = self._adapt(now)
        self._rows: list[tuple] = []
        self._candidates: dict[int, list[tuple[str, StoredEntry]]] = {}
        self._parsed_counts: dict[int, int] = {}

    def add(self, feed_id: int, parsed: Sequence[ParsedEntry]) -> bool:
        """A feed's parsed entries, to send; whether enough rows are waiting for an INSERT."""
        adapt, now = self._adapt, self.now
        keys: set[str] = set()
        self._candidates[feed_id] = feed_candidates = []
        self._parsed_counts[feed_id] = len(parsed)
        for item in parsed:
            key = item.key[:255]
            if key in keys:
                continue
            # A longer address would not fit; cut, it would lead nowhere.
            link = item.link if len(item.link) <= 2000 else ""
            canonical = item.canonical_url if len(item.canonical_url) <= 2000 else ""
            fingerprint = title_fingerprint(item.title)[:300]
            title = item.title[:300]
            self._rows.append(
                (
                    feed_id,
                    key,
                    title,
                    link,
                    canonical,
                    fingerprint,
                    item.summary_html,
                    item.summary_text,
                    entry_search_document(title, item.summary_text),
                    item.author[:200],
                    adapt(item.published_at),
                    self._fetched_at,
                )
            )
            keys.add(key)
            feed_candidates.append(
                (
                    key,
                    StoredEntry(
                        0, title, canonical, fingerprint, item.summary_text, item.published_at, now
                    ),
                )
            )
        return self._in_parts and len(self._rows) >= SEND_EVERY

    def send(self) -> SentEntries | None:
        """The INSERT of the feeds added since the last one, sent (None if none were)."""
        if not self._candidates:
            return None
        pending = send_new_rows(
            Entry,
            _COLUMNS,
            self._rows,
            unique=("feed_id", "key"),
            returning=("id", "feed_id", "key"),
        )
        sent = SentEntries(self._candidates, self._parsed_counts, pending)
        self._rows, self._candidates, self._parsed_counts = [], {}, {}
        return sent
