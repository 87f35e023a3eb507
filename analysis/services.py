"""Every write of the trend analysis: starting the year's, adjusting its trends, assessing
them, recording input and publishing. Each service checks who may do it and that the analysis
is still a draft, and raises ``ValidationError`` keyed by field before it stores anything.

Adjusting a trend for the year changes only the analysis's own rows: the catalogue
(``signals.Trend``) and the analyses of other years are never touched.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from followup.models import ReportedSignal
from organizations.models import Organization
from reports.models import PublishedReport
from reports.services import require_capability
from signals.models import DrivingForce, Signal, Trend

from .assembly import document_for_analysis
from .document import document_to_dict
from .models import (
    FIRST_YEAR,
    NAME_MAX_LENGTH,
    AnalysisInput,
    AnalysisStatus,
    AnalysisTrend,
    TrendAnalysis,
)

# Each message is written here once; the forms and pages import them.
NOT_WRITER = _("Only the scanning group writes the trend analysis.")
NOT_PUBLISHER = _("Only the editor publishes the trend analysis.")
PUBLISHED = _("The trend analysis is published and can no longer be changed.")
YEAR_TAKEN = _("There is already a trend analysis of %(year)s.")
YEAR_OUT_OF_RANGE = _("Choose a year from %(first)s to this year.")
TITLE_REQUIRED = _("Give the analysis a title.")
NAME_REQUIRED = _("Give the trend a name.")
NAME_TAKEN = _("The analysis already has a trend of that name.")
NOT_IN_ANALYSIS = _("That trend is not in this analysis.")
MERGE_SELF = _("Choose another trend to merge it into.")
NOT_ASSESSED = _("That trend is merged or retired this year: choose one that is assessed.")
SOURCE_REQUIRED = _("Say where the input comes from, e.g. Socialnämnden.")
TEXT_REQUIRED = _("Write the input.")
NOTHING_TO_PUBLISH = _("The analysis has no trend to assess: add one before publishing.")

LANGUAGE = "sv"


def _clean(text: str | None) -> str:
    return (text or "").strip()


def _require_writer(user, analysis_or_organization_id: int) -> None:
    require_capability(user, analysis_or_organization_id, "write_trend_analysis", NOT_WRITER)


def _require_draft(analysis: TrendAnalysis) -> None:
    if analysis.status != AnalysisStatus.DRAFT:
        raise ValidationError({"__all__": [PUBLISHED]})


def _locked(analysis: TrendAnalysis) -> TrendAnalysis:
    """The analysis re-read under a row lock, so a publish and an edit never interleave."""
    return TrendAnalysis.objects.select_for_update().get(pk=analysis.pk)


def _check_name(analysis: TrendAnalysis, name: str, *, other_than: int | None = None) -> str:
    name = _clean(name)
    if not name:
        raise ValidationError({"name": [NAME_REQUIRED]})
    # Compared in Python: SQLite's case-insensitive matching knows only ASCII ("Ö" ≠ "ö").
    others = AnalysisTrend.objects.filter(analysis=analysis)
    if other_than is not None:
        others = others.exclude(pk=other_than)
    if name.casefold() in {other.casefold() for other in others.values_list("name", flat=True)}:
        raise ValidationError({"name": [NAME_TAKEN]})
    return name[:NAME_MAX_LENGTH]


def default_title(year: int) -> str:
    with translation.override(LANGUAGE):
        return gettext("Trend analysis %(year)s") % {"year": year}


@transaction.atomic
def analysis_start(*, organization: Organization, user, year: int) -> TrendAnalysis:
    """Start the year's analysis, its trends those of the catalogue in use, each as the
    catalogue has it today (name, description, driving force), by driving force."""
    _require_writer(user, organization.pk)
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise ValidationError({"year": [YEAR_OUT_OF_RANGE % {"first": FIRST_YEAR}]})
    if TrendAnalysis.objects.filter(organization=organization, year=year).exists():
        raise ValidationError({"year": [YEAR_TAKEN % {"year": year}]})
    try:
        with transaction.atomic():
            analysis = TrendAnalysis.objects.create(
                organization=organization, year=year, title=default_title(year), created_by=user
            )
    except IntegrityError:  # a colleague started it at the same moment
        raise ValidationError({"year": [YEAR_TAKEN % {"year": year}]}) from None
    trends = Trend.objects.filter(organization=organization, is_active=True).select_related(
        "driving_force"
    )
    ordered = sorted(
        trends,
        key=lambda trend: (
            trend.driving_force is None,
            (trend.driving_force.name if trend.driving_force else "").casefold(),
            trend.name.casefold(),
        ),
    )
    entries = AnalysisTrend.objects.bulk_create(
        AnalysisTrend(
            organization=organization,
            analysis=analysis,
            catalogue_name=trend.name,
            name=trend.name,
            description=trend.description,
            driving_force=trend.driving_force.name if trend.driving_force else "",
            position=position,
        )
        for position, trend in enumerate(ordered)
    )
    Link = AnalysisTrend.catalogue_trends.through
    Link.objects.bulk_create(
        Link(analysistrend_id=entry.pk, trend_id=trend.pk)
        for entry, trend in zip(entries, ordered, strict=True)
    )
    return analysis


@transaction.atomic
def analysis_update(*, analysis: TrendAnalysis, user, title: str, summary: str) -> TrendAnalysis:
    _require_writer(user, analysis.organization_id)
    locked = _locked(analysis)
    _require_draft(locked)
    title = _clean(title)
    if not title:
        raise ValidationError({"title": [TITLE_REQUIRED]})
    locked.title, locked.summary = title, _clean(summary)
    locked.save(update_fields=["title", "summary", "updated_at"])
    analysis.title, analysis.summary = locked.title, locked.summary
    return locked


def _entry_of(analysis_id: int, entry: AnalysisTrend) -> None:
    if entry.analysis_id != analysis_id:
        raise ValidationError({"__all__": [NOT_IN_ANALYSIS]})


@transaction.atomic
def trend_update(
    *,
    entry: AnalysisTrend,
    user,
    name: str,
    description: str = "",
    driving_force: str = "",
    meaning: str = "",
    opportunities: str = "",
    risks: str = "",
) -> AnalysisTrend:
    """The trend as the year has it (renaming it renames it in this analysis only) and the
    group's assessment of it."""
    _require_writer(user, entry.organization_id)
    analysis = _locked(entry.analysis)
    _require_draft(analysis)
    entry.name = _check_name(analysis, name, other_than=entry.pk)
    entry.description = _clean(description)
    entry.driving_force = _clean(driving_force)[:100]
    entry.meaning = _clean(meaning)
    entry.opportunities = _clean(opportunities)
    entry.risks = _clean(risks)
    entry.save()
    return entry


