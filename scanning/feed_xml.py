"""The fast reader: well-formed RSS 2.0 (and 0.9x), RSS 1.0 and Atom 1.0 read with
ElementTree.

feedparser spends about 25 µs of Python on every element whatever its options (measured with
cProfile: its per-element bookkeeping, URL checks and copies, not the sanitiser), which made
it as slow without its sanitiser as with it. ElementTree builds the tree in C, so the usual
feed is read here several times faster; anything this reader does not know or cannot parse
returns None and goes to feedparser (scanning.feed_fallback), which copes with broken markup.

Safety: the caller has already removed any DOCTYPE internal subset (scanning.parsing), and
ElementTree never loads external entities or DTDs.
"""

import xml.etree.ElementTree as ET

from .feed_html import text_as_html
from .feed_raw import RawEntry, RawFeed, resolve, ttl_minutes

ATOM = "{http://www.w3.org/2005/Atom}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
RSS10 = "{http://purl.org/rss/1.0/}"
RSS090 = "{http://my.netscape.com/rdf/simple/0.9/}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
SY = "{http://purl.org/rss/1.0/modules/syndication/}"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


def _text(element: ET.Element | None) -> str:
    """The element's content as written: its text, or its markup when it holds elements
    (HTML left unescaped in an RSS description, Atom type="xhtml")."""
    if element is None:
        return ""
    if len(element) == 0:
        return (element.text or "").strip()
    for node in element.iter():
        # Serialised without namespaces, XHTML reads as the HTML it is: <p>, not <html:p>.
        if isinstance(node.tag, str) and node.tag[0] == "{":
            node.tag = node.tag.split("}", 1)[1]
        node.attrib.pop(XML_BASE, None)
    try:
        inner = (element.text or "") + "".join(
            ET.tostring(child, encoding="unicode") for child in element
        )
    except RecursionError:
        # Markup nested thousands deep (ElementTree writes it out recursively): no reader's
        # HTML, so its text alone.
        return text_as_html("".join(element.itertext()).strip())
    return inner.strip()


def _base(element: ET.Element, parent_base: str) -> str:
    declared = element.get(XML_BASE)
    return (resolve(parent_base, declared) or parent_base) if declared else parent_base


def _ttl(channel: ET.Element) -> int | None:
    return ttl_minutes(
        channel.findtext("ttl") or "",
        channel.findtext(f"{SY}updatePeriod") or "",
        channel.findtext(f"{SY}updateFrequency") or "",
    )


def _rss_item(item: ET.Element, base: str, ns: str) -> RawEntry:
    entry = RawEntry()
    description = content = ""
    for child in item:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        if ns and tag.startswith(ns):
            tag = tag[len(ns) :]
        if tag == "title" and not entry.title_html:
            entry.title_html = _text(child)
        elif tag == "link" and not entry.link:
            entry.link = resolve(base, child.text or "")
        elif tag == "guid" and not entry.entry_id:
            entry.entry_id = (child.text or "").strip()
        elif tag == "description" and not description:
            description = _text(child)
        elif tag == CONTENT_ENCODED and not content:
            content = _text(child)
        elif tag in ("pubDate", f"{DC}date") and not entry.published:
            entry.published = (child.text or "").strip()
        elif tag in ("author", f"{DC}creator") and not entry.author:
            entry.author = (child.text or "").strip()
    if not entry.entry_id and ns:  # RSS 1.0: the item's rdf:about is its identity
        entry.entry_id = (item.get(f"{RDF}about") or "").strip()
    if not entry.link and entry.entry_id.startswith(("http://", "https://")):
        entry.link = entry.entry_id  # a permalink guid is the item's address
    entry.content_html = content or description
    entry.content_base = entry.link or base
    return entry


def _read_rss(root: ET.Element, url: str) -> RawFeed:
    base = _base(root, url)
    channel = root.find("channel")
    if channel is None:
        channel = root
    items = channel.findall("item") or root.findall("item")
    feed = RawFeed(
        title=_text(channel.find("title")),
        site_url=resolve(base, channel.findtext("link") or ""),
        ttl_minutes=_ttl(channel),
    )
    feed.entries = [_rss_item(item, _base(item, base), "") for item in items]
    return feed


