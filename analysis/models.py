"""The yearly trend analysis (trendanalys): once a year the scanning group assesses each trend
of the year, with the signals that support it and the input of committees and departments,
for the budget process.

An analysis records the trends **as they were that year** (``AnalysisTrend``): name,
description and driving force are copied as text when the analysis starts, so renaming,
merging or retiring a trend in the catalogue later rewrites nothing, and adjusting a trend for
the year (renaming it, merging two, adding one, retiring one) touches only the analysis. Each
entry keeps the catalogue trends whose signals support it (``catalogue_trends``): a merge moves
them to the entry it is merged into.

Publishing freezes the whole analysis into ``snapshot`` (JSON of
``analysis.document.AnalysisDocument``): the trends, the signals with their titles and levels
as they were, the counts and what came of the reported signals. The page and the PDF of a
published analysis read only the snapshot.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.models import OrganizationOwned
from signals.models import Trend

TITLE_MAX_LENGTH = 200
NAME_MAX_LENGTH = 150
SOURCE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 20_000
# The years an analysis may be of: the register has nothing older, and nobody assesses a year
# that has not begun.
FIRST_YEAR = 2000
LAST_YEAR = 2100


class AnalysisStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class TrendAnalysis(OrganizationOwned):
    """One organisation's trend analysis of one year, e.g. "Trendanalys 2027"."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("Plain text or simple Markdown.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AnalysisStatus.choices, default=AnalysisStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    # The frozen analysis, set once when it is published (analysis.document).
    snapshot = models.JSONField(_("snapshot"), null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("trend analysis")
        verbose_name_plural = _("trend analyses")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"], name="one_trend_analysis_per_year"
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == AnalysisStatus.DRAFT


class AnalysisTrend(OrganizationOwned):
    """A trend as the analysis of one year has it, and the group's assessment of it."""

    analysis = models.ForeignKey(
        TrendAnalysis, on_delete=models.CASCADE, related_name="+", verbose_name=_("analysis")
    )
    # The catalogue trends whose signals of the year support this one: its own when the
    # analysis started, those of the trends merged into it, none for a trend new this year
    # unless one is chosen. Deleting a catalogue trend only drops it from a draft; a published
    # analysis has its signals in its snapshot.
    catalogue_trends = models.ManyToManyField(
        Trend, blank=True, related_name="+", verbose_name=_("trends in the catalogue")
    )
    # What the catalogue called it when the analysis started ("" for a trend added this year):
    # the analysis says so when the year's name differs.
    catalogue_name = models.CharField(
        _("name in the catalogue"), max_length=NAME_MAX_LENGTH, blank=True
    )
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    description = models.TextField(_("description"), blank=True)
    driving_force = models.CharField(_("driving force"), max_length=100, blank=True)
    meaning = models.TextField(_("what it means for us"), blank=True)
    opportunities = models.TextField(_("opportunities"), blank=True)
    risks = models.TextField(_("risks"), blank=True)
    retired = models.BooleanField(_("retired this year"), default=False)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged into"),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("trend of the analysis")
        verbose_name_plural = _("trends of the analysis")
        constraints = [
            models.UniqueConstraint(fields=["analysis", "name"], name="unique_analysis_trend_name")
        ]

    def __str__(self):
        return self.name

    @property
    def is_assessed(self) -> bool:
        return self.merged_into_id is None and not self.retired


class AnalysisInput(OrganizationOwned):
    """Input gathered from a committee or department ("Socialnämnden"), on one trend of the
    analysis or on the analysis as a whole."""

    analysis = models.ForeignKey(
        TrendAnalysis, on_delete=models.CASCADE, related_name="+", verbose_name=_("analysis")
    )
    trend = models.ForeignKey(
        AnalysisTrend,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("trend"),
    )
    source = models.CharField(_("from"), max_length=SOURCE_MAX_LENGTH)
    text = models.TextField(_("input"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("input")
        verbose_name_plural = _("inputs")

    def __str__(self):
        return self.source
