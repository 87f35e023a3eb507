"""Statistics for SQLite's query planner.

PostgreSQL's autovacuum keeps its planner's statistics itself; SQLite only has what ``ANALYZE``
last counted. Without them it takes any index on the organisation for a narrow one (the signal
list's rows read by their ids walked every signal of the organisation instead of looking the
ids up), so they are counted after every migration and again every night, as the register
grows. ``analysis_limit`` makes ANALYZE read a sample of each index rather than all of it:
seconds at most on a large register, and as good for choosing a plan.
"""

from django.db import DEFAULT_DB_ALIAS, connections

ANALYSIS_LIMIT = 1000


def refresh_statistics(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Count the tables anew for the planner; whether there was anything to do (SQLite)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")
    return True
