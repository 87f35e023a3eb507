"""JSON Feed (https://www.jsonfeed.org/version/1.1/, and 1.0) read into the same raw entries
as the XML readers."""

import json

from core.lib.text import storable

from .feed_html import text_as_html
from .feed_raw import RawEntry, RawFeed, resolve

# A feed this large is not a news feed; refusing it keeps json.loads' memory bounded.
JSON_MAX_BYTES = 10 * 1024 * 1024


class NotAJsonFeed(ValueError):
    """The text is not JSON, or is JSON but not a JSON Feed."""


def _string(value) -> str:
    return storable(value.strip()) if isinstance(value, str) else ""


def _author(item: dict) -> str:
    authors = item.get("authors")
    if isinstance(authors, list) and authors and isinstance(authors[0], dict):
        return _string(authors[0].get("name"))
    author = item.get("author")  # version 1.0
    return _string(author.get("name")) if isinstance(author, dict) else ""


def _entry(item: dict, url: str) -> RawEntry:
    link = _string(item.get("url")) or _string(item.get("external_url"))
    link = resolve(url, link) if link else ""
    content = _string(item.get("content_html"))
    if not content:
        content = text_as_html(_string(item.get("content_text")) or _string(item.get("summary")))
    entry_id = item.get("id")
    return RawEntry(
        # The spec allows a number as id; it is the same identity written as text.
        entry_id=storable(str(entry_id).strip()) if isinstance(entry_id, str | int) else "",
        title_html=text_as_html(_string(item.get("title"))),
        link=link,
        content_html=content,
        content_base=link or url,
        published=_string(item.get("date_published")),
        updated=_string(item.get("date_modified")),
        author=_author(item),
    )


def read_json(text: str, *, url: str) -> RawFeed:
    """The JSON Feed in the text; NotAJsonFeed when it is not one."""
    if len(text) > JSON_MAX_BYTES:
        raise NotAJsonFeed("too large")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:  # RecursionError: absurdly deep nesting
        raise NotAJsonFeed(str(error)) from error
    if not isinstance(data, dict) or not _string(data.get("version")).startswith(
        "https://jsonfeed.org/version/"
    ):
        raise NotAJsonFeed("no JSON Feed version")
    items = data.get("items")
    return RawFeed(
        title=text_as_html(_string(data.get("title"))),
        site_url=_string(data.get("home_page_url")),
        entries=[_entry(i, url) for i in items if isinstance(i, dict)]
        if isinstance(items, list)
        else [],
    )
