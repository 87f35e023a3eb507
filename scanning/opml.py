"""OPML 2.0: the list of feeds every feed reader exports and imports.

Reading a file someone uploads must not let it read our files or exhaust memory: XML's
document type declarations (external entities, "billion laughs" entity expansion) are refused
outright, before any entity is declared, and only the attributes of ``<outline>`` elements are
kept. The file is read with expat directly (defusedxml is not a dependency); an OPML file
never needs a DOCTYPE.
"""

from dataclasses import dataclass
from xml.parsers import expat
from xml.sax.saxutils import quoteattr

from django.utils.translation import gettext_lazy as _

# An OPML file of a few hundred feeds is tens of kilobytes.
OPML_MAX_BYTES = 1024 * 1024

TOO_LARGE = _("The file is larger than 1 MB; an OPML file of feeds is far smaller.")
NOT_XML = _("The file is not an OPML file (it is not valid XML).")
NOT_OPML = _("The file is not an OPML file (it has no <opml> element).")
DOCTYPE_REFUSED = _(
    "The file declares a document type or entities, which an OPML file never needs; "
    "it was not read."
)


class OPMLError(Exception):
    """The file cannot be read as OPML; ``str(error)`` says why, for people to read."""


@dataclass(frozen=True)
class OutlineFeed:
    url: str
    title: str
    site_url: str


class _Refused(Exception):
    pass


def parse_opml(data: bytes) -> list[OutlineFeed]:
    """The feeds of an OPML file, in file order; categories (nested outlines) are flattened and
    outlines without ``xmlUrl`` are skipped. Raises ``OPMLError``."""
    if len(data) > OPML_MAX_BYTES:
        raise OPMLError(TOO_LARGE)
    feeds: list[OutlineFeed] = []
    root: list[str] = []

    def start(name, attributes):
        if not root:
            root.append(name)
        if name != "outline":
            return
        url = (attributes.get("xmlUrl") or attributes.get("xmlurl") or "").strip()
        if url:
            title = attributes.get("title") or attributes.get("text") or ""
            site_url = (attributes.get("htmlUrl") or "").strip()
            feeds.append(OutlineFeed(url=url, title=title.strip(), site_url=site_url))

    def refuse(*_args):
        raise _Refused

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    try:
        parser.Parse(data, True)
    except _Refused:
        raise OPMLError(DOCTYPE_REFUSED) from None
    except (expat.ExpatError, ValueError):
        raise OPMLError(NOT_XML) from None
    if root != ["opml"]:
        raise OPMLError(NOT_OPML)
    return feeds


def opml_document(subscriptions, *, title: str) -> bytes:
    """OPML 2.0 listing the subscriptions: each an ``outline`` of type rss named by the
    organisation's name for it."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        f"    <title>{_escape(title)}</title>",
        "  </head>",
        "  <body>",
    ]
    for subscription in subscriptions:
        feed = subscription.feed
        attributes = [
            ("type", "rss"),
            ("text", subscription.name),
            ("title", subscription.name),
            ("xmlUrl", feed.url),
        ]
        if feed.site_url:
            attributes.append(("htmlUrl", feed.site_url))
        rendered = " ".join(f"{name}={quoteattr(_clean(value))}" for name, value in attributes)
        lines.append(f"    <outline {rendered}/>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines).encode("utf-8")


def _clean(value: str) -> str:
    """Without the control characters XML 1.0 cannot carry (a feed title may have them)."""
    return "".join(c for c in str(value) if c in "\t\n\r" or ord(c) >= 0x20)


def _escape(value: str) -> str:
    return quoteattr(_clean(value))[1:-1]
