"""What a colleague does while a service runs, between its read and its write.

``right_after_the_first_read`` does it on the test's own connection, on either database: the
service's later statements see the change as they would see another transaction's commit.
Where PostgreSQL's row locks decide the outcome, ``in_thread`` runs the colleague's service on
a connection of its own."""

import threading
import time

from django.db import connection, connections


def right_after_the_first_read(table: str, colleague):
    """A database execute wrapper: just after the first SELECT that reads ``table``,
    ``colleague()`` runs (its own statements pass through unchanged)."""
    done = False

    def wrapper(execute, sql, params, many, context):
        nonlocal done
        result = execute(sql, params, many, context)
        if not done and sql.lstrip().upper().startswith("SELECT") and f'"{table}"' in sql:
            done = True
            colleague()
        return result

    return wrapper


def in_thread(work) -> tuple[threading.Thread, list]:
    """Start ``work()`` on a thread, so on a database connection of its own. Returns the
    thread and the list that receives what it raised, if anything."""
    raised: list = []

    def run():
        try:
            work()
        except Exception as exc:  # pragma: no cover - the test reports it
            raised.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, raised


def wait_for_a_lock_or(thread: threading.Thread, timeout: float = 5.0) -> bool:
    """Wait until some query waits for a row lock (PostgreSQL), or ``thread`` has ended:
    whether a query did."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline and thread.is_alive():
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False
