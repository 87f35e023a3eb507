"""The Swedish catalogue is complete and compiled: a Swedish user never meets English UI text."""

import gettext
import re
from pathlib import Path

from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale" / "sv" / "LC_MESSAGES"


def _quoted(body: str, keyword: str) -> str:
    """The string after ``keyword`` (msgid, msgctxt), its quoted lines joined; "" if none."""
    match = re.search(rf'^{keyword} ((?:".*"\n?)+)', body + "\n", re.MULTILINE)
    return "".join(re.findall(r'"(.*)"', match.group(1))) if match else ""


def _po_entries():
    """(msgid, translated?) for each non-obsolete entry of the .po, header excluded."""
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    entries = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid ") for line in lines):
            continue
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        body = "\n".join(line for line in lines if not line.startswith("#"))
        msgid = _quoted(body, "msgid")
        if not msgid:
            continue  # the header
        context = _quoted(body, "msgctxt")
        if context:  # pgettext: the compiled catalogue keys it as context, EOT, msgid
            msgid = f"{context}\x04{msgid}"
        msgstrs = re.findall(r'msgstr(?:\[\d\])? ((?:".*"\n?)+)', body + "\n")
        translated = all("".join(re.findall(r'"(.*)"', m)) for m in msgstrs) and bool(msgstrs)
        entries.append((msgid, translated and not fuzzy))
    return entries


def test_every_message_has_a_swedish_translation():
    untranslated = [msgid for msgid, translated in _po_entries() if not translated]
    assert untranslated == [], f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"


def test_the_compiled_catalogue_matches_the_source():
    with (LOCALE / "django.mo").open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)
    compiled = {key[0] if isinstance(key, tuple) else key for key in catalogue._catalog} - {""}
    source = {
        msgid.encode().decode("unicode_escape").encode("latin-1").decode()
        for msgid, _ in _po_entries()
    }
    assert source - compiled == set(), "run `make messages` (compilemessages) and commit the .mo"


def test_level_names_are_the_swedish_domain_words():
    with (LOCALE / "django.mo").open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)
    assert [catalogue.gettext(w) for w in ("Inner world", "Near world", "Outer world")] == [
        "Invärld",
        "Närvärld",
        "Omvärld",
    ]
