"""Counts per level kept by the database (``signals.models.LevelCount``).

Triggers on the signal table add one to the row of a signal's (organisation, area, author,
status, level, shared with the staff) when it is inserted or moves there, and take one away
when it is deleted or moves away. The existing signals are counted once, here.

A migration that rebuilds the signal table on SQLite drops these triggers:
``tests/signals/test_list_indexes`` then fails, and a migration after it must run
``create_triggers`` again and recount.
"""

import django.db.models.deletion
from django.db import migrations, models


# Each key column of the counts and the signal's value for it ({row} is OLD or NEW).
KEY = {
    "organization_id": "{row}.organization_id",
    "area_key": "COALESCE({row}.area_id, 0)",
    "author_key": "COALESCE({row}.created_by_id, 0)",
    "status": "{row}.status",
    "level": "{row}.level",
    "shared_with_staff": "{row}.shared_with_staff",
}
COLUMNS = ", ".join(KEY)
SIGNAL_COLUMNS = ("organization_id", "area_id", "created_by_id", "status", "level")
UPDATE_OF = ", ".join([*SIGNAL_COLUMNS, "shared_with_staff"])


def _values(row: str) -> str:
    return ", ".join(value.format(row=row) for value in KEY.values())


def _add(row: str) -> str:
    return (
        f"INSERT INTO signals_levelcount ({COLUMNS}, n) VALUES ({_values(row)}, 1) "
        f"ON CONFLICT ({COLUMNS}) DO UPDATE SET n = signals_levelcount.n + 1"
    )


def _take(row: str) -> str:
    matching = " AND ".join(f"{key} = {value.format(row=row)}" for key, value in KEY.items())
    return f"UPDATE signals_levelcount SET n = n - 1 WHERE {matching}"


MOVED = f"({_values('OLD')}) IS DISTINCT FROM ({_values('NEW')})"
SQLITE_MOVED = " OR ".join(
    f"OLD.{column} IS NOT NEW.{column}" for column in [*SIGNAL_COLUMNS, "shared_with_staff"]
)

SQLITE = [
    "CREATE TRIGGER IF NOT EXISTS signals_levelcount_insert AFTER INSERT ON signals_signal "
    f"BEGIN {_add('new')}; END",
    "CREATE TRIGGER IF NOT EXISTS signals_levelcount_delete AFTER DELETE ON signals_signal "
    f"BEGIN {_take('old')}; END",
    f"CREATE TRIGGER IF NOT EXISTS signals_levelcount_update AFTER UPDATE OF {UPDATE_OF} "
    f"ON signals_signal WHEN {SQLITE_MOVED} BEGIN {_take('old')}; {_add('new')}; END",
]
POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION signals_levelcount_change() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {_take('OLD')}; END IF; "
    f"IF TG_OP IN ('UPDATE', 'INSERT') THEN {_add('NEW')}; END IF; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER signals_levelcount_insert AFTER INSERT ON signals_signal "
    "FOR EACH ROW EXECUTE FUNCTION signals_levelcount_change()",
    "CREATE TRIGGER signals_levelcount_delete AFTER DELETE ON signals_signal "
    "FOR EACH ROW EXECUTE FUNCTION signals_levelcount_change()",
    f"CREATE TRIGGER signals_levelcount_update AFTER UPDATE OF {UPDATE_OF} ON signals_signal "
    f"FOR EACH ROW WHEN ({MOVED}) EXECUTE FUNCTION signals_levelcount_change()",
]
RECOUNT = [
    "DELETE FROM signals_levelcount",
    f"INSERT INTO signals_levelcount ({COLUMNS}, n) "
    f"SELECT {_values('signals_signal')}, COUNT(*) FROM signals_signal "
    f"GROUP BY {_values('signals_signal')}",
]
DROP = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS signals_levelcount_insert",
        "DROP TRIGGER IF EXISTS signals_levelcount_delete",
        "DROP TRIGGER IF EXISTS signals_levelcount_update",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS signals_levelcount_insert ON signals_signal",
        "DROP TRIGGER IF EXISTS signals_levelcount_delete ON signals_signal",
        "DROP TRIGGER IF EXISTS signals_levelcount_update ON signals_signal",
        "DROP FUNCTION IF EXISTS signals_levelcount_change()",
    ],
}


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}[vendor]
    for statement in [*DROP[vendor], *statements, *RECOUNT]:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    for statement in DROP[schema_editor.connection.vendor]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('organizations', '0005_organization_data_version'),
        ('signals', '0010_signal_search_vector'),
    ]

    operations = [
        migrations.CreateModel(
            name='LevelCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('area_key', models.PositiveBigIntegerField()),
                ('author_key', models.PositiveBigIntegerField()),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('logged', 'Logged'), ('archived', 'Archived')], max_length=20)),
                ('level', models.CharField(choices=[('inner', 'Inner world'), ('near', 'Near world'), ('outer', 'Outer world')], max_length=10)),
                ('shared_with_staff', models.BooleanField()),
                ('n', models.IntegerField(default=0)),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organizations.organization', verbose_name='organisation')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('organization', 'area_key', 'author_key', 'status', 'level', 'shared_with_staff'), name='unique_level_count')],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
