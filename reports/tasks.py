"""The report cycle's background work: opening the month's cycles on schedule, building a
published report's PDF and e-mailing management that it is published. All are safe to run
twice."""

from smtplib import SMTPException

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from organizations.models import Organization

from .publish_services import published_pdf_build, published_report_notify
from .services import cycle_open


@shared_task(ignore_result=True)
def open_monthly_cycles() -> int:
    """Open this month's cycle for every organisation; returns how many organisations."""
    month = timezone.localdate()
    count = 0
    for organization in Organization.objects.order_by("pk").iterator():
        cycle_open(organization=organization, month=month)
        count += 1
    return count


# A locked or briefly unreachable database is worth another try; anything else about a PDF is
# recorded on the report by the service (pdf_state "failed") and not retried.
@shared_task(
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def build_published_pdf(report_id: int) -> None:
    """Build a published report's PDF from its frozen document (a ready one is kept)."""
    published_pdf_build(report_id=report_id)


# A mail server that is down or refuses for a while, or a locked database, is worth another
# try (the service took back its "notified" mark); anything else is a bug to see in the log.
@shared_task(
    ignore_result=True,
    autoretry_for=(SMTPException, ConnectionError, TimeoutError, OperationalError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def notify_management_of_report(report_id: int) -> None:
    """E-mail management that a report version is published (once per version)."""
    published_report_notify(report_id=report_id)
