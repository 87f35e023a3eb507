"""core.lib.planner: SQLite's planner statistics, counted after migrating and every night
(PostgreSQL's autovacuum keeps its own)."""

import pytest
from django.conf import settings
from django.db import connection

from core.tasks import refresh_planner_statistics
from tests.factories import SignalFactory

pytestmark = pytest.mark.django_db


def test_the_planner_gets_statistics_of_the_register_as_it_grows():
    SignalFactory.create_batch(3)
    on_sqlite = connection.vendor == "sqlite"
    assert refresh_planner_statistics() is on_sqlite
    if on_sqlite:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'signals_signal'")
            assert cursor.fetchone()[0] > 0  # the register's indexes counted


def test_the_statistics_are_refreshed_every_night():
    job = settings.CELERY_BEAT_SCHEDULE["refresh-planner-statistics"]
    assert job["task"] == "core.tasks.refresh_planner_statistics"
