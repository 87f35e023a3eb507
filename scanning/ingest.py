"""Storing a parsed feed's entries: each once per feed, by its identity key.

Rows are written with ``core.lib.bulk.insert_rows``: storing is most of an ingest's cost, and
building a model instance per entry would be most of that (see bench/ingest.py).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from core.lib.bulk import db_datetime, insert_rows

from .models import Entry, Feed
from .parsing import ParsedEntry, title_fingerprint

# Keys asked for in one query; well under SQLite's limit on query parameters.
_BATCH = 500
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


@dataclass(frozen=True)
class StoredEntry:
    """A newly stored entry: what placing it in the queues reads (as ``Entry`` has it)."""

    pk: int
    title: str
    canonical_url: str
    title_fingerprint: str
    summary_text: str
    published_at: datetime | None
    fetched_at: datetime


def entries_store(
    feed: Feed, parsed: Sequence[ParsedEntry], now: datetime
) -> tuple[list[StoredEntry], int]:
    """Store the entries not stored before; returns them and how many were already there."""
    known: set[str] = set()
    keys = [entry.key for entry in parsed]
    for start in range(0, len(keys), _BATCH):
        known.update(
            Entry.objects.filter(feed=feed, key__in=keys[start : start + _BATCH])
            .order_by()  # the model's ordering would make SQLite sort for nothing
            .values_list("key", flat=True)
        )
    new: list[ParsedEntry] = []
    for item in parsed:
        if item.key not in known:
            known.add(item.key)
            new.append(item)
    fetched_at = db_datetime(now)
    rows = []
    shapes = []
    for item in new:
        # A longer address would not fit; cut, it would lead nowhere.
        link = item.link if len(item.link) <= 2000 else ""
        canonical = item.canonical_url if len(item.canonical_url) <= 2000 else ""
        fingerprint = title_fingerprint(item.title)[:300]
        title = item.title[:300]
        rows.append(
            (
                feed.pk,
                item.key[:255],
                title,
                link,
                canonical,
                fingerprint,
                item.summary_html,
                item.summary_text,
                entry_search_document(title, item.summary_text),
                item.author[:200],
                db_datetime(item.published_at),
                fetched_at,
            )
        )
        shapes.append((title, canonical, fingerprint, item.summary_text, item.published_at))
    ids = insert_rows(Entry, _COLUMNS, rows)
    stored = [
        StoredEntry(pk, title, canonical, fingerprint, summary, published_at, now)
        for pk, (title, canonical, fingerprint, summary, published_at) in zip(
            ids, shapes, strict=True
        )
    ]
    return stored, len(parsed) - len(new)
