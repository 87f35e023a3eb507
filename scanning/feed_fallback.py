"""The careful reader: feedparser, for what scanning.feed_xml does not read (markup that is
not well-formed, Atom 0.3, CDF, unusual roots).

feedparser is given bytes only (never an address: it would fetch it itself, past
core.lib.fetch), already decoded to UTF-8 by scanning.feed_encoding, and with its sanitiser
and relative-URI rewriting off: nh3 cleans afterwards (feedparser's sanitiser lets <form>
through).

It is not told the feed's address (no content-location): it would resolve every guid against
it as if it were a link, turning guid "1" into "https://…/1", so an entry's key would depend
on which reader happened to read the feed. Links are made absolute here instead; xml:base
in the document is still applied by feedparser.
"""

import logging
import re

import feedparser

from .feed_html import text_as_html
from .feed_raw import RawEntry, RawFeed, resolve, ttl_minutes

UTF8_XML = "application/xml; charset=utf-8"
HTML_TYPES = {"text/html", "application/xhtml+xml", "html", "xhtml"}
# A character reference, with too many digits to be one in the last alternative.
_REFERENCE = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));|&#[xX]?[0-9a-fA-F]{9,};")

logger = logging.getLogger(__name__)


def _character_or_nothing(match: re.Match) -> bytes:
    hexadecimal, decimal = match.groups()
    if hexadecimal is None and decimal is None:
        return b""
    code = int(hexadecimal, 16) if hexadecimal else int(decimal)
    if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return b""
    return match.group()


def _references_to_characters(document: bytes) -> bytes:
    """The document without references to what is no character: NUL (which no database
    column holds), half a surrogate pair, a number past U+10FFFF. feedparser decodes a
    reference with chr() and fails on the whole document at one of the latter. (The fast
    reader never gets them: XML forbids them, so such a document is not well-formed.)"""
    return _REFERENCE.sub(_character_or_nothing, document) if b"&#" in document else document


def _as_html(detail) -> str:
    if not detail:
        return ""
    value = detail.get("value") or ""
    return value if detail.get("type") in HTML_TYPES else text_as_html(value)


def _ttl(feed) -> int | None:
    return ttl_minutes(
        str(feed.get("ttl") or ""),
        str(feed.get("sy_updateperiod") or ""),
        str(feed.get("sy_updatefrequency") or ""),
    )


def _entry(item, url: str) -> RawEntry:
    content = (item.get("content") or [None])[0] or item.get("summary_detail")
    link = item.get("link") or ""
    link = resolve(url, link) if link else ""
    # Without an xml:base in scope, a relative link in an item's HTML is meant relative to the
    # item's own page (as in scanning.feed_xml).
    declared_base = (content or {}).get("base") or ""
    base = resolve(url, declared_base) if declared_base else (link or url)
    return RawEntry(
        entry_id=(item.get("id") or "").strip(),
        title_html=_as_html(item.get("title_detail")),
        link=link,
        content_html=_as_html(content),
        content_base=base,
        # dict.get: FeedParserDict.get("updated") falls back to "published" with a warning.
        published=dict.get(item, "published") or "",
        updated=dict.get(item, "updated") or "",
        author=item.get("author") or "",
    )


def read_with_feedparser(document: bytes, *, url: str) -> tuple[RawFeed, bool]:
    """The feed feedparser finds in a UTF-8 document, and whether it recognised a feed at all
    (a version, or at least one entry)."""
    try:
        result = feedparser.parse(
            _references_to_characters(document),
            sanitize_html=False,
            resolve_relative_uris=False,
            response_headers={"content-type": UTF8_XML},
        )
    except Exception:
        # feedparser reads what no other reader would, and has failures of its own on such
        # input; one is a document that cannot be read, not a poll that crashes.
        logger.warning("feedparser failed on a document", exc_info=True)
        return RawFeed(), False
    feed = result.get("feed", {})
    raw = RawFeed(
        title=_as_html(feed.get("title_detail")),
        site_url=resolve(url, feed.get("link") or ""),
        ttl_minutes=_ttl(feed),
        entries=[_entry(item, url) for item in result.get("entries", [])],
    )
    return raw, bool(result.get("version") or raw.entries)
