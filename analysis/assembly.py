"""A trend analysis as an ``AnalysisDocument``: its trends as the year has them, each with the
signals of the year that support it and, for those a published monthly report named, what
came of them.

The one place that reads an analysis's rows for its page and its PDF. What it may read is
given: the caller passes the signals, reported signals and published reports to read from,
either as a member sees them (a draft's page: ``visible_*``) or, when publishing, the whole
organisation's (the frozen analysis is the group's record, read by everyone). A fixed number
of queries, however many trends and signals.
"""

from collections import defaultdict
from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import override

from core.lib.people import display_name
from followup.models import Action, ReportedSignal
from reports.models import Candidate, Decision, PublishedReport
from signals.models import DrivingForce, Level, Signal, Status

from .document import (
    KEPT,
    MERGED,
    NEW,
    RENAMED,
    RETIRED,
    AnalysisDocument,
    FollowupAction,
    InputLine,
    ReportMention,
    SupportingSignal,
    TrendEntry,
)
from .models import AnalysisInput, AnalysisTrend, TrendAnalysis

# A signal supports a trend of the year when it is linked to it and was logged that year. A
# draft is not yet evidence; an archived signal still is (it was seen that year).
SUPPORTING_STATUSES = (Status.LOGGED, Status.ARCHIVED)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The year's first moment and the next year's, in the site's time zone."""
    zone = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def year_signals(signals: QuerySet[Signal], year: int) -> QuerySet[Signal]:
    start, end = year_bounds(year)
    return signals.filter(status__in=SUPPORTING_STATUSES, created_at__gte=start, created_at__lt=end)


def _state(entry: AnalysisTrend) -> str:
    if entry.merged_into_id:
        return MERGED
    if entry.retired:
        return RETIRED
    if not entry.catalogue_name:
        return NEW
    return RENAMED if entry.catalogue_name != entry.name else KEPT


def _owner(action: Action) -> str:
    if action.owner_id and action.owner:
        return display_name(action.owner)
    return action.owner_department


def _mentions(
    signal_ids: QuerySet, reported: QuerySet[ReportedSignal], reports: QuerySet[PublishedReport]
) -> dict[int, list[ReportMention]]:
    """Each supporting signal's published reports, oldest first, with what came of it."""
    current = {
        row["cycle_id"]: row
        for row in reports.filter(superseded_at__isnull=True).values(
            "pk", "cycle_id", "cycle__month"
        )
    }
    if not current:
        return {}
    chosen = Candidate.objects.filter(
        cycle_id__in=list(current), decision=Decision.IN, signal_id__in=signal_ids
    ).values_list("signal_id", "cycle_id")
    answers = {
        (row.signal_id, row.cycle_id): row
        for row in reported.filter(
            cycle_id__in=list(current), signal_id__in=signal_ids
        ).prefetch_related(
            Prefetch(
                "actions",
                queryset=Action.objects.select_related("owner").order_by("due_on", "pk"),
            )
        )
    }
    mentions: dict[int, list[ReportMention]] = defaultdict(list)
    for signal_id, cycle_id in chosen:
        report = current[cycle_id]
        answer = answers.get((signal_id, cycle_id))
        actions = []
        if answer is not None:
            actions = [
                FollowupAction(
                    title=action.title,
                    kind_label=str(action.get_kind_display()),
                    status=action.status,
                    status_label=str(action.get_status_display()),
                    owner=_owner(action),
                    due_on=action.due_on,
                )
                for action in answer.actions.all()
            ]
        mentions[signal_id].append(
            ReportMention(
                month=report["cycle__month"],
                report_id=report["pk"],
                outcome=answer.outcome if answer else "",
                outcome_label=str(answer.get_outcome_display())
                if answer and answer.outcome
                else "",
                outcome_note=answer.outcome_note if answer else "",
                actions=actions,
            )
        )
    for signal_mentions in mentions.values():
        signal_mentions.sort(key=lambda mention: mention.month)
    return mentions


