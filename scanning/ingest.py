"""Storing parsed feeds' entries: each once per feed, by its identity key.

One statement stores them, for every feed of a poll batch that changed
(``core.lib.bulk.send_new_rows``): the entries a feed has not stored before are inserted and
the others left out by the (feed, key) unique constraint, so there is no lookup first, and
storing stays a small part of an ingest (see bench/ingest.py).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

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


@dataclass
class SentEntries:
    """Feeds' entries whose INSERT is sent: inside ``core.lib.bulk.pipelined()`` not yet
    answered, so what is sent before ``stored()`` shares its round trip."""

    # By feed: every entry of the document once (by key), whether stored before or not, with
    # pk 0, and how many entries the document had.
    candidates: dict[int, list[tuple[str, StoredEntry]]]
    parsed_counts: dict[int, int]
    pending: Pending

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


def entries_send(documents: Mapping[int, Sequence[ParsedEntry]], now: datetime) -> SentEntries:
    """Send the INSERT of the entries that their feeds (``documents``: each feed's parsed
    entries, by its id) have not stored before, one statement for them all (the others are
    left out by the unique (feed, key) constraint); ``stored()`` says which they were."""
    adapt = datetime_adapter()
    fetched_at = adapt(now)
    rows = []
    candidates: dict[int, list[tuple[str, StoredEntry]]] = {}
    for feed_id, parsed in documents.items():
        keys: set[str] = set()
        candidates[feed_id] = feed_candidates = []
        for item in parsed:
            key = item.key[:255]
            if key in keys:
                continue
            # A longer address would not fit; cut, it would lead nowhere.
            link = item.link if len(item.link) <= 2000 else ""
            canonical = item.canonical_url if len(item.canonical_url) <= 2000 else ""
            fingerprint = title_fingerprint(item.title)[:300]
            title = item.title[:300]
            rows.append(
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
                    fetched_at,
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
    pending = send_new_rows(
        Entry, _COLUMNS, rows, unique=("feed_id", "key"), returning=("id", "feed_id", "key")
    )
    return SentEntries(
        candidates, {feed_id: len(parsed) for feed_id, parsed in documents.items()}, pending
    )
