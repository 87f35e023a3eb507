"""An entry's date as written in a feed, read as an aware UTC datetime.

The two formats nearly every feed uses (RFC 822 in RSS, ISO 8601 in Atom and RSS 1.0) are
read with the standard library; anything else goes to feedparser's date handlers, which know
the odd formats found in the wild. A date before 1990 or more than two days ahead is a
publishing system's default or a clock set wrong, and would put the entry at the wrong place
in the queue: it counts as no date.
"""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from feedparser.datetimes import _parse_date as feedparser_parse_date

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=2)


def _read(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        pass
    else:
        # A date without a zone is taken as UTC: the zone is unknown either way.
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        pass
    else:
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    parsed = feedparser_parse_date(value)
    if parsed is None:
        return None
    try:
        return datetime(*parsed[:6], tzinfo=UTC)
    except ValueError:
        return None


def parse_date(value: str, *, now: datetime | None = None) -> datetime | None:
    """The date in UTC, or None when it is missing, unreadable or absurd."""
    value = (value or "").strip()
    if not value:
        return None
    moment = _read(value)
    if moment is None:
        return None
    moment = moment.astimezone(UTC)
    now = now or datetime.now(UTC)
    if moment < EARLIEST or moment > now + FUTURE_SLACK:
        return None
    return moment
