"""Quick capture: suggest a signal's title from the page its source address points to.

Optional by design: any failure (bad address, slow or large page, no title) gives ``""`` and
the user simply types the title. The page is fetched with ``core.lib.fetch``, which keeps the
fetch away from our own network and within ``TIMEOUT_SECONDS`` as a whole; only the start of a
large page is read, since that is where its title is.
"""

import html
import logging
import re
from html.parser import HTMLParser

from core.lib.fetch import fetch

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 2.0
MAX_BYTES = 512 * 1024
MAX_REDIRECTS = 3
MAX_TITLE_LENGTH = 250
USER_AGENT = "Spaning/1.0 (title suggestion for environmental scanning)"


def suggest_title(url: str) -> str:
    """The page's og:title or <title>, cleaned up; "" whenever that is not quickly possible."""
    try:
        return _suggest(url.strip())
    except Exception as exc:  # never let a suggestion break the form
        logger.info("No title suggestion for %r: %s", url[:200], exc)
        return ""


def _suggest(url: str) -> str:
    result = fetch(
        url,
        max_bytes=MAX_BYTES,
        timeout=TIMEOUT_SECONDS,
        max_redirects=MAX_REDIRECTS,
        truncate=True,
        headers={
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
        },
    )
    if result.status != 200 or "html" not in result.content_type:
        return ""
    return _title_from_html(_decode(result.body, result.charset))


def _decode(body: bytes, charset: str | None) -> str:
    if not charset:
        match = re.search(rb"""<meta[^>]+charset=["']?([\w-]+)""", body[:4096], re.IGNORECASE)
        charset = match.group(1).decode("ascii") if match else "utf-8"
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


class _TitleParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.og_title = ""
        self.title_parts: list[str] = []
        self._in_title = False
        self._title_done = False

    def handle_starttag(self, tag, attrs):
        if tag == "title" and not self._title_done:
            self._in_title = True
        elif tag == "meta" and not self.og_title:
            values = {name.lower(): (value or "") for name, value in attrs}
            if values.get("property", "").lower() == "og:title" or (
                values.get("name", "").lower() == "og:title"
            ):
                self.og_title = values.get("content", "")

    def handle_endtag(self, tag):
        if tag == "title" and self._in_title:
            self._in_title = False
            self._title_done = True

    def handle_data(self, data):
        if self._in_title:
            self.title_parts.append(data)


def _title_from_html(text: str) -> str:
    parser = _TitleParser()
    try:
        parser.feed(text)
        parser.close()
    except Exception:  # a broken page: whatever was found so far is still useful
        pass
    title = parser.og_title or "".join(parser.title_parts)
    title = " ".join(html.unescape(title).split())
    return title[:MAX_TITLE_LENGTH]
