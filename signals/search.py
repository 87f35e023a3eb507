"""Free-text search over ``Signal.search_document``.

PostgreSQL: full text with Swedish stemming ("förskolor" finds "förskola"), served by the GIN
index of migration 0002 over exactly ``SWEDISH_DOCUMENT``'s expression. SQLite: every word of
the query must occur in the document (the document is lower-cased already, and the query is
lower-cased here in Python because SQLite's LOWER and LIKE do not fold å, ä and ö), found
through the trigram index of migration 0009 for words of three letters or more.
"""

import re
from datetime import UTC, datetime, timedelta
from functools import cache

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection, connections
from django.db.models import (
    Case,
    DateTimeField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

# Long enough for any honest query; a 100 kB query string is cut here, not sent to the database.
MAX_QUERY_LENGTH = 200
# How many of the newest matches are ranked by relevance. Ranking parses each matching
# document again, about 20 µs a row: a common word (one signal in eight of 100,000) took a
# quarter of a second. The rest follow, newest first; in a register of what is happening now,
# the newest matches are where the best ones are looked for.
RANKED_MATCHES = 500
_BEFORE_EVERYTHING = datetime(1, 1, 1, tzinfo=UTC)
_WORD = re.compile(r"\w+")
# SQLite's trigram index (migration 0009) and the shortest word it can find: a word of one or
# two letters has no trigram.
FTS_TABLE = "signals_signal_fts"
FTS_MIN_LENGTH = 3


class SwedishDocument(Func):
    """``to_tsvector('swedish'::regconfig, search_document)``.

    Written out rather than built with ``SearchVector(config=…)``, which wraps the column in
    COALESCE and passes the configuration as a parameter: the planner uses the index only when
    the query's expression is the index's expression, character for character.
    """

    function = "to_tsvector"
    template = "%(function)s('swedish'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()

    def __init__(self, expression="search_document", **extra):
        super().__init__(expression, **extra)


def normalise_query(q: str) -> str:
    return " ".join(q.split())[:MAX_QUERY_LENGTH]


def search_signals(signals: QuerySet, q: str) -> QuerySet:
    """Narrow ``signals`` to those matching ``q``."""
    q = normalise_query(q)
    if not q:
        return signals
    if connection.vendor == "postgresql":
        query = SearchQuery(q, config="swedish", search_type="websearch")
        # alias, not annotate: the document is matched, never selected (parsing it for every
        # matching row cost more than the match itself).
        return signals.alias(document=SwedishDocument()).filter(document=query)
    if _has_trigram_index(signals.db):
        return _trigram_search(signals, q)
    return contains_every_word(signals, q, "search_document")


@cache
def _has_trigram_index(alias: str) -> bool:
    """Whether SQLite has the trigram index: a Python whose SQLite lacks FTS5 has none, and
    then every word is looked for with LIKE."""
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS_TABLE]
        )
        return cursor.fetchone() is not None


def _trigram_search(signals: QuerySet, q: str) -> QuerySet:
    """``contains_every_word`` through the trigram index: the same matches (each word occurs
    somewhere in the document) without reading every document. Each word is one quoted FTS5
    phrase, so nothing in it is read as query syntax; the phrases side by side must all match."""
    words = _WORD.findall(q.lower())
    if not words:
        return signals.none()
    indexed = [word for word in words if len(word) >= FTS_MIN_LENGTH]
    if indexed:
        match = " ".join(f'"{word}"' for word in indexed)
        signals = signals.filter(
            pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", (match,))
        )
    for word in words:
        if len(word) < FTS_MIN_LENGTH:
            signals = signals.filter(search_document__contains=word)
    return signals


def contains_every_word(rows: QuerySet, q: str, document: str) -> QuerySet:
    """SQLite's search: every word of ``q`` occurs in the lower-cased ``document`` field
    (the query lower-cased here: SQLite's LOWER and LIKE do not fold å, ä and ö)."""
    words = _WORD.findall(q.lower())
    if not words:
        return rows.none()
    for word in words:
        rows = rows.filter(**{f"{document}__contains": word})
    return rows


def order_by_relevance(signals: QuerySet, q: str) -> QuerySet:
    """Best match first on PostgreSQL among the ``RANKED_MATCHES`` newest matches, then the
    older ones newest first; SQLite has no ranking, so newest first there."""
    q = normalise_query(q)
    if not q or connection.vendor != "postgresql":
        return signals.order_by("-created_at", "-pk")
    query = SearchQuery(q, config="swedish", search_type="websearch")
    # The date of the last ranked match; with fewer matches than the window, every match is
    # ranked. Sorted by a date plus nothing on purpose: by the plain date, PostgreSQL walks the
    # date index and parses document after document until enough match (140 ms for a common
    # word), instead of finding the matches through the GIN index in one pass.
    by_date = ExpressionWrapper(F("created_at") + Value(timedelta(0)), DateTimeField())
    newest = signals.order_by(by_date.desc()).values("created_at")
    cutoff = Coalesce(
        Subquery(newest[RANKED_MATCHES - 1 : RANKED_MATCHES]), Value(_BEFORE_EVERYTHING)
    )
    rank = Case(
        When(created_at__gte=cutoff, then=SearchRank(SwedishDocument(), query)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    return signals.annotate(rank=rank).order_by("-rank", "-created_at", "-pk")
