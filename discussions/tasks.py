"""The discussions' background work: the e-mail about a notification, sent after the request."""

from smtplib import SMTPException

from celery import shared_task
from django.db import OperationalError

from .notification_services import notification_email_send


# A mail server or database briefly away is worth another try; the service releases its claim
# on the notification before the error reaches here, so the retry sends it.
@shared_task(
    ignore_result=True,
    autoretry_for=(OperationalError, OSError, SMTPException),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def send_notification_email(notification_id: int, base_url: str = "") -> None:
    notification_email_send(notification_id=notification_id, base_url=base_url)
