"""Reading a query whose SQL never changes for the same few inputs, without building and
compiling it again each time.

Building a queryset and compiling it to SQL costs the ORM a millisecond or two for a query with
a subquery, several times what PostgreSQL takes to answer it. Where the SQL and its parameters
follow only from a handful of values (the organisation, the role), ``compiled_rows`` compiles
the queryset once per process for those values and then only runs the SQL.

The key must name everything the queryset's SQL and parameters are built from: a value left
out of it would make one member read with another's filter. Only for a ``values_list`` of
plain columns (integers and text): the rows are the database's own, without Django's
conversions.
"""

from collections.abc import Callable
from threading import Lock

from django.db import connections
from django.db.models import QuerySet

# Keys are few (organisations × roles × kinds); a bound keeps a long-lived process from
# collecting keys of organisations long gone.
MAX_ENTRIES = 4096

_compiled: dict[tuple, tuple[str, tuple]] = {}
_lock = Lock()


def compiled_rows(alias: str, key: tuple, build: Callable[[], QuerySet]) -> list[tuple]:
    """The rows of ``build()``, a ``values_list`` queryset on database ``alias`` whose SQL and
    parameters follow from ``key`` alone."""
    full_key = (alias, connections[alias].vendor, *key)
    found = _compiled.get(full_key)
    if found is None:
        queryset = build()
        sql, params = queryset.query.get_compiler(using=alias).as_sql()
        found = (sql, tuple(params))
        with _lock:
            if len(_compiled) >= MAX_ENTRIES:
                _compiled.clear()
            _compiled[full_key] = found
    sql, params = found
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
