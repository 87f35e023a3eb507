"""Storing a parsed feed's entries: each once per feed, by its identity key.

One statement stores them (``core.lib.bulk.insert_new_rows``): the entries the feed has not
stored before are inserted and the others left out by the (feed, key) unique constraint, so
there is no lookup first, and storing stays a small part of an ingest (see bench/ingest.py).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from core.lib.bulk import datetime_adapter, insert_new_rows

from .models import Entry, Feed
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
    """Store the entries not stored before; returns them (in the feed's order) and how many
    were already there."""
    adapt = datetime_adapter()
    fetched_at = adapt(now)
    rows = []
    shapes: dict[str, tuple] = {}
    for item in parsed:
        key = item.key[:255]
        if key in shapes:
            continue
        # A longer address would not fit; cut, it would lead nowhere.
        link = item.link if len(item.link) <= 2000 else ""
        canonical = item.canonical_url if len(item.canonical_url) <= 2000 else ""
        fingerprint = title_fingerprint(item.title)[:300]
        title = item.title[:300]
        rows.append(
            (
                feed.pk,
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
        shapes[key] = (title, canonical, fingerprint, item.summary_text, item.published_at)
    returned = insert_new_rows(
        Entry, _COLUMNS, rows, unique=("feed_id", "key"), returning=("id", "key")
    )
    inserted = {key: pk for pk, key in returned}
    stored = [
        StoredEntry(inserted[key], title, canonical, fingerprint, summary, published_at, now)
        for key, (title, canonical, fingerprint, summary, published_at) in shapes.items()
        if key in inserted
    ]
    return stored, len(parsed) - len(stored)
