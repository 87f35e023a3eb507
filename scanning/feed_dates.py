"""An entry's date as written in a feed, read as an aware UTC datetime.

The two formats nearly every feed uses (RFC 822 in RSS, ISO 8601 in Atom and RSS 1.0) are
read with the standard library; anything else goes to feedparser's date handlers, which know
the odd formats found in the wild. A date before 1990 or more than two days ahead is a
publishing system's default or a clock set wrong, and would put the entry at the wrong place
in the queue: it counts as no date.
"""

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from feedparser.datetimes import _parse_date as feedparser_parse_date

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=2)

# RFC 822 names only North American zones; the standard library reads any other name as "no
# zone". Swedish and other European publishers write CET and CEST, which read as UTC put an
# entry an hour or two off in the queue. Only names that mean one offset are listed: IST (India,
# Ireland, Israel) is left alone.
EUROPEAN_ZONES = {
    "WET": "+0000",
    "WEST": "+0100",
    "BST": "+0100",
    "CET": "+0100",
    "MET": "+0100",
    "CEST": "+0200",
    "MEST": "+0200",
    "MESZ": "+0200",
    "MEZ": "+0100",
    "EET": "+0200",
    "EEST": "+0300",
}
_TRAILING_ZONE = re.compile(r"\s([A-Za-z]{3,4})\s*$")


def _numeric_zone(value: str) -> str:
    """The date with a trailing European zone name written as its offset."""
    match = _TRAILING_ZONE.search(value)
    offset = EUROPEAN_ZONES.get(match[1].upper()) if match else None
    return f"{value[: match.start()]} {offset}" if offset else value


# The shape of nearly every RSS date, "Mon, 30 Nov 2026 08:15:00 +0100" (or GMT), read here
# in about a quarter of the time the standard library's general reader takes (after a failed
# ISO attempt); any other shape goes to the general readers.
_RFC822 = re.compile(
    r"(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?"
    r"\s*(?:([+-])(\d{2})(\d{2})|GMT|UTC?|Z)$"
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


def _common_rfc822(value: str) -> datetime | None:
    """The date if written in the common RFC 822 shape above, else None."""
    match = _RFC822.match(value)
    if match is None:
        return None
    day, month, year, hour, minute, second, sign, hours, minutes = match.groups()
    number = _MONTHS.get(month.lower())
    if number is None:
        return None
    offset = timedelta(0)
    if sign:
        offset = timedelta(hours=int(hours), minutes=int(minutes))
        offset = -offset if sign == "-" else offset
    try:
        return datetime(
            int(year),
            number,
            int(day),
            int(hour),
            int(minute),
            int(second or 0),
            tzinfo=timezone(offset),
        )
    except ValueError:  # no such day or time, or an offset of a day or more
        return None


def _read(value: str) -> datetime | None:
    if value[0].isalpha() and (moment := _common_rfc822(value)):
        return moment
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        pass
    else:
        # A date without a zone is taken as UTC: the zone is unknown either way.
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    try:
        moment = parsedate_to_datetime(_numeric_zone(value))
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    else:
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    parsed = feedparser_parse_date(value)
    if parsed is None:
        return None
    try:
        return datetime(*parsed[:6], tzinfo=UTC)
    except (ValueError, OverflowError):
        return None


def parse_date(value: str, *, now: datetime | None = None) -> datetime | None:
    """The date in UTC, or None when it is missing, unreadable or absurd."""
    value = (value or "").strip()
    if not value:
        return None
    moment = _read(value)
    if moment is None:
        return None
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:  # the first or last day a datetime holds, moved past it
        return None
    now = now or datetime.now(UTC)
    if moment < EARLIEST or moment > now + FUTURE_SLACK:
        return None
    return moment
