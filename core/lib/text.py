"""Text people type, made safe to store and show: no bidirectional control characters.

An override such as U+202E makes "Rapport \u202efdp.exe" read as "Rapport exe.pdf", so a title,
tag or name could pose as something it is not. Nobody types these characters on purpose (a
right-to-left script needs none of them: the browser orders its letters itself), so they are
removed wherever user text is written, and again wherever older text leaves the system.
"""

import re

# The embeddings and overrides (U+202A–U+202E), the isolates (U+2066–U+2069) and the marks
# (U+200E, U+200F and the Arabic letter mark U+061C).
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def strip_bidi_controls(text: str) -> str:
    """The text without bidirectional control characters; anything but a string as it is."""
    if not isinstance(text, str):
        return text
    return BIDI_CONTROLS.sub("", text)


# What no text column holds: NUL (PostgreSQL refuses it) and halves of a surrogate pair (no
# characters at all: UTF-8 cannot encode them, nor can nh3 take them).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> str:
    """The text without what no column holds, for text from outside that may carry it: a
    JSON Feed's escapes ("\\u0000", "\\ud800"), an HTTP header, an error that quotes an
    address a server sent."""
    return _UNSTORABLE.sub("", text)


# Å, Ä and Ö are letters of their own after Z in Swedish (Unicode's order puts Ä before Å).
_SWEDISH_LAST = str.maketrans({"å": "z\U0010fff0", "ä": "z\U0010fff1", "ö": "z\U0010fff2"})


def swedish_key(text: str) -> str:
    """A sort key for names in Swedish alphabetical order, ignoring case: "bidi" before
    "Testflöde", "Ystad" before "Ängelholm" before "Östra"."""
    return text.casefold().translate(_SWEDISH_LAST)
