"""Indexes for the list over a large register (issue: speed under load), organisation first.

The title sort's index is written by hand: on PostgreSQL it must use the Swedish ICU collation
the sort uses (``selectors.title_order``), or the planner will not use it, and a PostgreSQL
built without ICU has no such collation (then the sort uses the database's default, and so
does the index). SQLite sorts titles by code point, which a plain index serves.
"""

from django.db import migrations, models

TITLE_INDEX = "signal_org_title"
SWEDISH_COLLATION = "sv-x-icu"


def create_title_index(apps, schema_editor):
    collate = ""
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_collation WHERE collname = %s", [SWEDISH_COLLATION])
            if cursor.fetchone() is not None:
                collate = f' COLLATE "{SWEDISH_COLLATION}"'
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TITLE_INDEX} ON signals_signal "
        f"(organization_id, title{collate}, id)"
    )


def drop_title_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {TITLE_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("signals", "0004_area_watch"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="signal",
            name="signal_org_status_date",
        ),
        migrations.AddIndex(
            model_name="signal",
            index=models.Index(fields=["organization", "created_at", "id"], name="signal_org_date"),
        ),
        migrations.AddIndex(
            model_name="signal",
            index=models.Index(
                fields=["organization", "status", "created_at", "id"],
                name="signal_org_status_date",
            ),
        ),
        migrations.AddIndex(
            model_name="signal",
            index=models.Index(
                fields=["organization", "status", "level"], name="signal_org_status_level"
            ),
        ),
        migrations.AddIndex(
            model_name="signal",
            index=models.Index(
                fields=["created_by", "organization", "status"], name="signal_author"
            ),
        ),
        migrations.RunPython(create_title_index, drop_title_index, elidable=False),
    ]
