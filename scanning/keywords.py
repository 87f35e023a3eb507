"""Keyword rules: which items a subscription's words let into the queue.

A phrase matches whole words, ignoring case, in an item's title and summary: "skola" matches
"Skola" and "ny skola," but not "skolan" or "folkhögskola". Swedish compounds are why a phrase
may end in ``*``: "skol*" matches "skolan" and "skolverket"; or begin with one: "*skola" matches
"förskola" and "folkhögskola". Spaces in a phrase match any whitespace. Python's ``\\w`` is
Unicode-aware, so å, ä and ö are letters of a word.

The verdict: an item matching any exclude rule is hidden; where include rules exist, an item
must match at least one of them. Subscription rules and the organisation's own apply together.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Rule:
    kind: str  # RuleKind value: "include" or "exclude"
    phrase: str


@lru_cache(maxsize=2048)
def phrase_pattern(phrase: str) -> re.Pattern[str]:
    words = phrase.strip()
    # "*skola": any word that ends so. The match still starts where a word does, so a long
    # word is tried once, not from each of its letters.
    start = r"(?<!\w)\w*" if words.startswith("*") else r"(?<!\w)"
    end = r"\w*" if words.endswith("*") else r"(?!\w)"
    body = r"\s+".join(re.escape(word) for word in words.strip("*").split())
    return re.compile(rf"{start}{body}{end}", re.IGNORECASE)


def matches(phrase: str, text: str) -> bool:
    if not phrase.strip("* \t"):
        return False
    return phrase_pattern(phrase).search(text) is not None


def kept(rules: Iterable[Rule], text: str) -> bool:
    """Whether an item with this text (title and summary) stays in the queue under the rules."""
    includes = []
    for rule in rules:
        if rule.kind == "exclude":
            if matches(rule.phrase, text):
                return False
        else:
            includes.append(rule.phrase)
    return not includes or any(matches(phrase, text) for phrase in includes)
