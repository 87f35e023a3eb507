"""The Swedish full-text index for signal search, on PostgreSQL only.

The indexed expression must stay character for character the one ``signals.search.SwedishDocument``
produces, or the planner will not use the index. SQLite has no such index: there the migration
does nothing, in both directions.
"""

from django.db import migrations

INDEX_NAME = "signal_search_swedish"
CREATE = (
    f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON signals_signal "
    "USING gin (to_tsvector('swedish'::regconfig, search_document))"
)
DROP = f"DROP INDEX IF EXISTS {INDEX_NAME}"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("signals", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