def document_for_analysis(
    analysis: TrendAnalysis,
    *,
    signals: QuerySet[Signal],
    reported: QuerySet[ReportedSignal],
    reports: QuerySet[PublishedReport],
    driving_forces: QuerySet[DrivingForce],
    language: str = "sv",
) -> AnalysisDocument:
    """The analysis as it stands, read through the given querysets (see the module)."""
    entries = list(AnalysisTrend.objects.filter(analysis=analysis).order_by("position", "pk"))
    by_id = {entry.pk: entry for entry in entries}
    links = AnalysisTrend.catalogue_trends.through.objects.filter(
        analysistrend__analysis=analysis
    ).values_list("analysistrend_id", "trend_id")
    entries_of_trend: dict[int, list[int]] = defaultdict(list)
    for entry_id, trend_id in links:
        entries_of_trend[trend_id].append(entry_id)

    supporting = year_signals(signals, analysis.year).filter(trends__in=list(entries_of_trend))
    signal_ids = supporting.values("pk")
    rows = {
        row["pk"]: row
        for row in signals.filter(pk__in=signal_ids).values(
            "pk", "title", "level", "time_horizon", "impact", "created_at"
        )
    }
    signal_trends = Signal.trends.through.objects.filter(
        signal_id__in=signal_ids, trend_id__in=list(entries_of_trend)
    ).values_list("signal_id", "trend_id")
    mentions = _mentions(signal_ids, reported, reports)
    inputs = list(AnalysisInput.objects.filter(analysis=analysis).order_by("pk"))

    zone = timezone.get_current_timezone()
    with override(language):
        level_labels = {level.value: str(level.label) for level in Level}
        made = {
            pk: SupportingSignal(
                id=pk,
                title=row["title"],
                level=row["level"],
                level_label=level_labels.get(row["level"], row["level"]),
                logged_on=row["created_at"].astimezone(zone).date(),
                horizon=row["time_horizon"],
                impact=row["impact"],
                reports=mentions.get(pk, []),
            )
            for pk, row in rows.items()
        }
    of_entry: dict[int, dict[int, SupportingSignal]] = defaultdict(dict)
    for signal_id, trend_id in signal_trends:
        if signal_id not in made:
            continue
        for entry_id in entries_of_trend[trend_id]:
            of_entry[entry_id][signal_id] = made[signal_id]
    inputs_of: dict[int | None, list[InputLine]] = defaultdict(list)
    for line in inputs:
        inputs_of[line.trend_id].append(InputLine(source=line.source, text=line.text, id=line.pk))
    merged_names: dict[int, list[str]] = defaultdict(list)
    for entry in entries:
        if entry.merged_into_id:
            merged_names[entry.merged_into_id].append(entry.name)

    trends = []
    for entry in entries:
        target = by_id.get(entry.merged_into_id) if entry.merged_into_id else None
        # A merged or retired trend is named, not assessed: its signals count where it went.
        signals_here = [] if entry.merged_into_id or entry.retired else of_entry[entry.pk]
        trends.append(
            TrendEntry(
                id=entry.pk,
                name=entry.name,
                state=_state(entry),
                catalogue_name=entry.catalogue_name,
                description=entry.description,
                driving_force=entry.driving_force,
                meaning=entry.meaning,
                opportunities=entry.opportunities,
                risks=entry.risks,
                merged_into=target.name if target else "",
                merged=merged_names[entry.pk],
                signals=sorted(
                    signals_here.values() if signals_here else [],
                    key=lambda signal: (signal.logged_on, signal.title, signal.id),
                ),
                inputs=inputs_of[entry.pk],
            )
        )
    used = [trend.driving_force for trend in trends if trend.is_assessed and trend.driving_force]
    catalogue = [name for name in driving_forces.values_list("name", flat=True) if name in used]
    forces = catalogue + [name for name in dict.fromkeys(used) if name not in catalogue]
    organization = analysis.organization
    return AnalysisDocument(
        organization_name=organization.name,
        perspective_name=organization.perspective_name,
        year=analysis.year,
        title=analysis.title,
        summary=analysis.summary,
        published_on=None,
        driving_forces=forces,
        trends=trends,
        inputs=inputs_of[None],
        language=language,
    )
