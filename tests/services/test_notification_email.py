"""A notification's e-mail leaves through the broker: the request that posts a comment only
enqueues it, and a real Celery worker sends it (once)."""

import time

import pytest
from django.test import Client

from discussions.models import Notification
from organizations.roles import Role

from ..conftest import make_member
from ..factories import OrganizationFactory, ThreadFactory

POLL_TIMEOUT = 30  # seconds


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_mention_is_emailed_by_the_worker_not_the_request(start_worker, settings):
    from config.celery import app

    organization = OrganizationFactory(slug="kungsbacka")
    editor = make_member(organization, Role.EDITOR)
    staff = make_member(organization, Role.STAFF)
    staff.email = "mats@kungsbacka.se"
    staff.save()
    thread = ThreadFactory(organization=organization, title="Smarta städer i Kungsbacka")
    worker = start_worker(pool="solo")
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = worker.queue
    try:
        client = Client()
        client.force_login(editor)
        response = client.post(
            f"/kungsbacka/discussions/{thread.pk}/comments/", {"body": "@staff-kungsbacka titta!"}
        )
        assert response.status_code == 302
        notification = Notification.objects.get(recipient=staff)
        deadline = time.monotonic() + POLL_TIMEOUT
        while not Notification.objects.filter(pk=notification.pk, emailed_at__isnull=False):
            assert time.monotonic() < deadline, (
                f"no e-mail within {POLL_TIMEOUT} s:\n{worker.output()}"
            )
            time.sleep(0.2)
        # The worker's e-mail backend (DEBUG: the console) printed the message it sent.
        deadline = time.monotonic() + 10
        while "To: mats@kungsbacka.se" not in worker.output():
            assert time.monotonic() < deadline, worker.output()
            time.sleep(0.2)
        assert "Smarta städer i Kungsbacka" in worker.output()
    finally:
        app.conf.task_default_queue = default_queue
