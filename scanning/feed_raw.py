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
    """The address made absolute against base. Most addresses in a feed already are, and
    urljoin is the costliest step of reading one, so those are passed through."""
    address = address.strip()
    if address.startswith(("https://", "http://")) or not base:
        return address
    return urljoin(base, address)
