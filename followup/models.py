"""Follow-up: from a signal a published report named to what the organisation does about it.

A **reported signal** is a signal chosen for a published report (a candidate of the cycle
marked "in"). Its row here holds the organisation's answer: the three questions of strategic
foresight (which risk or opportunity, what we can do, what success looks like), the
**actions** decided on, and the **review** of what came of it. The row is made by the first
write (``services``), so a report that nobody has followed up yet has none.

Actions and reported signals keep their history with django-simple-history, as signals do:
each status change is one record with its note, who made it and when.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models import OrganizationOwned
from reports.models import ReportCycle
from signals.models import Signal

TITLE_MAX_LENGTH = 200
DEPARTMENT_MAX_LENGTH = 200
NOTE_MAX_LENGTH = 500
QUESTION_MAX_LENGTH = 500


class ActionKind(models.TextChoices):
    EXPERIMENT = "experiment", _("Experiment")
    INVESTIGATION = "investigation", _("Investigation")
    WATCH = "watch", _("Keep watching")
    REFERRAL = "referral", _("Referral to a committee or department")


class ActionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    AGREED = "agreed", _("Agreed")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


# Those the follow-up page lists: not yet done or dropped.
OPEN_STATUSES = (ActionStatus.PROPOSED, ActionStatus.AGREED, ActionStatus.IN_PROGRESS)


class Outcome(models.TextChoices):
    LED_TO_SOMETHING = "led_to_something", _("It led to something")
    NOT_YET = "not_yet", _("Not yet")
    NOT_AT_ALL = "not_at_all", _("Not at all")


class ReportedSignal(OrganizationOwned):
    """A signal as one month's published report named it, and the organisation's answer."""

    cycle = models.ForeignKey(
        ReportCycle, on_delete=models.CASCADE, related_name="+", verbose_name=_("report")
    )
    # RESTRICT, as a candidate's: a signal a report named is archived, never deleted, unless
    # its whole organisation goes.
    signal = models.ForeignKey(
        Signal, on_delete=models.RESTRICT, related_name="+", verbose_name=_("signal")
    )
    risk_or_opportunity = models.CharField(
        _("Which risk or opportunity is this?"), max_length=QUESTION_MAX_LENGTH, blank=True
    )
    what_we_can_do = models.CharField(
        _("What can we do?"), max_length=QUESTION_MAX_LENGTH, blank=True
    )
    success_looks_like = models.CharField(
        _("What does success look like?"), max_length=QUESTION_MAX_LENGTH, blank=True
    )
    outcome = models.CharField(
        _("what came of it"), max_length=20, choices=Outcome.choices, blank=True
    )
    outcome_note = models.CharField(_("what it led to"), max_length=NOTE_MAX_LENGTH, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("reported signal")
        verbose_name_plural = _("reported signals")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "signal"], name="followup_once_per_report")
        ]

    def __str__(self):
        return str(self.signal)


class Action(OrganizationOwned):
    """What the organisation will do about a reported signal: an experiment, an investigation,
    a decision to keep watching or a referral, with an owner (a member, or a department named
    in text), a due date and a status."""

    reported = models.ForeignKey(
        ReportedSignal,
        on_delete=models.CASCADE,
        related_name="actions",
        verbose_name=_("reported signal"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ActionKind.choices)
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    owner_department = models.CharField(
        _("department"), max_length=DEPARTMENT_MAX_LENGTH, blank=True
    )
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.PROPOSED
    )
    # The note of the latest status change; the history keeps every one.
    note = models.CharField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("added by"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        indexes = [
            # The follow-up page: an organisation's open actions by due date.
            models.Index(fields=["organization", "status", "due_on"], name="followup_open_due"),
            # A member's own actions, for their start page.
            models.Index(fields=["owner", "status", "due_on"], name="followup_owner_due"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ReviewReminder(OrganizationOwned):
    """A reminder to an editor to review what came of a published report's signals, three or
    twelve months after it was first published. One per person, report and milestone, so the
    periodic task run twice reminds once; shown on the start page until the review is done."""

    cycle = models.ForeignKey(
        ReportCycle, on_delete=models.CASCADE, related_name="+", verbose_name=_("report")
    )
    months = models.PositiveSmallIntegerField(_("months after publishing"))
    # The moment the milestone was reached: a review recorded since then answers the reminder.
    due_at = models.DateTimeField(_("due"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # Set when the e-mail task takes the reminder, so a task run twice sends one e-mail.
    emailed_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("review reminder")
        verbose_name_plural = _("review reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "months", "recipient"], name="followup_remind_once"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "done_at"], name="followup_reminders_open"),
        ]

    def __str__(self):
        return f"{self.cycle} +{self.months}"
