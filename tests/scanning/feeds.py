"""Feed documents for tests: small RSS and Atom bodies written here, item by item."""

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime


def rss_item(title, link="", guid=None, description="", published=None) -> str:
    published = published or datetime.now(UTC) - timedelta(hours=1)
    guid_xml = f"<guid isPermaLink='false'>{guid}</guid>" if guid else ""
    link_xml = f"<link>{link}</link>" if link else ""
    return (
        f"<item><title>{title}</title>{link_xml}{guid_xml}"
        f"<description>{description}</description>"
        f"<pubDate>{format_datetime(published)}</pubDate></item>"
    )


def rss(*items: str, title="Testflödet", encoding="utf-8", extra="") -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>'
        '<rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://example.se/</link>{extra}"
        + "".join(items)
        + "</channel></rss>"
    )


def numbered_items(count: int, prefix="Nyhet", start=0, days_apart=0.5) -> list[str]:
    now = datetime.now(UTC)
    return [
        rss_item(
            f"{prefix} {n} om kommunernas ekonomi",
            link=f"https://example.se/{prefix.lower()}/{n}",
            guid=f"{prefix}-{n}",
            description=f"<p>Text {n} om välfärd och skola.</p>",
            published=now - timedelta(days=days_apart * n),
        )
        for n in range(start, start + count)
    ]


RSS_TYPE = "application/rss+xml; charset=utf-8"
