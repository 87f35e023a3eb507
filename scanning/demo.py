"""The demo's feeds: Kungsbacka follows the sample feeds bundled in ``scanning/sample_feeds``.

They are ingested from the files, without internet, so the queue is full right after
``make run``; their dates are moved so the newest entry is from the last hour, and the demo
stays fresh whenever it is seeded. The feeds' addresses are where `make run` serves the same
files (``/static/demo-feeds/…``, see ``STATICFILES_DIRS``), so the worker and beat it starts
poll them on schedule as they would any feed: the first poll finds every entry known.
"""

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from signals.models import Area, Level

from .feed_admin import feed_for_url, subscribe_for_command
from .models import Entry, Feed
from .parsing import ParsedFeed, parse_feed
from .storing import store_parsed

SAMPLE_FEEDS = Path(__file__).resolve().parent / "sample_feeds"

# File, the name Kungsbacka gives the feed, its default area and level.
DEMO_SUBSCRIPTIONS = [
    ("skr-nyheter.rss", "SKR – nyheter", "Välfärd och hälsa", Level.OUTER),
    ("regeringen-pressmeddelanden.atom", "Regeringen – pressmeddelanden", "", Level.OUTER),
    ("lansstyrelsen-halland.rss", "Länsstyrelsen Halland", "Samhällsbyggnad", Level.NEAR),
    ("scb-statistik.rss", "SCB – statistiknyheter", "Samhällsbyggnad", Level.OUTER),
    ("boverket-nyheter.atom", "Boverket", "Samhällsbyggnad", Level.OUTER),
    ("kommunal-omvarld.json", "Kommunal omvärld", "Digitalisering", Level.OUTER),
]


def demo_feed_url(filename: str) -> str:
    return f"{settings.DEMO_FEEDS_BASE_URL.rstrip('/')}/{filename}"


def seed_feeds(organization, *, only: tuple[str, ...] = ()) -> int:
    """Subscribe the organisation to the sample feeds (``only`` these files, when given) and
    ingest them. Safe to run twice: entries already stored are not stored again, and an
    organisation joining a feed another already follows gets its entries without a fetch.
    Returns the number of new entries."""
    areas = {area.name: area for area in Area.objects.filter(organization=organization)}
    chosen = [row for row in DEMO_SUBSCRIPTIONS if not only or row[0] in only]
    documents = {
        filename: parse_feed((SAMPLE_FEEDS / filename).read_bytes(), url=demo_feed_url(filename))
        for filename, *_rest in chosen
    }
    # One shift for all files, so the same story in two feeds keeps its two dates close.
    newest = max(
        (e.published_at for d in documents.values() for e in d.entries if e.published_at),
        default=None,
    )
    shift = timezone.now() - timedelta(hours=1) - newest if newest else timedelta(0)
    new = 0
    for filename, name, area_name, level in chosen:
        url = demo_feed_url(filename)
        feed = feed_for_url(url)
        parsed = _shifted(documents[filename], shift)
        subscribe_for_command(
            organization=organization,
            feed=feed,
            name=name,
            area=areas.get(area_name),
            level=level,
        )
        if not Entry.objects.filter(feed=feed).exists():
            new += store_parsed(feed, parsed, timezone.now()).new
            # Polled soon after the server starts: the first real poll of the served file.
            Feed.objects.filter(pk=feed.pk).update(
                next_poll_at=timezone.now() + timedelta(minutes=2)
            )
    return new


def _shifted(parsed: ParsedFeed, shift: timedelta) -> ParsedFeed:
    return replace(
        parsed,
        entries=[
            replace(entry, published_at=entry.published_at + shift) if entry.published_at else entry
            for entry in parsed.entries
        ],
    )
