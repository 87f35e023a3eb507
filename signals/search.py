"""Free-text search over ``Signal.search_document``.

PostgreSQL: full text with Swedish stemming ("förskolor" finds "förskola"), over the parsed
document each signal stores (``search_vector``, migration 0010) and its GIN index. SQLite:
every word of the query must occur in the document (the document is lower-cased already, and
the query is lower-cased here in Python because SQLite's LOWER and LIKE do not fold å, ä and
ö), found through the trigram index of migration 0009 for words of three letters or more.
"""

import re
from functools import cache

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection, connections
from django.db.models import F, Func, IntegerField, QuerySet
from django.db.models.expressions import Col, RawSQL

# Long enough for any honest query; a 100 kB query string is cut here, not sent to the database.
MAX_QUERY_LENGTH = 200
_WORD = re.compile(r"\w+")
# SQLite's trigram index (migration 0009) and the shortest word it can find: a word of one or
# two letters has no trigram.
FTS_TABLE = "signals_signal_fts"
FTS_MIN_LENGTH = 3


# The stored vector: a column of the signal table that Django's model does not declare (it is
# PostgreSQL's own, generated from ``search_document``; migration 0010).
VECTOR_FIELD = SearchVectorField()
VECTOR_FIELD.set_attributes_from_name("search_vector")


class SwedishDocument(F):
    """``search_vector``, the signal's stored ``to_tsvector('swedish', search_document)``.

    Resolved as a column of whichever alias the query gives the signal table (a search used
    inside another query's subquery reads its own rows' vectors).
    """

    def __init__(self):
        super().__init__("search_document")

    def resolve_expression(self, *args, **kwargs):
        document = super().resolve_expression(*args, **kwargs)
        return Col(document.alias, VECTOR_FIELD, output_field=VECTOR_FIELD)


def normalise_query(q: str) -> str:
    return " ".join(q.split())[:MAX_QUERY_LENGTH]


def search_signals(signals: QuerySet, q: str) -> QuerySet:
    """Narrow ``signals`` to those matching ``q``."""
    q = normalise_query(q)
    if not q:
        return signals
    if connection.vendor == "postgresql":
        query = SearchQuery(q, config="swedish", search_type="websearch")
        # alias, not annotate: the vector is matched, never selected.
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
    words = words_of(q)
    if not words:
        return signals.none()
    indexed = [word for word in words if len(word) >= FTS_MIN_LENGTH]
    if indexed:
        match = " ".join(f'"{word}"' for word in indexed)
        if _in_most_signals(signals, match):
            # Every word tested in each document the list's index gives, newest first: the
            # first thousand matches of a word in one signal in eight are among the newest
            # 8,000 rows, which SQLite tests in less time than the index lists the word's
            # 12,500 signals.
            return contains_every_word(signals, q, "search_document")
        matching = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", (match,))
        if _matches_many(signals.db, match):
            # Written "+id" so that SQLite does not look each match up by its id (reading all
            # of a common word's matches, then sorting them) but tests the rows the list's
            # indexes give in order: the newest 1,001 of one signal in eight are soon found.
            plus_id = Func(F("pk"), template="+%(expressions)s", output_field=IntegerField())
            signals = signals.alias(fts_id=plus_id).filter(fts_id__in=matching)
        else:
            signals = signals.filter(pk__in=matching)
    short = [word for word in words if len(word) < FTS_MIN_LENGTH]
    return contains_every_word(signals, " ".join(short), "search_document") if short else signals


# A search whose words are in more signals than this is not looked up by id (``_trigram_search``).
MANY_MATCHES = 2000


def _matches_many(alias: str, match: str) -> bool:
    """Whether the trigram index has more than ``MANY_MATCHES`` documents for ``match``:
    counted no further than that, which a common word's index answers at once."""
    with connections[alias].cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s LIMIT %s)",
            [match, MANY_MATCHES + 1],
        )
        return cursor.fetchone()[0] > MANY_MATCHES


# A search whose words are in more than this share of all signals reads the documents in the
# list's order (``_trigram_search``); below it, the index's matches are the cheaper start.
COMMON_SHARE = 0.1


def _in_most_signals(signals: QuerySet, match: str) -> bool:
    """Whether the trigram index has ``match`` in more than ``COMMON_SHARE`` of the signals
    (of every organisation: the index's own share), counted no further than that. Asked
    while the search's SQL is built, which the list does once per search and process
    (``selectors.search_matches``)."""
    table = connections[signals.db].ops.quote_name(signals.model._meta.db_table)
    with connections[signals.db].cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        limit = int(cursor.fetchone()[0] * COMMON_SHARE)
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s LIMIT %s)",
            [match, limit + 1],
        )
        return cursor.fetchone()[0] > limit


def words_of(q: str) -> list[str]:
    """The words SQLite's search looks for, lower-cased (SQLite's LOWER and LIKE do not fold
    å, ä and ö, so the documents are stored lower-cased and the query is lowered here)."""
    return _WORD.findall(q.lower())


def contains_every_word(rows: QuerySet, q: str, document: str) -> QuerySet:
    """SQLite's search: every word of ``q`` occurs in the lower-cased ``document`` field
    (the query lower-cased here: SQLite's LOWER and LIKE do not fold å, ä and ö)."""
    words = words_of(q)
    if not words:
        return rows.none()
    for word in words:
        rows = rows.filter(**{f"{document}__contains": word})
    return rows


def ranked_entries(entries: QuerySet, q: str) -> QuerySet:
    """The search entries (``SearchEntry``, PostgreSQL) matching ``q``, best match first: the
    matches and order ``order_by_relevance(search_signals(signals, q), q)`` gives their
    signals, read from the narrow table."""
    query = SearchQuery(normalise_query(q), config="swedish", search_type="websearch")
    return (
        entries.filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", "-created_at", "-signal_id")
    )


def order_by_relevance(signals: QuerySet, q: str) -> QuerySet:
    """Best match first on PostgreSQL, ranked from the stored vectors (no document is parsed
    again); SQLite has no ranking, so newest first there."""
    q = normalise_query(q)
    if not q or connection.vendor != "postgresql":
        return signals.order_by("-created_at", "-pk")
    query = SearchQuery(q, config="swedish", search_type="websearch")
    rank = SearchRank(SwedishDocument(), query)
    return signals.annotate(rank=rank).order_by("-rank", "-created_at", "-pk")
