"""What a reader (XML, feedparser or JSON Feed) takes out of a document, before cleaning.

Every reader fills these the same way so scanning.parsing cleans and identifies entries in
one place: HTML fields hold HTML (a reader escapes what its format says is plain text), and
addresses are absolute where the document allowed it.
"""

from dataclasses import dataclass, field
from urllib.parse import urljoin


@dataclass
class RawEntry:
    entry_id: str = ""
    title_html: str = ""
    link: str = ""
    content_html: str = ""
    # Relative addresses inside the content resolve against this (xml:base, else the link).
    content_base: str = ""
    published: str = ""  # the date as written; scanning.dates reads it
    updated: str = ""
    author: str = ""


@dataclass
class RawFeed:
    title: str = ""
    site_url: str = ""
    ttl_minutes: int | None = None
    entries: list[RawEntry] = field(default_factory=list)


def resolve(base: str, address: str) -> str:
    """The address made absolute against base; "" where it cannot be ("//[oops" is no
    address). Most addresses in a feed already are absolute, and urljoin is the costliest
    step of reading one, so those are passed through."""
    address = address.strip()
    if address.startswith(("https://", "http://")) or not base:
        return address
    try:
        return urljoin(base, address)
    except ValueError:
        return ""


# The syndication module's sy:updatePeriod, in minutes.
MINUTES_PER = {"hourly": 60, "daily": 1440, "weekly": 10080, "monthly": 43200, "yearly": 525600}


def whole_number(text: str) -> int | None:
    """A number as a publisher wrote it (``<ttl>``): ASCII digits, else None ("²" is a digit
    to str.isdigit, not to int). More than nine count as 10**9: Python refuses to read a
    number of over 4,300 digits, and the schedule caps any wait at a day anyway."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()):
        return None
    return int(text) if len(text) <= 9 else 10**9


def ttl_minutes(ttl: str, period: str, frequency: str) -> int | None:
    """How long the publisher asks readers to wait between polls, in minutes: RSS's
    ``<ttl>``, else the syndication module's update period divided by its frequency."""
    minutes = whole_number(ttl)
    if minutes is not None:
        return minutes
    period = period.strip().lower()
    if period not in MINUTES_PER:
        return None
    times = whole_number(frequency) or 1
    return max(1, MINUTES_PER[period] // times)
