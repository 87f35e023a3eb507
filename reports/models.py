from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import OrganizationOwned
from signals.models import Signal

# How many signals a report holds. No organisation has asked for other bounds yet, so each
# cycle starts from these and keeps its own copy: a change later never moves the goalposts
# of a month already being worked on.
DEFAULT_MIN_SIGNALS = 5
DEFAULT_MAX_SIGNALS = 10


class CycleState(models.TextChoices):
    OPEN = "open", _("Open")
    PUBLISHED = "published", _("Published")


class Decision(models.TextChoices):
    UNDECIDED = "undecided", _("Undecided")
    IN = "in", _("In")
    OUT = "out", _("Out")


class ReportCycle(OrganizationOwned):
    """One month's work from candidate signals to a published report."""

    # Always the first day of the month.
    month = models.DateField(_("month"))
    state = models.CharField(
        _("state"), max_length=20, choices=CycleState.choices, default=CycleState.OPEN
    )
    introduction = models.TextField(_("introduction"), blank=True)
    min_signals = models.PositiveSmallIntegerField(_("fewest signals"), default=DEFAULT_MIN_SIGNALS)
    max_signals = models.PositiveSmallIntegerField(_("most signals"), default=DEFAULT_MAX_SIGNALS)
    # Optimistic locking, as on a signal: a save against an older version is a conflict.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("report cycle")
        verbose_name_plural = _("report cycles")
        constraints = [
            models.UniqueConstraint(fields=["organization", "month"], name="one_cycle_per_month")
        ]

    def __str__(self):
        return f"{self.organization} {self.month:%Y-%m}"

    @property
    def is_open(self) -> bool:
        return self.state == CycleState.OPEN


class Candidate(OrganizationOwned):
    """A signal considered for a cycle's report, and the editor's decision on it."""

    cycle = models.ForeignKey(
        ReportCycle, on_delete=models.CASCADE, related_name="candidates", verbose_name=_("cycle")
    )
    # RESTRICT: archiving a signal leaves it a candidate (the cycle keeps what it considered),
    # and deleting one that a cycle considered is refused, unless its whole organisation goes.
    signal = models.ForeignKey(
        Signal, on_delete=models.RESTRICT, related_name="+", verbose_name=_("signal")
    )
    carried_over = models.BooleanField(_("carried over"), default=False)
    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, default=Decision.UNDECIDED
    )
    # The place in the shortlist; set while the decision is "in".
    position = models.PositiveIntegerField(_("position"), null=True, blank=True)
    meaning = models.TextField(_("what it means for us"), blank=True)
    consequences = models.TextField(_("possible consequences or actions"), blank=True)
    audience = models.TextField(_("who should know"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "signal"], name="one_candidacy_per_signal")
        ]

    def __str__(self):
        return str(self.signal)


class Score(OrganizationOwned):
    """One member's judgement of one candidate."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="scores", verbose_name=_("candidate")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="report_scores",
        verbose_name=_("user"),
    )
    relevance = models.PositiveSmallIntegerField(
        _("relevance for us"), validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    urgency = models.PositiveSmallIntegerField(
        _("urgency"), validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    comment = models.CharField(_("comment"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["candidate", "user"], name="one_score_per_member"),
            models.CheckConstraint(
                condition=models.Q(relevance__gte=1, relevance__lte=3),
                name="relevance_1_to_3",
            ),
            models.CheckConstraint(
                condition=models.Q(urgency__gte=1, urgency__lte=3), name="urgency_1_to_3"
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.relevance}/{self.urgency}"


class PdfState(models.TextChoices):
    PENDING = "pending", _("Waiting to be built")
    BUILDING = "building", _("Being built")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


def published_pdf_path(report: "PublishedReport", filename: str) -> str:
    """Where a published report's PDF is stored under MEDIA_ROOT: one file per version."""
    return f"reports/{report.organization.slug}/{report.cycle.month:%Y-%m}-v{report.version}.pdf"


class PublishedReport(OrganizationOwned):
    """One published version of a cycle's report, frozen: the document as it was published
    (JSON of ``reports.document.ReportDocument``) and the PDF built from it. Nothing later done
    to the signals changes either. A correction is a new version; the old one stays, marked
    superseded."""

    cycle = models.ForeignKey(
        ReportCycle, on_delete=models.CASCADE, related_name="publications", verbose_name=_("cycle")
    )
    version = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    document = models.JSONField(_("document"))
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=published_pdf_path, blank=True, max_length=300)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    pdf_state = models.CharField(
        _("PDF state"), max_length=20, choices=PdfState.choices, default=PdfState.PENDING
    )
    pdf_error = models.TextField(_("PDF error"), blank=True)
    # The site's address when it was published (e.g. "https://spaning.kungsbacka.se/"): the
    # e-mail to management, sent later by a task that takes only the report's id, links to it.
    base_url = models.CharField(_("published from"), max_length=300, blank=True)
    # When management was e-mailed: the task that sends it runs at most once per version.
    notified_at = models.DateTimeField(_("management notified"), null=True, blank=True)

    class Meta:
        ordering = ["-cycle__month", "-version"]
        verbose_name = _("published report")
        verbose_name_plural = _("published reports")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "version"], name="one_report_per_version")
        ]

    def __str__(self):
        return f"{self.cycle} v{self.version}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    @property
    def pdf_ready(self) -> bool:
        return self.pdf_state == PdfState.READY and bool(self.pdf)


class ReportFeedToken(models.Model):
    """A person's secret address for the Atom feed of published reports (feed readers cannot
    log in). Only its SHA-256 is stored: the address is shown once, when it is made, and
    revoking deletes the row, so the old address answers 404 from then on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_feed_token"
    )
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("report feed address")
        verbose_name_plural = _("report feed addresses")

    def __str__(self):
        return str(self.user)
