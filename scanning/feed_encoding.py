"""A fetched feed's bytes as text: which encoding the bytes are really in.

Done here rather than left to feedparser so both readers (scanning.feed_xml and
scanning.feed_fallback) see the same text, and so the choices below hold:

- A byte order mark settles it.
- Else the HTTP charset, else the XML declaration (RFC 7303 ranks them so). One exception: a
  server that labels everything text/*; charset=iso-8859-1 by default while the document
  itself declares UTF-8 and is valid UTF-8 — the document knows better.
- ISO-8859-1 and US-ASCII are read as windows-1252, as browsers do (WHATWG Encoding): feeds
  declared latin-1 are often written on Windows, and 0x80–0x9F then are €, curly quotes and
  dashes, never the C1 control characters latin-1 would give.
- Nothing declared: UTF-8 if the bytes are UTF-8, else windows-1252.
"""

import codecs
import re

_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WINDOWS_1252_ALIASES = {"iso8859-1", "latin-1", "ascii", "cp1252"}


def charset_of(content_type: str) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    match = _CHARSET.search(content_type or "")
    return match.group(1) if match else None


def _normalise(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip()).name
    except (LookupError, ValueError):  # ValueError: a NUL in the label
        return None
    return "cp1252" if name in _WINDOWS_1252_ALIASES else name


def _decode_1252(body: bytes) -> str:
    try:
        return body.decode("cp1252")
    except UnicodeDecodeError:
        # The five bytes windows-1252 leaves undefined are read as latin-1, as browsers do.
        return body.decode("latin-1")


def _decode(body: bytes, encoding: str) -> str | None:
    if encoding == "cp1252":
        return _decode_1252(body)
    try:
        return body.decode(encoding)
    except (UnicodeError, LookupError):  # UnicodeError: the codec "undefined" decodes nothing
        return None


def decode_body(body: bytes, *, charset: str | None = None) -> str:
    """The body as text, in the encoding the rules above choose; never raises."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, errors="replace")
    match = _XML_DECLARATION.match(body[:512])
    declared = _normalise(match.group(1).decode("ascii")) if match else None
    from_http = _normalise(charset)
    if from_http == "cp1252" and declared == "utf-8":
        from_http = None  # the server's default label, see the module's docstring
    for encoding in (from_http, declared):
        if encoding and (text := _decode(body, encoding)) is not None:
            return text
    text = _decode(body, "utf-8")
    return text if text is not None else _decode_1252(body)
