"""The Swedish full-text index for the queue's text filter, on PostgreSQL only.

The indexed expression must stay character for character the one
``signals.search.SwedishDocument`` produces over ``scanning_entry.search_document``, or the
planner will not use the index. SQLite has no such index: there the migration does nothing.
"""

from django.db import migrations

INDEX_NAME = "entry_search_swedish"
CREATE = (
    f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON scanning_entry "
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
        ("scanning", "0003_entry_search_document"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
