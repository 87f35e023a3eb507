"""The Swedish full-text vector stored with each signal, on PostgreSQL only.

Until now search and ranking parsed ``search_document`` again for every matching row (about
20 µs a row: a common word matched one signal in eight). A generated column keeps the parsed
vector beside the text; PostgreSQL recomputes it on every write of the row, whatever writes
it, and the GIN index moves from the expression (0002) to the column.

Django's model does not declare the column (SQLite has none; its search index is 0009's);
``signals.search.SwedishDocument`` reads it. PostgreSQL refuses to change the type of
``search_document`` while the column depends on it: such a migration must drop the column
first and add it again.
"""

from django.db import migrations

COLUMN = "search_vector"
INDEX = "signal_search_vector"
OLD_INDEX = "signal_search_swedish"  # 0002's index over the expression
FORWARD = [
    f"ALTER TABLE signals_signal ADD COLUMN IF NOT EXISTS {COLUMN} tsvector "
    "GENERATED ALWAYS AS (to_tsvector('swedish'::regconfig, search_document)) STORED",
    f"CREATE INDEX IF NOT EXISTS {INDEX} ON signals_signal USING gin ({COLUMN})",
    f"DROP INDEX IF EXISTS {OLD_INDEX}",
]
BACKWARD = [
    f"CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON signals_signal "
    "USING gin (to_tsvector('swedish'::regconfig, search_document))",
    f"DROP INDEX IF EXISTS {INDEX}",
    f"ALTER TABLE signals_signal DROP COLUMN IF EXISTS {COLUMN}",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("signals", "0009_signal_search_fts5"),
    ]

    operations = [
        migrations.RunPython(forward, backward, elidable=False),
    ]
