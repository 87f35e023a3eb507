"""Reading a query whose SQL never changes for the same few inputs, without building and
compiling it again each time.

Building a queryset and compiling it to SQL costs the ORM a millisecond or two for a query with
a subquery, several times what PostgreSQL takes to answer it. Where the SQL follows only from a
handful of values (the organisation, the role, which filters are set), ``compiled_rows``
compiles the queryset once per process for those values and then only runs the SQL.

The key must name everything the queryset's SQL is built from: a value left out of it would
make one member read with another's filter. Values that change from call to call without
changing the SQL (a moment, a cursor, the ids of a page's rows) are passed as ``late``: the
queryset is built once with stand-ins for them, and each call puts its own values where the
stand-ins went. The rows come back as Django would give them for the ``values_list`` (the same
conversions: aware datetimes, decoded JSON).

The SQL runs through Django's cursor, so PostgreSQL plans each run for its own values (a rare
and a common feed, a near and a far cursor). ``core.lib.prepared`` is for SQL whose best plan
does not depend on its values: PostgreSQL keeps that plan for the connection.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from threading import Lock
from typing import Any

from django.db import connections
from django.db.models import QuerySet

# Keys are few (organisations × roles × kinds); a bound keeps a long-lived process from
# collecting keys of organisations long gone.
MAX_ENTRIES = 4096

# Stand-ins no real value takes: ids below any the database gives (and within a 32-bit
# column's range, which Django checks), a moment in 1901, text with a NUL.
_INT_STAND_IN = -2_000_000_000
_MOMENT_STAND_IN = datetime(1901, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    # (position in params, late value's index, index within a list or None, adapt a moment)
    slots: tuple[tuple[int, int, int | None, bool], ...]
    converters: tuple


_compiled: dict[tuple, _Compiled] = {}
_lock = Lock()


def _stand_in(kind: type, n: int) -> Any:
    if kind is int:
        return _INT_STAND_IN - n
    if kind is datetime:
        return _MOMENT_STAND_IN + timedelta(microseconds=n + 1)
    if kind is str:
        return f"\x00late-{n}\x00"
    raise TypeError(f"compiled_rows takes late ints, strings and datetimes, not {kind}")


def _shape(late: Sequence) -> tuple:
    """What of the late values decides the SQL: their types, and a list's length."""
    return tuple(
        (list, len(value), type(value[0]) if value else None)
        if isinstance(value, list | tuple)
        else type(value)
        for value in late
    )


def _stand_ins(late: Sequence) -> tuple[list, dict]:
    """Stand-ins for ``late`` (a list for a list) and where each one comes from."""
    stand_ins: list = []
    origin: dict = {}
    n = 0
    for index, value in enumerate(late):
        values = list(value) if isinstance(value, list | tuple) else [value]
        these = []
        for sub, one in enumerate(values):
            kind = datetime if isinstance(one, datetime) else type(one)
            stand_in = _stand_in(kind, n)
            n += 1
            these.append(stand_in)
            origin[stand_in] = (index, sub if isinstance(value, list | tuple) else None)
        stand_ins.append(these if isinstance(value, list | tuple) else these[0])
    return stand_ins, origin


def _compile(alias: str, build: Callable[..., QuerySet], late: Sequence) -> _Compiled:
    connection = connections[alias]
    stand_ins, origin = _stand_ins(late)
    queryset = build(*stand_ins)
    compiler = queryset.query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    # A moment goes to SQLite as text; a stand-in may come back in either form.
    adapted = {
        connection.ops.adapt_datetimefield_value(s): s for s in origin if isinstance(s, datetime)
    }
    slots = []
    found = set()
    for position, param in enumerate(params):
        try:
            stand_in, adapt = (param, False) if param in origin else (adapted[param], True)
        except (KeyError, TypeError):
            continue
        found.add(stand_in)
        index, sub = origin[stand_in]
        slots.append((position, index, sub, adapt))
    if len(found) != len(origin):
        # A lookup that rewrites its value (contains, iexact) would leave ours unreplaced.
        raise ValueError("a late value does not reach the SQL as a parameter of its own")
    fields = [column[0] for column in compiler.select[: compiler.col_count]]
    converters = tuple(compiler.get_converters(fields).items())
    return _Compiled(sql, tuple(params), tuple(slots), converters)


def _compiled_once(
    alias: str, key: tuple, build: Callable[..., QuerySet], late: Sequence
) -> _Compiled:
    full_key = (alias, connections[alias].vendor, *key, _shape(late))
    found = _compiled.get(full_key)
    if found is None:
        found = _compile(alias, build, late)
        with _lock:
            if len(_compiled) >= MAX_ENTRIES:
                _compiled.clear()
            _compiled[full_key] = found
    return found


def compiled_sql(alias: str, key: tuple, build: Callable[[], QuerySet]) -> tuple[str, tuple]:
    """The SQL and parameters of ``build()``, a queryset whose SQL and parameters follow from
    ``key`` alone, compiled once per process: for SQL run elsewhere than Django's cursor
    (``core.lib.prepared``). A parameter may be a placeholder object of the caller's, which
    the caller replaces before running the SQL."""
    found = _compiled_once(alias, key, build, ())
    return found.sql, found.params


def compiled_rows(
    alias: str, key: tuple, build: Callable[..., QuerySet], late: Sequence = ()
) -> list[tuple]:
    """The rows of ``build(*late)``, a ``values_list`` queryset on database ``alias`` whose
    SQL follows from ``key`` (and the types of ``late``) alone. ``late`` holds ints, strings,
    aware datetimes, or lists of them, each used as a lookup's value as it is."""
    connection = connections[alias]
    found = _compiled_once(alias, key, build, late)
    params = list(found.params)
    for position, index, sub, adapt in found.slots:
        value = late[index] if sub is None else late[index][sub]
        params[position] = connection.ops.adapt_datetimefield_value(value) if adapt else value
    with connection.cursor() as cursor:
        cursor.execute(found.sql, params)
        rows = cursor.fetchall()
    if not found.converters:
        return rows
    converted = []
    for row in rows:
        row = list(row)
        for position, (functions, expression) in found.converters:
            value = row[position]
            for function in functions:
                value = function(value, expression, connection)
            row[position] = value
        converted.append(tuple(row))
    return converted


def compiled_objects(
    model, key: tuple, build: Callable[..., QuerySet], late: Sequence = (), *, joined: str = ""
) -> list:
    """Instances of ``model`` with every field loaded, from ``build(*late)`` (a queryset of
    ``model``) compiled as ``compiled_rows`` compiles: ``late`` and the key as there. With
    ``joined``, a foreign key of ``model``, its row comes in the same query and is set on
    each instance, as ``select_related`` would."""
    alias = model._default_manager.db
    names = [field.attname for field in model._meta.concrete_fields]
    related = model._meta.get_field(joined) if joined else None
    related_names = (
        [field.attname for field in related.related_model._meta.concrete_fields] if related else []
    )
    columns = [*names, *(f"{joined}__{name}" for name in related_names)]
    rows = compiled_rows(alias, key, lambda *s: build(*s).values_list(*columns), late)
    objects = []
    width = len(names)
    for row in rows:
        instance = model.from_db(alias, names, row[:width])
        if related is not None:
            values = row[width:]
            other = (
                None
                if values[0] is None
                else related.related_model.from_db(alias, related_names, values)
            )
            related.set_cached_value(instance, other)
        objects.append(instance)
    return objects
