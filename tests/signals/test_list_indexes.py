"""The database objects the list depends on that Django's model state does not know of (made
by hand in migrations). A migration that rebuilds the signal table on SQLite (Django does that
for most field changes) drops them silently: then add a migration after it that runs again
0005's ``create_title_index``, 0009's ``create_search_index`` and 0011's ``create_triggers``
(which recounts)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, "signals_signal"))


def test_the_title_sort_has_its_index():
    assert "signal_org_title" in _indexes()


def test_sqlite_search_reads_the_trigram_index_which_triggers_keep_current():
    if connection.vendor != "sqlite":
        return  # PostgreSQL's search index: tests/signals/test_search.py
    from signals.models import Signal
    from signals.search import search_signals

    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        triggers = {name for (name,) in cursor.fetchall()}
    assert {
        "signals_signal_fts_insert",
        "signals_signal_fts_update",
        "signals_signal_fts_delete",
    } <= triggers
    assert "signals_signal_fts MATCH" in str(search_signals(Signal.objects.all(), "skola").query)


def test_the_counts_per_level_have_their_triggers():
    if connection.vendor == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        sql = "SELECT tgname FROM pg_trigger WHERE tgrelid = 'signals_signal'::regclass"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        triggers = {name for (name,) in cursor.fetchall()}
    assert {
        "signals_levelcount_insert",
        "signals_levelcount_update",
        "signals_levelcount_delete",
    } <= triggers
