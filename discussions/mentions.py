"""Mentions in a comment: ``@username`` names a member, who is then told.

Only whole names count: an e-mail address (``lena@kungsbacka.se``) mentions nobody, and a
name's trailing punctuation ("@lena.") is not part of it.
"""

import re

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
