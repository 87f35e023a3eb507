"""Storing a parsed feed's entries: each once per feed, by its identity key."""

from collections.abc import Sequence
from datetime import datetime

from .models import Entry, Feed
from .parsing import ParsedEntry, title_fingerprint

# Keys asked for in one query; well under SQLite's limit on query parameters.
_BATCH = 500


def entries_store(
    feed: Feed, parsed: Sequence[ParsedEntry], now: datetime
) -> tuple[list[Entry], int]:
    """Store the entries not stored before; returns them and how many were already there."""
    known: set[str] = set()
    keys = [entry.key for entry in parsed]
    for start in range(0, len(keys), _BATCH):
        known.update(
            Entry.objects.filter(feed=feed, key__in=keys[start : start + _BATCH]).values_list(
                "key", flat=True
            )
        )
    new: list[Entry] = []
    for item in parsed:
        if item.key in known:
            continue
        known.add(item.key)
        new.append(
            Entry(
                feed=feed,
                key=item.key,
                title=item.title[:300],
                # A longer address would not fit; cut, it would lead nowhere.
                link=item.link if len(item.link) <= 2000 else "",
                canonical_url=item.canonical_url if len(item.canonical_url) <= 2000 else "",
                title_fingerprint=title_fingerprint(item.title)[:300],
                summary_html=item.summary_html,
                summary_text=item.summary_text,
                author=item.author[:200],
                published_at=item.published_at,
                fetched_at=now,
            )
        )
    Entry.objects.bulk_create(new, batch_size=_BATCH)
    return new, len(parsed) - len(new)
