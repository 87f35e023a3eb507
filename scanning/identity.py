"""What makes two entries the same story: a canonical address, a title fingerprint, and the
key that identifies an entry within its own feed.

The same story reaches a municipality through several feeds (the agency's own, a newsletter
that links to it with its campaign parameters, an aggregator with a slightly different title),
and the triage queue should show it once.
"""

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Parameters that say how a reader arrived, never which page it is.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "__hstc",
        "__hssc",
        "__hsfp",
        "hsctatracking",
        "igshid",
        "ref_src",
        "ref_url",
        "mkt_tok",
        "_ga",
        "_gl",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "wt_mc",
        "at_medium",
        "at_campaign",
        "spm",
        "cmpid",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "matomo_")
DEFAULT_PORTS = {"http": "80", "https": "443"}

KEY_MAX = 255


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


# Most entries' addresses: http(s), a host name, a path, and nothing else (no port, user,
# query or fragment). Their canonical form is quick to write without taking them apart.
_PLAIN_URL = re.compile(r"https?://([A-Za-z0-9.-]+)(/[^?#\s]*)?", re.IGNORECASE)


def canonical_url(url: str) -> str:
    """The address in the one form all its variants share, for finding the same story in two
    feeds: "//host/path?sorted=query". The scheme is dropped because many sites serve one
    story over both http and https; tracking parameters, fragment, default port and a trailing
    slash (on a non-root path) go too. "" for anything that is not an http(s) address."""
    url = (url or "").strip()
    plain = _PLAIN_URL.fullmatch(url)
    if plain and (host := plain[1].lower().rstrip(".")):
        path = plain[2] or "/"
        if len(path) > 1:
            path = path.rstrip("/") or "/"
        return f"//{host}{path}"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return ""
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    if port is not None and str(port) != DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = sorted((k, v) for k, v in pairs if not _is_tracking(k))
    return urlunsplit(("", host, path, urlencode(query), ""))


_WORD = re.compile(r"[^\W_]+")


def title_fingerprint(title: str) -> str:
    """The title reduced to its words, for spotting the same headline written twice: case,
    punctuation (dashes, colons, quotes, !) and spacing ignored; å, ä and ö stay letters."""
    # NFC first so an "ä" written as "a" + combining diaeresis matches the single character.
    text = unicodedata.normalize("NFC", title or "").casefold()
    # Its words found in one pass (a quarter cheaper than blanking what is not a word and
    # splitting: this runs for every entry of every changed feed).
    return " ".join(_WORD.findall(text))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entry_key(
    *,
    entry_id: str,
    link: str,
    title: str,
    published: str,
    content: str,
    shared_link: bool = False,
) -> str:
    """The entry's identity within its feed: its id (guid) when it has one, else its address,
    else a hash of what it says. Long ids and addresses are hashed so a key fits in 255.

    ``shared_link``: other entries of the document without an id have the same address (a
    feed that links every item to one page), so the address tells them apart no more than
    a missing one would: the hash. An entry whose address is its own keeps it as its key, so
    the keys of entries stored before stay what they were."""
    if entry_id:
        key = f"id:{entry_id}"
        return key if len(key) <= KEY_MAX else f"id#{_digest(entry_id)}"
    if link and not shared_link:
        canonical = canonical_url(link) or link
        key = f"link:{canonical}"
        return key if len(key) <= KEY_MAX else f"link#{_digest(canonical)}"
    return "hash:" + _digest("\x1f".join((title, published, content)))
