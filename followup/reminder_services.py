"""Reminding the editors to review what came of a published report, three and twelve months
after it was first published: in the app (their start page) and by e-mail, each once.

``review_reminders_create`` runs daily (a periodic Celery task). For each report whose latest
milestone was reached within the last ``REMIND_WITHIN``, it makes one reminder per editor and
administrator, unless that milestone has reminders already; so running it twice, or two
workers at once, reminds once (the unique constraint settles a race). Each new reminder's
e-mail goes out from a task after the commit, claimed before it is sent so that a task run
twice sends one e-mail. A review recorded for every signal of the report since the milestone
answers the reminders (``services.review_reminders_answer``).

A report published long before the follow-up existed is not reminded of: only a milestone
reached within ``REMIND_WITHIN`` counts, so the first run does not send a year of reminders.
"""

import calendar
import logging
from datetime import datetime, timedelta
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation

from discussions.notification_services import wants_email
from organizations.models import Membership
from organizations.roles import CAPABILITIES
from reports.models import PublishedReport

from .models import ReviewReminder

log = logging.getLogger(__name__)

# Months after a report's first publication at which its follow-up is reviewed.
REVIEW_AFTER_MONTHS = (3, 12)
# How long after a milestone a reminder is still made (the task missed a day, the worker was
# down); older milestones are let be.
REMIND_WITHIN = timedelta(days=30)
# Who is reminded: those who compose the reports.
REMINDED = "compose_reports"


def add_months(moment: datetime, months: int) -> datetime:
    """The same local time ``months`` calendar months later; the 31st of a shorter month is
    its last day."""
    local = timezone.localtime(moment)
    index = local.month - 1 + months
    year, month = local.year + index // 12, index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day)


def milestone(first_published: datetime, now: datetime) -> tuple[int, datetime] | None:
    """The latest review milestone the report has reached, if within ``REMIND_WITHIN``:
    (months, the moment it was reached)."""
    reached = [
        (months, due_at)
        for months in REVIEW_AFTER_MONTHS
        if (due_at := add_months(first_published, months)) <= now
    ]
    if not reached:
        return None
    months, due_at = reached[-1]
    return (months, due_at) if now - due_at <= REMIND_WITHIN else None


def _recipients(organization_id: int) -> list[int]:
    roles = CAPABILITIES[REMINDED]
    return list(
        Membership.objects.filter(
            organization_id=organization_id,
            role__in=roles,
            accepted_at__isnull=False,
            user__is_active=True,
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def review_reminders_create(*, now: datetime | None = None) -> int:
    """Remind the editors of every report whose review milestone has come; returns how many
    reminders were made (none when run again)."""
    now = now or timezone.now()
    # Cheap bounds first (a month is 28 to 31 days); ``milestone`` decides exactly.
    newest = now - timedelta(days=28 * min(REVIEW_AFTER_MONTHS))
    oldest = now - timedelta(days=31 * max(REVIEW_AFTER_MONTHS)) - REMIND_WITHIN
    firsts = (
        PublishedReport.objects.values("cycle_id", "organization_id")
        .annotate(first=Min("published_at"))
        .filter(first__lte=newest, first__gte=oldest)
        .order_by("cycle_id")
    )
    made = 0
    for row in firsts:
        reached = milestone(row["first"], now)
        if reached is None:
            continue
        months, due_at = reached
        made += _remind(row["organization_id"], row["cycle_id"], months, due_at)
    return made


@transaction.atomic
def _remind(organization_id: int, cycle_id: int, months: int, due_at: datetime) -> int:
    if ReviewReminder.objects.filter(cycle_id=cycle_id, months=months).exists():
        return 0
    from . import tasks  # the task calls this module

    made = 0
    for user_id in _recipients(organization_id):
        try:
            with transaction.atomic():
                reminder = ReviewReminder.objects.create(
                    organization_id=organization_id,
                    cycle_id=cycle_id,
                    months=months,
                    due_at=due_at,
                    recipient_id=user_id,
                )
        except IntegrityError:
            continue  # another run made it meanwhile
        tasks.send_review_reminder_email.delay_on_commit(reminder.pk)
        made += 1
    return made


# --- the e-mail ---------------------------------------------------------------------------------


def _site_url(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}" if settings.SITE_URL else path


def review_reminder_email_send(*, reminder_id: int) -> bool:
    """E-mail one reminder to its recipient, unless the review is done, they turned
    notification e-mails off, have no address or are no longer reminded (left, or another
    role). Claimed before it is sent, so running it twice sends one e-mail. Returns whether
    one was sent."""
    claimed = ReviewReminder.objects.filter(
        pk=reminder_id, emailed_at__isnull=True, done_at__isnull=True
    ).update(emailed_at=timezone.now())
    if not claimed:
        return False
    reminder = ReviewReminder.objects.select_related("recipient", "cycle__organization").get(
        pk=reminder_id
    )
    recipient = reminder.recipient
    if not recipient.is_active or not recipient.email or not wants_email(recipient):
        return False
    if reminder.recipient_id not in _recipients(reminder.organization_id):
        return False
    report = (
        PublishedReport.objects.filter(cycle_id=reminder.cycle_id, superseded_at__isnull=True)
        .defer("document")
        .first()
    )
    if report is None:
        return False
    organization = reminder.cycle.organization
    with translation.override(settings.LANGUAGE_CODE):
        month = formats.date_format(reminder.cycle.month, "F Y")
        subject = translation.ngettext(
            "Review what came of the report for %(month)s, %(months)d month on",
            "Review what came of the report for %(month)s, %(months)d months on",
            reminder.months,
        ) % {"month": month, "months": reminder.months}
        body = render_to_string(
            "followup/reminder_email.txt",
            {
                "organization": organization,
                "month": month,
                "months": reminder.months,
                "url": _site_url(reverse("followup:report", args=[organization.slug, report.pk])),
            },
        )
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    try:
        message.send()
    except (OSError, SMTPException):
        # Not sent after all: let the task's retry claim it again.
        ReviewReminder.objects.filter(pk=reminder_id).update(emailed_at=None)
        raise
    return True
