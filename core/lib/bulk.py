"""Writing rows in one statement each, without a model instance per row or the ORM's
compiling: for the few hot paths that run on every poll of every feed (scanning.ingest,
scanning.fanout, scanning.polling).

``bulk_create`` spends most of its time per object in Python (instantiating the model,
preparing every field's value), and a queryset's ``update()`` compiles its SQL anew each
time, which is what a feed's entries and queue items would pay on every poll. Here the caller
gives the values as the database takes them, for the columns it names. Nothing else: no
signals, no defaults, no validation: the caller's service does that.

PostgreSQL and SQLite ≥ 3.35 both take ``INSERT … ON CONFLICT … DO NOTHING`` and
``RETURNING``, so one statement inserts what is new and says what it inserted.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar, cast

from django.db import connection
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)

# Rows per statement: well under SQLite's limit on query parameters (32,766) for our widths.
BATCH = 500


def db_datetime(value: datetime | None):
    """A datetime as this database's column takes it (SQLite: text in UTC)."""
    if value is None:
        return None
    return connection.ops.adapt_datetimefield_value(value)


def _insert(
    model: type[Model],
    columns: Sequence[str],
    rows: Sequence[Sequence],
    *,
    conflict: str,
    returning: Sequence[str],
) -> list[tuple]:
    if not rows:
        return []
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    one_row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    returned = ", ".join(quote(column) for column in returning)
    found: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            values = ", ".join([one_row] * len(batch))
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {values}{conflict} RETURNING {returned}",
                [value for row in batch for value in row],
            )
            found.extend(cursor.fetchall())
    return found


def insert_rows(model: type[Model], columns: Sequence[str], rows: Sequence[Sequence]) -> list[int]:
    """Insert rows into model's table (values in the order of ``columns``, database column
    names); returns the new primary keys in the order of ``rows`` (both databases return a
    multi-row INSERT's rows in the order given, as Django's own bulk_create relies on)."""
    pk = model._meta.pk
    assert pk is not None
    return [row[0] for row in _insert(model, columns, rows, conflict="", returning=[pk.column])]


def insert_new_rows(
    model: type[Model],
    columns: Sequence[str],
    rows: Sequence[Sequence],
    *,
    unique: Sequence[str],
    returning: Sequence[str],
) -> list[tuple]:
    """Insert the rows that no stored row matches on ``unique`` (the columns of a unique
    constraint); returns the ``returning`` columns of the rows inserted, in no promised
    order. A row that a concurrent transaction is inserting waits for it and, if that one
    commits, is left out: two writers never store one row twice, and neither fails."""
    quote = connection.ops.quote_name
    conflict = f" ON CONFLICT ({', '.join(quote(c) for c in unique)}) DO NOTHING"
    return _insert(model, columns, rows, conflict=conflict, returning=returning)


def relax_commit() -> None:
    """Inside a transaction: let its COMMIT return before its write-ahead log has reached the
    disk (PostgreSQL's ``synchronous_commit = off``, for this transaction only).

    Only for a transaction that a crash of the database server may lose without harm, because
    nothing outside the database has acted on it and doing it again is safe. What such a crash
    loses is the last few hundred milliseconds of those commits, whole: the database is never
    left inconsistent and every other transaction still waits for the disk. SQLite already
    commits without flushing (WAL with synchronous=NORMAL, config/settings.py)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _relaxed_from() -> str:
    # relax_commit() for a single statement outside a transaction block: set_config(…, true)
    # is SET LOCAL, and it holds for the statement's own implicit transaction, whose commit
    # comes before the setting is undone. Saves the block's BEGIN, SET and COMMIT round trips.
    if connection.vendor == "postgresql":
        return " FROM (SELECT set_config('synchronous_commit', 'off', true)) AS relaxed"
    return ""


def _update_sql(
    model: type[Model],
    pk: int,
    values: Mapping[str, Any],
    only_if: str,
    only_if_params: Sequence,
    relaxed: bool,
) -> tuple[str, list]:
    meta = model._meta
    quote = connection.ops.quote_name
    assignments, params = [], []
    for name, value in values.items():
        field = cast(Field, meta.get_field(name))
        assignments.append(f"{quote(field.column)} = %s")
        params.append(field.get_db_prep_save(value, connection))
    table = quote(meta.db_table)
    sql = f"UPDATE {table} SET {', '.join(assignments)}"
    if relaxed:
        sql += _relaxed_from()
    sql += f" WHERE {table}.{quote(meta.pk.column)} = %s"
    params.append(pk)
    if only_if:
        sql += f" AND ({only_if})"
        params.extend(only_if_params)
    return sql, params


def update_one(
    model: type[Model],
    pk: int,
    values: Mapping[str, Any],
    *,
    only_if: str = "",
    only_if_params: Sequence = (),
    relaxed: bool = False,
) -> bool:
    """UPDATE one row by primary key in one statement, ``values`` by field name, prepared as
    the ORM prepares them; whether the row was updated. ``only_if`` is SQL the row must also
    match. ``relaxed``: outside a transaction, a commit that need not wait for the disk (on
    the terms of ``relax_commit``)."""
    sql, params = _update_sql(model, pk, values, only_if, only_if_params, relaxed)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount == 1


def update_one_returning(
    model: type[M],
    pk: int,
    values: Mapping[str, Any],
    *,
    only_if: str = "",
    only_if_params: Sequence = (),
    relaxed: bool = False,
) -> M | None:
    """``update_one()`` that also reads the row as it is after the update: the model instance,
    or None if the row was not updated. One statement instead of an UPDATE and a SELECT."""
    sql, params = _update_sql(model, pk, values, only_if, only_if_params, relaxed)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    fields = model._meta.concrete_fields
    sql += " RETURNING " + ", ".join(f"{table}.{quote(f.column)}" for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    return from_db_row(model, [f.attname for f in fields], row)


def from_db_row(model: type[M], attnames: Sequence[str], row: Sequence) -> M:
    """A model instance from a raw row of its columns, converted as the ORM's own queries
    convert them (SQLite gives datetimes as text, for one)."""
    meta = model._meta
    values = []
    for attname, value in zip(attnames, row, strict=True):
        field = cast(Field, meta.get_field(attname))
        column = field.get_col(meta.db_table)
        converters = connection.ops.get_db_converters(column)
        converters += field.get_db_converters(connection)  # type: ignore[attr-defined]
        for convert in converters:
            value = convert(value, column, connection)
        values.append(value)
    return model.from_db(connection.alias, list(attnames), values)
