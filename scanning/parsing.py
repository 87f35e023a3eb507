"""A fetched feed's body turned into clean entries: parse, clean, identify.

Pure functions, no models. One entry point, parse_feed(); the readers behind it each turn
one kind of document into raw entries (scanning.feed_raw), which are then cleaned and given
their identity here, the same way whichever reader found them:

- JSON Feed → scanning.feed_json
- well-formed RSS 2.0 / RSS 1.0 / Atom 1.0 → scanning.feed_xml (fast, ElementTree)
- anything else that might be a feed → scanning.feed_fallback (feedparser)
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils.translation import gettext_lazy as _

from .feed_dates import parse_date
from .feed_discovery import discover_feed_links, discover_feeds
from .feed_encoding import charset_of, decode_body
from .feed_fallback import read_with_feedparser
from .feed_html import TEXT_MAX, clean_html, clean_html_text, plain_text
from .feed_json import NotAJsonFeed, read_json
from .feed_raw import RawFeed, resolve
from .feed_xml import read_xml
from .identity import canonical_url, entry_key, title_fingerprint

__all__ = [
    "FeedParseError",
    "NotAFeed",
    "ParsedEntry",
    "ParsedFeed",
    "canonical_url",
    "discover_feed_links",
    "parse_feed",
    "title_fingerprint",
]

TITLE_MAX = 300
AUTHOR_MAX = 200

EMPTY = _("The feed is empty.")
HTML_PAGE = _("The address gives an HTML page, not a feed.")
MALFORMED = _("The feed is not well-formed XML and no entries could be read.")
NOT_A_FEED = _("The address does not give a feed (RSS, Atom or JSON Feed).")
BAD_JSON = _("The address gives JSON, but not a JSON Feed that could be read.")


class FeedParseError(Exception):
    """The body is not a feed that could be read; str() is a sentence for the person who
    added the feed, in the active language."""

    def __init__(self, message=MALFORMED):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class NotAFeed(FeedParseError):
    """An HTML page, with the addresses of the feeds it announces (maybe none)."""

    def __init__(self, feeds: dict[str, str]):
        super().__init__(HTML_PAGE)
        self.feed_links = list(feeds)
        self.feed_titles = {link: title for link, title in feeds.items() if title}


@dataclass(frozen=True)
class ParsedEntry:
    key: str
    title: str
    link: str
    canonical_url: str
    summary_html: str
    summary_text: str
    published_at: datetime | None
    author: str


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    site_url: str
    ttl_minutes: int | None
    entries: list[ParsedEntry]


# The prolog's DOCTYPE with its internal subset. Removed before any parser sees the document:
# an internal subset is where external entities (XXE: <!ENTITY x SYSTEM "file:///etc/passwd">)
# and entity bombs (billion laughs) are declared, and no real feed needs one. ElementTree never
# loads external entities and feedparser drops all but plain ones, but neither should have to
# be trusted with them: expat only refuses a billion-laughs document after some 0.3 s of work.
_DOCTYPE = re.compile(r"<!DOCTYPE[^\[>]*(?:\[.*?\]\s*)?>", re.IGNORECASE | re.DOTALL)
_FIRST_ELEMENT = re.compile(r"<[A-Za-z]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# Characters XML forbids; one of them in a title is the most common reason a feed is not
# well-formed, and removing them keeps such a feed on the fast reader. They are removed from
# the document's UTF-8 bytes: the control characters by bytes.translate (a C0 byte is never
# part of another character's bytes in UTF-8), twice as fast as a regular expression over the
# text, and U+FFFE and U+FFFF, written as three bytes each, only where their first two occur.
_NOT_XML_CONTROLS = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_NOT_XML_NONCHARACTERS = re.compile(b"\xef\xbf[\xbe\xbf]")
_PROLOG_NOISE = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->)", re.DOTALL)
_WHITESPACE = re.compile(r"\s")
_HTML_START = re.compile(r"<!DOCTYPE\s+html|<(?:html|head|body|meta|title)[\s>]", re.IGNORECASE)


def _first_markup(text: str) -> str:
    """The text from its first element or DOCTYPE, past declarations and comments."""
    position = 0
    while match := _PROLOG_NOISE.match(text, position):
        if match.end() == position:
            break
        position = match.end()
    return text[position : position + 200].lstrip()


def _xml_document(text: str) -> bytes:
    """The feed's text as UTF-8 bytes any parser may be given: no declaration (the bytes are
    UTF-8 whatever it said), no DOCTYPE internal subset, no characters XML forbids."""
    text = _XML_DECLARATION.sub("", text, count=1)
    at = text[:4096].upper().find("<!DOCTYPE")
    if at >= 0:
        first = _FIRST_ELEMENT.search(text)
        # Tried where it starts only: searched for, a body of "<!DOCTYPE a [" over and over
        # would be read to its end from each of them (minutes for a few megabytes).
        match = _DOCTYPE.match(text, at)
        if match and (first is None or at < first.start()):
            text = text[:at] + text[match.end() :]
    document = text.encode("utf-8").translate(None, _NOT_XML_CONTROLS)
    if b"\xef\xbf" in document:
        document = _NOT_XML_NONCHARACTERS.sub(b"", document)
    return document


def _http_url(address: str, base: str) -> str:
    """The address made absolute, if it is a web address; "" for javascript:, data: and the
    like, which a reader must never be sent to."""
    address = (address or "").strip()
    if not address:
        return ""
    absolute = resolve(base, address)
    scheme, _, rest = absolute.partition("://")
    host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if scheme.lower() in ("http", "https") and host and not _WHITESPACE.search(host):
        return absolute
    return ""


def _read(body: bytes, *, url: str, content_type: str, charset: str | None) -> RawFeed:
    text = decode_body(body, charset=charset or charset_of(content_type))
    # "ä" may come as "a" and a combining diaeresis (NFD, as some systems on a Mac write
    # it): composed, it is one letter to the rules' word boundaries, to search and to
    # de-duplication. Most feeds are composed already, which is quick to tell.
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    start = _first_markup(text)
    if start.startswith(("{", "[")) or (not start and "json" in content_type.lower()):
        try:
            return read_json(text, url=url)
        except NotAJsonFeed:
            raise FeedParseError(BAD_JSON) from None
    if _HTML_START.match(start):
        raise NotAFeed(discover_feeds(body, url=url))
    document = _xml_document(text)
    raw = read_xml(document, url=url)
    if raw is not None:
        return raw
    raw, recognised = read_with_feedparser(document, url=url)
    if recognised:
        return raw
    if "<html" in text[:4096].lower():
        raise NotAFeed(discover_feeds(body, url=url))
    raise FeedParseError(MALFORMED if start.startswith("<") else NOT_A_FEED)


def parse_feed(
    body: bytes, *, url: str, content_type: str = "", charset: str | None = None
) -> ParsedFeed:
    """The feed in a fetched body: its entries cleaned and identified, in document order.

    `url` is the feed's address (relative links resolve against it); `content_type` and
    `charset` are what the server said. Raises NotAFeed for an HTML page and FeedParseError
    for anything else that is not a readable feed.
    """
    if not body or not body.strip():
        raise FeedParseError(EMPTY)
    raw = _read(body, url=url, content_type=content_type, charset=charset)
    base = _http_url(url, "")
    now = datetime.now(UTC)
    read = []
    # How many entries without an id have each address: those that share one are told apart
    # by what they say (``entry_key``).
    addresses: dict[str, int] = {}
    for item in raw.entries:
        title = plain_text(item.title_html, limit=TITLE_MAX)
        link = _http_url(item.link, base)
        content_base = _http_url(item.content_base, base) or link or base
        summary_html = clean_html(item.content_html, base_url=content_base)
        summary_text = clean_html_text(summary_html, limit=TEXT_MAX)
        if not (title or link or summary_text):
            continue
        published_at = parse_date(item.published, now=now) or parse_date(item.updated, now=now)
        entry_id = plain_text(item.entry_id)
        canonical = canonical_url(link)
        if link and not entry_id:
            address = canonical or link
            addresses[address] = addresses.get(address, 0) + 1
        read.append(
            (item, title, link, canonical, summary_html, summary_text, published_at, entry_id)
        )
    entries: list[ParsedEntry] = []
    seen: set[str] = set()
    for item, title, link, canonical, summary_html, summary_text, published_at, entry_id in read:
        key = entry_key(
            entry_id=entry_id,
            link=link,
            title=title,
            published=published_at.isoformat() if published_at else "",
            content=summary_text,
            shared_link=bool(link) and addresses.get(canonical or link, 0) > 1,
        )
        if key in seen:
            continue
        seen.add(key)
        entries.append(
            ParsedEntry(
                key=key,
                title=title,
                link=link,
                canonical_url=canonical,
                summary_html=summary_html,
                summary_text=summary_text,
                published_at=published_at,
                author=plain_text(item.author, limit=AUTHOR_MAX),
            )
        )
    return ParsedFeed(
        title=plain_text(raw.title, limit=TITLE_MAX),
        site_url=_http_url(raw.site_url, base),
        ttl_minutes=raw.ttl_minutes,
        entries=entries,
    )
