"""The follow-up's background work: reminding the editors to review a report's follow-up, and
the e-mail of each reminder. Both are safe to run twice."""

from smtplib import SMTPException

from celery import shared_task
from django.db import OperationalError

from .reminder_services import review_reminder_email_send, review_reminders_create


@shared_task(ignore_result=True)
def remind_reviews() -> int:
    """Remind the editors of the reports whose three- or twelve-month review has come."""
    return review_reminders_create()


# A mail server or database briefly away is worth another try; the service releases its claim
# on the reminder before the error reaches here, so the retry sends it.
@shared_task(
    ignore_result=True,
    autoretry_for=(OperationalError, OSError, SMTPException),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def send_review_reminder_email(reminder_id: int) -> None:
    review_reminder_email_send(reminder_id=reminder_id)
