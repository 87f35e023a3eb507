"""Opening the month's report cycles on schedule. Safe to run twice (``cycle_open`` is)."""

from celery import shared_task
from django.utils import timezone

from organizations.models import Organization

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
