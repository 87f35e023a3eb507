"""Mentions in a comment: ``@username`` names a member, who is then told.

Only whole names count: an e-mail address (``lena@kungsbacka.se``) mentions nobody, and a
name's trailing punctuation ("@lena.") is not part of it.
"""

import re

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# Usernames are Django's: letters, digits and @/./+/-/_. Not after a word character, so an
# e-mail address is not a mention.
MENTION = re.compile(r"(?<![\w@.+-])@([\w.+-]+)")


def mentioned_usernames(text: str) -> list[str]:
    """The usernames mentioned, lower-cased, each once, in the order they first appear."""
    seen: dict[str, None] = {}
    for match in MENTION.finditer(text or ""):
        name = match.group(1).rstrip(".-+").lower()
        if name:
            seen.setdefault(name, None)
    return list(seen)


# Rendered HTML in pieces: a tag, or the text between tags.
_TAG = re.compile(r"(<[^>]+>)")
_NOT_IN = {"a", "code", "pre"}


def highlight_mentions(html: SafeString, usernames: set[str]) -> SafeString:
    """``html`` (a rendered, cleaned comment) with each mention of one of ``usernames`` (the
    people the comment notified, lower-cased) marked up, so readers see whom it addresses.
    Text inside links and code is left as it is; a name nobody answers to stays plain text."""
    if not usernames or "@" not in html:
        return html
    pieces = _TAG.split(str(html))
    inside: list[str] = []
    for index, piece in enumerate(pieces):
        if piece.startswith("<"):
            name = piece.strip("</>").split()[0].lower() if piece.strip("</>") else ""
            if name in _NOT_IN:
                if piece.startswith("</"):
                    if inside:
                        inside.pop()
                elif not piece.endswith("/>"):
                    inside.append(name)
            continue
        if not inside and "@" in piece:
            pieces[index] = MENTION.sub(lambda match: _marked(match, usernames), piece)
    # Safe: the pieces are the cleaned HTML as it was, and our own markup around plain names.
    return mark_safe("".join(pieces))


def _marked(match: re.Match, usernames: set[str]) -> str:
    name = match.group(1)
    bare = name.rstrip(".-+")
    if bare.lower() not in usernames:
        return match.group(0)
    return str(format_html('<strong class="mention">@{}</strong>', bare)) + name[len(bare) :]
