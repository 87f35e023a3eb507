"""Reading the trend analyses: the archive, a draft's document as the member sees it, a
published one's from its snapshot, and which of its signals the member may open. Each read
starts from a visibility rule."""

from django.db.models import QuerySet
from django.utils import timezone

from followup.visibility import visible_reported_signals
from organizations.models import Membership
from reports.visibility import visible_published_reports
from signals.models import Trend
from signals.visibility import visible_driving_forces, visible_signals, visible_trends

from .assembly import document_for_analysis
from .document import AnalysisDocument, document_from_dict
from .models import AnalysisStatus, AnalysisTrend, TrendAnalysis
from .visibility import visible_analysis_trends, visible_trend_analyses


def analyses(membership: Membership) -> QuerySet[TrendAnalysis]:
    """The analyses the member reads, newest year first, without their snapshots."""
    return (
        visible_trend_analyses(membership)
        .select_related("published_by")
        .defer("snapshot")
        .order_by("-year")
    )


def year_to_start(membership: Membership) -> int | None:
    """The year the start form suggests: this year's, else last year's, when not started."""
    this_year = timezone.localdate().year
    taken = set(
        visible_trend_analyses(membership)
        .filter(year__in=(this_year, this_year - 1))
        .values_list("year", flat=True)
    )
    for year in (this_year, this_year - 1):
        if year not in taken:
            return year
    return None


def document(membership: Membership, analysis: TrendAnalysis) -> AnalysisDocument:
    """A published analysis as it was frozen; a draft as it stands, with the signals, reports
    and follow-up the member may read."""
    if analysis.status == AnalysisStatus.PUBLISHED and analysis.snapshot:
        return document_from_dict(analysis.snapshot)
    return document_for_analysis(
        analysis,
        signals=visible_signals(membership),
        reported=visible_reported_signals(membership),
        reports=visible_published_reports(membership),
        driving_forces=visible_driving_forces(membership),
    )


def readable_signals(membership: Membership, document: AnalysisDocument) -> set[int]:
    """Which of the document's signals the member may open now (one query)."""
    ids = [signal.id for signal in document.signals]
    if not ids:
        return set()
    return set(visible_signals(membership).filter(pk__in=ids).values_list("pk", flat=True))


def assessed_trends(membership: Membership, analysis: TrendAnalysis) -> QuerySet[AnalysisTrend]:
    """The analysis's trends still assessed this year (not merged, not retired)."""
    return visible_analysis_trends(membership).filter(
        analysis=analysis, merged_into__isnull=True, retired=False
    )


def catalogue_trends(membership: Membership) -> QuerySet[Trend]:
    return visible_trends(membership).order_by("name")
