"""The search table (``signals.models.SearchEntry``): each signal's stored vector with its
organisation, status, sharing, level and date, kept by triggers on PostgreSQL.

A trigger on the signal table writes a signal's entry when the signal is inserted or one of
those columns (or the document its vector is made from) changes, and removes it with the
signal; the vector is the signal's own generated column (0010), which an AFTER trigger sees
already computed. The existing signals are copied once, here. SQLite gets the table only.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

# The entry's columns and the signal's for each.
COPIED = {
    "signal_id": "id",
    "organization_id": "organization_id",
    "status": "status",
    "level": "level",
    "shared_with_staff": "shared_with_staff",
    "created_at": "created_at",
    "search_vector": "search_vector",
}
COLUMNS = ", ".join(COPIED)
# An update of the signal that changes none of these leaves its entry alone.
WATCHED = [column for column in COPIED.values() if column not in ("id", "search_vector")]
UPDATE_OF = ", ".join([*WATCHED, "search_document"])
CHANGED = " OR ".join(
    f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in [*WATCHED, "search_document"]
)
NEW_VALUES = ", ".join(f"NEW.{column}" for column in COPIED.values())
UPSERT = (
    f"INSERT INTO signals_searchentry ({COLUMNS}) VALUES ({NEW_VALUES}) "
    "ON CONFLICT (signal_id) DO UPDATE SET "
    + ", ".join(f"{column} = EXCLUDED.{column}" for column in COPIED if column != "signal_id")
)
POSTGRESQL = [
    "CREATE INDEX IF NOT EXISTS search_entry_vector ON signals_searchentry "
    "USING gin (search_vector)",
    "CREATE OR REPLACE FUNCTION signals_searchentry_change() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP = 'DELETE' THEN DELETE FROM signals_searchentry WHERE signal_id = OLD.id; "
    f"ELSE {UPSERT}; END IF; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER signals_searchentry_insert AFTER INSERT ON signals_signal "
    "FOR EACH ROW EXECUTE FUNCTION signals_searchentry_change()",
    "CREATE TRIGGER signals_searchentry_delete AFTER DELETE ON signals_signal "
    "FOR EACH ROW EXECUTE FUNCTION signals_searchentry_change()",
    f"CREATE TRIGGER signals_searchentry_update AFTER UPDATE OF {UPDATE_OF} ON signals_signal "
    f"FOR EACH ROW WHEN ({CHANGED}) EXECUTE FUNCTION signals_searchentry_change()",
]
COPY = [
    "DELETE FROM signals_searchentry",
    f"INSERT INTO signals_searchentry ({COLUMNS}) "
    f"SELECT {', '.join(COPIED.values())} FROM signals_signal",
]
DROP = [
    "DROP TRIGGER IF EXISTS signals_searchentry_insert ON signals_signal",
    "DROP TRIGGER IF EXISTS signals_searchentry_delete ON signals_signal",
    "DROP TRIGGER IF EXISTS signals_searchentry_update ON signals_signal",
    "DROP FUNCTION IF EXISTS signals_searchentry_change()",
]


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in [*DROP, *POSTGRESQL, *COPY]:
            schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0005_organization_data_version"),
        ("signals", "0012_area_level_date_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                (
                    "signal",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="signals.signal",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("logged", "Logged"),
                            ("archived", "Archived"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("inner", "Inner world"),
                            ("near", "Near world"),
                            ("outer", "Outer world"),
                        ],
                        max_length=10,
                    ),
                ),
                ("shared_with_staff", models.BooleanField()),
                ("created_at", models.DateTimeField()),
                ("search_vector", django.contrib.postgres.search.SearchVectorField(null=True)),
                (
                    "organization",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organizations.organization",
                    ),
                ),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
