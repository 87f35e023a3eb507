"""The review reminders through the broker: beat's task reaches a real Celery worker, which
makes the reminders and sends their e-mail from a second task, once."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from followup.models import ReviewReminder
from organizations.roles import Role

from ..conftest import make_member
from ..factories import (
    CandidateFactory,
    OrganizationFactory,
    PublishedReportFactory,
    ReportCycleFactory,
)

POLL_TIMEOUT = 30  # seconds


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_worker_reminds_the_editor_once(start_worker):
    from config.celery import app
    from followup.tasks import remind_reviews

    organization = OrganizationFactory(slug="kungsbacka")
    editor = make_member(organization, Role.EDITOR)
    editor.email = "anna@kungsbacka.se"
    editor.save()
    make_member(organization, Role.MANAGEMENT)
    published = timezone.now() - timedelta(days=95)
    cycle = ReportCycleFactory(
        organization=organization, month=published.date().replace(day=1), state="published"
    )
    CandidateFactory(cycle=cycle, decision="in", position=1)
    PublishedReportFactory(cycle=cycle, published_at=published)
    worker = start_worker(pool="solo")
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = worker.queue
    try:
        for _ in range(2):  # beat twice: one reminder, one e-mail
            remind_reviews.delay()
        deadline = time.monotonic() + POLL_TIMEOUT
        while not ReviewReminder.objects.filter(emailed_at__isnull=False).exists():
            assert time.monotonic() < deadline, (
                f"no e-mail within {POLL_TIMEOUT} s:\n{worker.output()}"
            )
            time.sleep(0.2)
        deadline = time.monotonic() + 10
        while "To: anna@kungsbacka.se" not in worker.output():
            assert time.monotonic() < deadline, worker.output()
            time.sleep(0.2)
        time.sleep(1)  # the second run has had its turn
        assert ReviewReminder.objects.count() == 1
        assert ReviewReminder.objects.get().recipient == editor
        assert worker.output().count("To: anna@kungsbacka.se") == 1
    finally:
        app.conf.task_default_queue = default_queue
