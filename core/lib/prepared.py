"""Reading rows by SQL whose text is the same on every request (only its parameters change),
with PostgreSQL keeping the statement's plan for the connection.

Django's cursor binds the parameters on the client (psycopg quotes each value into the
statement in Python), and PostgreSQL then parses and plans the statement anew: for the small
fixed queries a page runs on every view (a list page's rows by their ids), that cost more than
the database's work. ``prepared_rows`` binds them on the server and has PostgreSQL prepare the
statement, so each later run on the connection skips parsing and planning. SQLite runs it
through Django's cursor.

The SQL must not change with the values: a list of ids is one parameter (``ids_parameter``:
an array PostgreSQL reads with ``unnest(%s::bigint[])``, a JSON array SQLite reads with
``json_each(%s)``), not one placeholder per id, or every length would be a statement of its
own. Rows come back as the driver reads them (integers, text, timestamps), without Django's
conversions.
"""

import json
import time
from collections.abc import Sequence

from django.db import connections


def ids_parameter(alias: str, ids: Sequence[int]):
    """``ids`` as the one parameter of ``id_list_sql``."""
    if connections[alias].vendor == "postgresql":
        return list(ids)
    return json.dumps(list(ids))


def id_list_sql(alias: str) -> str:
    """A subquery of the ids in one parameter (``ids_parameter``), for ``… IN (<this>)``."""
    if connections[alias].vendor == "postgresql":
        return "SELECT unnest(%s::bigint[])"
    return "SELECT value FROM json_each(%s)"


def prepared_rows(alias: str, sql: str, params: Sequence, *, prepare: bool = True) -> list[tuple]:
    """The rows of ``sql`` (``%s`` placeholders) with ``params`` on database ``alias``.

    ``prepare=False`` for SQL whose best plan depends on its values (a filter by a column
    whose values are not equally common): a prepared statement may come to run one plan for
    every value, and it is then only bound on the server."""
    database = connections[alias]
    if database.vendor != "postgresql":
        with database.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    import psycopg

    database.ensure_connection()
    started = time.perf_counter()
    with database.wrap_database_errors, psycopg.Cursor(database.connection) as cursor:
        cursor.execute(sql, params, prepare=prepare)
        rows = cursor.fetchall()
    if database.queries_logged:
        # As Django's cursor logs a query where queries are logged (DEBUG, tests counting them).
        database.queries_log.append({"sql": sql, "time": f"{time.perf_counter() - started:.3f}"})
    return rows
