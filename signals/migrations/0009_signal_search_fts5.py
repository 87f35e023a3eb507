"""A trigram full-text index for signal search, on SQLite only (where FTS5 is compiled in).

An FTS5 table over ``signals_signal.search_document`` with the signal's id as its rowid,
holding no copy of the text ("external content"), kept in step by triggers on the signal
table: every way a document is written (the services, ``bulk_update`` after a tag is renamed,
the admin, a bulk load) updates the index in the same transaction.

The trigram tokenizer keeps the search's meaning, a word occurring anywhere in the document
("skola" finds "förskola"), and folds case but not diacritics, so å, ä and ö stay distinct
letters. A word shorter than three letters has no trigram; ``signals.search`` looks for it
with LIKE, as before.

A migration that rebuilds the signal table on SQLite (Django does that for many field
changes) drops these triggers: ``tests/signals/test_list_indexes`` then fails, and a migration
after it must run ``create_search_index`` again.
"""

import sqlite3

from django.db import migrations

TABLE = "signals_signal_fts"
CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
    "search_document, content='signals_signal', content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_insert AFTER INSERT ON signals_signal BEGIN "
    f"INSERT INTO {TABLE}(rowid, search_document) VALUES (new.id, new.search_document); END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_delete AFTER DELETE ON signals_signal BEGIN "
    f"INSERT INTO {TABLE}({TABLE}, rowid, search_document) "
    "VALUES ('delete', old.id, old.search_document); END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_update AFTER UPDATE OF search_document "
    f"ON signals_signal BEGIN "
    f"INSERT INTO {TABLE}({TABLE}, rowid, search_document) "
    "VALUES ('delete', old.id, old.search_document); "
    f"INSERT INTO {TABLE}(rowid, search_document) VALUES (new.id, new.search_document); END",
    # Index what is there already (every signal: the table was rebuilt, or is new).
    f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')",
]
DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_insert",
    f"DROP TRIGGER IF EXISTS {TABLE}_delete",
    f"DROP TRIGGER IF EXISTS {TABLE}_update",
    f"DROP TABLE IF EXISTS {TABLE}",
]


# FTS5's trigram tokenizer came with SQLite 3.34 (Debian 12 has 3.40; Ubuntu 20.04 had 3.31).
TRIGRAM_SINCE = (3, 34, 0)


def has_fts5(connection) -> bool:
    """Whether this SQLite can hold the trigram index; without it search keeps using LIKE."""
    if sqlite3.sqlite_version_info < TRIGRAM_SINCE:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_compileoption_used('ENABLE_FTS5')")
        return bool(cursor.fetchone()[0])


def create_search_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite" or not has_fts5(connection):
        return
    for statement in CREATE:
        schema_editor.execute(statement)


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in DROP:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("signals", "0008_area_level_index"),
    ]

    operations = [
        migrations.RunPython(create_search_index, drop_search_index, elidable=False),
    ]