@transaction.atomic
def trend_add(
    *,
    analysis: TrendAnalysis,
    user,
    name: str,
    description: str = "",
    driving_force: str = "",
    catalogue_trend: Trend | None = None,
) -> AnalysisTrend:
    """A trend new this year. Its supporting signals are those of ``catalogue_trend``, when
    one is given (a trend the catalogue gained during the year)."""
    _require_writer(user, analysis.organization_id)
    analysis = _locked(analysis)
    _require_draft(analysis)
    name = _check_name(analysis, name)
    if catalogue_trend is not None and catalogue_trend.organization_id != analysis.organization_id:
        raise ValidationError({"catalogue_trend": [NOT_IN_ANALYSIS]})
    last = AnalysisTrend.objects.filter(analysis=analysis).aggregate(last=Max("position"))["last"]
    entry = AnalysisTrend.objects.create(
        organization_id=analysis.organization_id,
        analysis=analysis,
        name=name,
        description=_clean(description),
        driving_force=_clean(driving_force)[:100],
        position=(last or 0) + 1,
    )
    if catalogue_trend is not None:
        entry.catalogue_trends.add(catalogue_trend)
    return entry


@transaction.atomic
def trend_merge(*, entry: AnalysisTrend, into: AnalysisTrend, user) -> AnalysisTrend:
    """Merge ``entry`` into ``into`` for this year: the signals of its catalogue trends and
    its input count for ``into`` from now on, and the analysis names it as merged."""
    _require_writer(user, entry.organization_id)
    analysis = _locked(entry.analysis)
    _require_draft(analysis)
    _entry_of(analysis.pk, into)
    _entry_of(analysis.pk, entry)
    if entry.pk == into.pk:
        raise ValidationError({"into": [MERGE_SELF]})
    if not entry.is_assessed or not into.is_assessed:
        raise ValidationError({"into": [NOT_ASSESSED]})
    into.catalogue_trends.add(*entry.catalogue_trends.all())
    AnalysisInput.objects.filter(trend=entry).update(trend=into)
    # Those merged into it before go with it.
    AnalysisTrend.objects.filter(merged_into=entry).update(merged_into=into)
    entry.merged_into = into
    entry.save(update_fields=["merged_into", "updated_at"])
    return into


