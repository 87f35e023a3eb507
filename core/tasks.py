"""Periodic housekeeping for the whole installation.

Tasks are thin and take no objects, so they are safe to enqueue from anywhere and to run twice.
"""

from importlib import import_module

from celery import shared_task
from django.conf import settings


@shared_task
def clear_expired_sessions() -> None:
    """Delete expired login sessions, exactly as `manage.py clearsessions` does.

    Django never removes expired rows from django_session on its own, so without this the table
    grows by one row per login forever. Running it again finds nothing left to delete.
    """
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()


@shared_task(ignore_result=True)
def refresh_planner_statistics() -> bool:
    """Every night, SQLite's planner statistics counted anew as the data grows
    (core.lib.planner); nothing to do on PostgreSQL."""
    from core.lib.planner import refresh_statistics

    return refresh_statistics()
