"""The feeds an HTML page announces in its <link rel="alternate"> tags, so a person who
pastes a site's address instead of its feed's can be offered the feed."""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from .feed_encoding import decode_body

FEED_TYPES = {
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
}
# The announcements are in the head; a page's first 512 kB holds it many times over.
HTML_SCAN_BYTES = 512 * 1024


class _FeedLinks(HTMLParser):
    def __init__(self, url: str):
        super().__init__(convert_charrefs=True)
        self.base = url
        self.links: list[str] = []
        self.titles: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "base" and attributes.get("href"):
            self.base = urljoin(self.base, attributes["href"].strip())
        elif tag == "link":
            rels = attributes.get("rel", "").lower().split()
            kind = attributes.get("type", "").split(";")[0].strip().lower()
            href = attributes.get("href", "").strip()
            if "alternate" in rels and kind in FEED_TYPES and href:
                link = urljoin(self.base, href)
                self.links.append(link)
                # What the page calls it ("Nyheter", "Pressmeddelanden"): the first title.
                title = " ".join(attributes.get("title", "").split())[:300]
                if title:
                    self.titles.setdefault(link, title)


def discover_feed_links(body: bytes, *, url: str) -> list[str]:
    """Absolute http(s) addresses of the feeds the page announces, in page order, each once."""
    return list(discover_feeds(body, url=url))


def discover_feeds(body: bytes, *, url: str) -> dict[str, str]:
    """The feeds the page announces, as ``discover_feed_links`` lists them, each with the
    title the page gives it ("" for none)."""
    parser = _FeedLinks(url)
    parser.feed(decode_body(body[:HTML_SCAN_BYTES]))
    parser.close()
    found: dict[str, str] = {}
    for link in parser.links:
        if urlsplit(link).scheme in ("http", "https") and link not in found:
            found[link] = parser.titles.get(link, "")
    return found