@transaction.atomic
def trend_retire(*, entry: AnalysisTrend, user, retired: bool = True) -> AnalysisTrend:
    """Leave a trend out of this year's assessment (or take it back in). A merged trend is
    neither: it lives on in the one it was merged into."""
    _require_writer(user, entry.organization_id)
    analysis = _locked(entry.analysis)
    _require_draft(analysis)
    if entry.merged_into_id:
        raise ValidationError({"__all__": [NOT_ASSESSED]})
    entry.retired = retired
    entry.save(update_fields=["retired", "updated_at"])
    return entry


@transaction.atomic
def input_add(
    *, analysis: TrendAnalysis, user, source: str, text: str, trend: AnalysisTrend | None = None
) -> AnalysisInput:
    _require_writer(user, analysis.organization_id)
    analysis = _locked(analysis)
    _require_draft(analysis)
    errors = {}
    if not _clean(source):
        errors["source"] = [SOURCE_REQUIRED]
    if not _clean(text):
        errors["text"] = [TEXT_REQUIRED]
    if trend is not None and trend.analysis_id != analysis.pk:
        errors["trend"] = [NOT_IN_ANALYSIS]
    elif trend is not None and not trend.is_assessed:
        errors["trend"] = [NOT_ASSESSED]
    if errors:
        raise ValidationError(errors)
    return AnalysisInput.objects.create(
        organization_id=analysis.organization_id,
        analysis=analysis,
        trend=trend,
        source=_clean(source),
        text=_clean(text),
        created_by=user,
    )


@transaction.atomic
def input_delete(*, line: AnalysisInput, user) -> None:
    _require_writer(user, line.organization_id)
    analysis = _locked(line.analysis)
    _require_draft(analysis)
    line.delete()


def unassessed(analysis: TrendAnalysis) -> list[str]:
    """The names of the trends still to be assessed (no "what it means for us" yet)."""
    return list(
        AnalysisTrend.objects.filter(
            analysis=analysis, merged_into__isnull=True, retired=False, meaning=""
        ).values_list("name", flat=True)
    )


@transaction.atomic
def analysis_publish(*, analysis: TrendAnalysis, user) -> TrendAnalysis:
    """Freeze the analysis as it stands into its snapshot, for good: the trends, every signal
    of the year that supports them (title, level and date as they are now), and what came of
    those a published report named. From then on the page and the PDF read only the snapshot,
    and no service changes the analysis."""
    require_capability(user, analysis.organization_id, "publish_trend_analysis", NOT_PUBLISHER)
    locked = _locked(analysis)
    _require_draft(locked)
    if not AnalysisTrend.objects.filter(
        analysis=locked, merged_into__isnull=True, retired=False
    ).exists():
        raise ValidationError({"__all__": [NOTHING_TO_PUBLISH]})
    missing = unassessed(locked)
    if missing:
        raise ValidationError(
            {
                "__all__": [
                    ngettext(
                        "Assess every trend before publishing: %(names)s has no assessment yet.",
                        "Assess every trend before publishing: %(names)s have no assessment yet.",
                        len(missing),
                    )
                    % {"names": ", ".join(missing)}
                ]
            }
        )
    organization_id = locked.organization_id
    document = document_for_analysis(
        locked,
        signals=Signal.objects.filter(organization_id=organization_id),
        reported=ReportedSignal.objects.filter(organization_id=organization_id),
        reports=PublishedReport.objects.filter(organization_id=organization_id),
        driving_forces=DrivingForce.objects.filter(organization_id=organization_id),
        language=LANGUAGE,
    )
    now = timezone.now()
    snapshot = document_to_dict(document)
    snapshot["published_on"] = timezone.localdate(now).isoformat()
    locked.snapshot = snapshot
    locked.status = AnalysisStatus.PUBLISHED
    locked.published_at = now
    locked.published_by = user
    locked.save(update_fields=["snapshot", "status", "published_at", "published_by", "updated_at"])
    analysis.status, analysis.snapshot = locked.status, locked.snapshot
    analysis.published_at, analysis.published_by = locked.published_at, locked.published_by
    return locked
