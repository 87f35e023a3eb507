"""clear_expired_sessions: in-process, and end to end through Redis and a real Celery worker."""

import time
from datetime import timedelta

import pytest
from celery.result import EagerResult
from django.contrib.sessions.models import Session
from django.utils import timezone

from core.tasks import clear_expired_sessions

POLL_TIMEOUT = 30  # seconds


def make_session(key: str, expires_in: timedelta) -> Session:
    return Session.objects.create(
        session_key=key, session_data="", expire_date=timezone.now() + expires_in
    )


@pytest.mark.django_db
def test_it_deletes_only_expired_sessions_and_is_safe_to_run_twice():
    make_session("expired-session", -timedelta(minutes=1))
    make_session("live-session", timedelta(days=1))

    clear_expired_sessions()
    clear_expired_sessions()

    assert list(Session.objects.values_list("session_key", flat=True)) == ["live-session"]


def test_it_is_scheduled_daily_and_expires_before_the_next_run(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["clear-expired-sessions"]
    assert entry["task"] == clear_expired_sessions.name
    assert entry["schedule"] == timedelta(days=1)
    assert 0 < entry["options"]["expires"] < timedelta(days=1).total_seconds()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_clears_expired_sessions_through_the_broker(celery_worker):
    make_session("expired-session", -timedelta(days=1))
    make_session("live-session", timedelta(days=1))

    result = clear_expired_sessions.delay()

    assert not isinstance(result, EagerResult), "with REDIS_URL set, tasks must go to the broker"
    deadline = time.monotonic() + POLL_TIMEOUT
    while Session.objects.filter(session_key="expired-session").exists():
        assert time.monotonic() < deadline, (
            f"worker {celery_worker} did not clear the expired session within {POLL_TIMEOUT} s"
        )
        time.sleep(0.2)
    assert Session.objects.filter(session_key="live-session").exists()
