"""Publishing a report with a real Celery worker, Redis and PostgreSQL: the request (here the
service, as the view calls it) sends no e-mail; the worker does, once, however often the task
is delivered, and builds the PDF."""

import re
import time
from datetime import date

import pytest

from reports.models import Decision, PdfState, PublishedReport
from reports.publish_services import report_publish
from reports.tasks import notify_management_of_report
from tests.factories import CandidateFactory, ReportCycleFactory

from .conftest import Worker, queue_name

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

TIMEOUT = 60  # seconds: the worker builds the PDF too, on a busy 2-core machine


@pytest.fixture
def report_worker(worker_environment, tmp_path):
    """A worker of this test's own, its PDFs stored under tmp_path, reading the queue that
    tasks sent from this process go to while the test runs."""
    from config.celery import app

    worker = Worker(
        queue=queue_name(),
        env={**worker_environment, "MEDIA_ROOT": str(tmp_path / "media")},
        pool="solo",
        concurrency=1,
    )
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = worker.queue
    try:
        yield worker
    finally:
        app.conf.task_default_queue = default_queue
        worker.stop()


def wait_for(condition, what: str):
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen within {TIMEOUT} s"
        time.sleep(0.2)


def test_the_worker_emails_management_once_and_builds_the_pdf(
    kommun, members, report_worker, mailoutbox
):
    for user in members.values():
        user.email = f"{user.username}@example.se"
        user.save()
    cycle = ReportCycleFactory(organization=kommun, month=date(2026, 3, 1))
    for number in range(1, 6):
        CandidateFactory(
            cycle=cycle, signal__title=f"Vald {number}", decision=Decision.IN, position=number
        )

    report = report_publish(cycle=cycle, user=members["editor"], base_url="https://x.example/")
    notify_management_of_report.delay(report.pk)  # delivered a second time
    assert mailoutbox == []  # not sent here

    def done():
        report.refresh_from_db()
        log = report_worker.output(whole=True)
        runs = re.findall(r"reports\.tasks\.notify_management_of_report\[.*\] succeeded", log)
        return report.pdf_state == PdfState.READY and len(runs) == 2

    wait_for(done, "both notification tasks and the PDF")
    log = report_worker.output(whole=True)
    # The development console backend prints the message into the worker's log.
    assert log.count("To: management-kungsbacka@example.se") == 1, log[-4000:]
    assert report.notified_at is not None
    assert PublishedReport.objects.get(pk=report.pk).pdf_sha256
