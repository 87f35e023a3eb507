"""Inserting many rows at once without building a model instance for each.

``bulk_create`` spends most of its time per object in Python (instantiating the model,
preparing every field's value), which is what a feed's entries and their queue items would
pay on every poll. Here the caller gives the values as the database takes them, for the
columns it names, and gets the new ids back in order (PostgreSQL and SQLite ≥ 3.35 both
return rows from a multi-row INSERT, in the order given, as Django's own bulk_create relies
on). Nothing else: no signals, no defaults, no validation: the caller's service does that.
"""

from collections.abc import Sequence
from datetime import datetime

from django.db import connection
from django.db.models import Model

# Rows per statement: well under SQLite's limit on query parameters (32,766) for our widths.
BATCH = 500


def db_datetime(value: datetime | None):
    """A datetime as this database's column takes it (SQLite: text in UTC)."""
    if value is None:
        return None
    return connection.ops.adapt_datetimefield_value(value)


def insert_rows(model: type[Model], columns: Sequence[str], rows: Sequence[Sequence]) -> list[int]:
    """Insert rows into model's table (values in the order of ``columns``, database column
    names); returns the new primary keys in the order of ``rows``."""
    if not rows:
        return []
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    one_row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    pk = quote(model._meta.pk.column)
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            values = ", ".join([one_row] * len(batch))
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {values} RETURNING {pk}",
                [value for row in batch for value in row],
            )
            ids.extend(row[0] for row in cursor.fetchall())
    return ids