def _read_rdf(root: ET.Element, url: str) -> RawFeed | None:
    ns = RSS10 if root.find(f"{RSS10}channel") is not None else RSS090
    channel = root.find(f"{ns}channel")
    if channel is None:
        return None
    base = _base(root, url)
    feed = RawFeed(
        title=_text(channel.find(f"{ns}title")),
        site_url=resolve(base, channel.findtext(f"{ns}link") or ""),
        ttl_minutes=_ttl(channel),
    )
    feed.entries = [_rss_item(item, _base(item, base), ns) for item in root.iter(f"{ns}item")]
    return feed


def _atom_text(element: ET.Element | None) -> str:
    """An Atom text construct as HTML: type="text" (the default) is escaped."""
    if element is None:
        return ""
    if element.get("type", "text") in ("html", "xhtml", "text/html", "application/xhtml+xml"):
        return _text(element)
    return text_as_html(_text(element))


def _atom_link(element: ET.Element, base: str) -> str:
    return _alternate_href(element.findall(_ATOM_LINK), base)


def _alternate_href(links: list[ET.Element], base: str) -> str:
    """The address of the first alternate link (Atom's default relation), resolved."""
    for link in links:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return resolve(_base(link, base), link.get("href"))
    return ""


# An entry's children read by _atom_entry: the first of each of these, every link, and the
# name of the first author that has one.
_ATOM_ENTRY_PARTS = {
    f"{ATOM}{name}": name for name in ("id", "title", "published", "updated", "content", "summary")
}
_ATOM_LINK, _ATOM_AUTHOR, _ATOM_NAME = f"{ATOM}link", f"{ATOM}author", f"{ATOM}name"


def _atom_entry(element: ET.Element, base: str, feed_url: str) -> RawEntry:
    # One pass over the entry's children, where a find() for each part would walk them again
    # through ElementPath (a tenth of reading an Atom feed).
    parts: dict[str, ET.Element] = {}
    links: list[ET.Element] = []
    author = ""
    for child in element:
        tag = child.tag
        if tag == _ATOM_LINK:
            links.append(child)
        elif tag in _ATOM_ENTRY_PARTS:
            parts.setdefault(_ATOM_ENTRY_PARTS[tag], child)
        elif tag == _ATOM_AUTHOR and not author:
            author = _plain(child.find(_ATOM_NAME))
    entry = RawEntry(
        entry_id=_plain(parts.get("id")),
        title_html=_atom_text(parts.get("title")),
        link=_alternate_href(links, base),
        published=_plain(parts.get("published")),
        updated=_plain(parts.get("updated")),
        author=author,
    )
    # Relative addresses in the text resolve against the xml:base in scope (Atom, RFC 4287 §2);
    # without one, against the entry's own page rather than the feed's address.
    scope = base if base != feed_url else (entry.link or base)
    content = parts.get("content")
    if content is not None and not content.get("src"):
        entry.content_base = _base(content, scope)
        entry.content_html = _atom_text(content)
    if not entry.content_html:
        summary = parts.get("summary")
        if summary is not None:
            entry.content_base = _base(summary, scope)
            entry.content_html = _atom_text(summary)
    return entry


def _plain(element: ET.Element | None) -> str:
    """An element's own text, as ``findtext`` gives it, stripped."""
    return (element.text or "").strip() if element is not None else ""


def _read_atom(root: ET.Element, url: str) -> RawFeed:
    base = _base(root, url)
    feed = RawFeed(
        title=_atom_text(root.find(f"{ATOM}title")),
        site_url=_atom_link(root, base),
    )
    feed.entries = [_atom_entry(e, _base(e, base), url) for e in root.findall(f"{ATOM}entry")]
    return feed


def read_xml(document: bytes, *, url: str) -> RawFeed | None:
    """The feed in a UTF-8 XML document, or None to leave it to feedparser."""
    try:
        root = ET.fromstring(document)
    except ET.ParseError:
        return None
    if root.tag == "rss":
        return _read_rss(root, url)
    if root.tag == f"{RDF}RDF":
        return _read_rdf(root, url)
    if root.tag == f"{ATOM}feed":
        return _read_atom(root, url)
    return None
