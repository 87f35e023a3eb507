"""The title sort's index, made again where it went missing.

On SQLite, adding ``shared_with_staff`` (0006) rebuilt the signal table, and a rebuilt table
keeps only the indexes the model declares: the hand-written title index of 0005 was lost, and
sorting 100,000 signals by title took a quarter of a second. ``tests/signals/test_list_indexes``
now checks that the database has it.
"""

from importlib import import_module

from django.db import migrations

list_indexes = import_module("signals.migrations.0005_list_indexes")


def noop(apps, schema_editor):
    """Going back leaves the index: 0005 made it and takes it away."""


class Migration(migrations.Migration):
    dependencies = [
        ("signals", "0006_signal_shared_with_staff"),
    ]

    operations = [
        migrations.RunPython(list_indexes.create_title_index, noop, elidable=False),
    ]
