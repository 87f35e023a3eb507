"""Reading the report cycle: the candidates with the member's own score and, once they have
scored a candidate, everyone's (no anchoring); the ranking board; the shortlist and its
bounds. Always starts from ``visibility``'s ``visible_*`` functions.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Max, Min, Prefetch, QuerySet

from organizations.models import Membership
from signals.models import Level

from .models import Candidate, Decision, PublishedReport, ReportCycle, Score
from .services import bounds_text
from .visibility import visible_candidates, visible_published_reports, visible_scores

# Members who gave 1 and 3 on the same question disagree: worth talking about.
DISAGREEMENT = 2


@dataclass
class Opinions:
    """Everyone's scores of one candidate, summed up."""

    count: int = 0
    relevance: float | None = None
    urgency: float | None = None
    relevance_min: int | None = None
    relevance_max: int | None = None
    urgency_min: int | None = None
    urgency_max: int | None = None

    @property
    def combined(self) -> float | None:
        if not self.count:
            return None
        return (self.relevance or 0) + (self.urgency or 0)

    @staticmethod
    def _apart(low: int | None, high: int | None) -> bool:
        return low is not None and high is not None and high - low >= DISAGREEMENT

    @property
    def relevance_split(self) -> bool:
        return self.count > 1 and self._apart(self.relevance_min, self.relevance_max)

    @property
    def urgency_split(self) -> bool:
        return self.count > 1 and self._apart(self.urgency_min, self.urgency_max)

    @property
    def split(self) -> bool:
        return self.relevance_split or self.urgency_split


@dataclass
class Row:
    candidate: Candidate
    mine: Score | None
    opinions: Opinions
    trends: list = field(default_factory=list)

    @property
    def signal(self):
        return self.candidate.signal

    @property
    def others_shown(self) -> bool:
        """No anchoring: the group's scores only after one's own."""
        return self.mine is not None


@dataclass(frozen=True)
class BoardFilters:
    level: str = ""
    area: int | None = None
    trend: int | None = None

    def __bool__(self) -> bool:
        return bool(self.level or self.area or self.trend)


def _candidates(membership: Membership, cycle: ReportCycle) -> QuerySet[Candidate]:
    mine = visible_scores(membership).filter(user_id=membership.user_id)
    return (
        visible_candidates(membership)
        .filter(cycle=cycle)
        .select_related("signal__area")
        .prefetch_related(Prefetch("scores", queryset=mine, to_attr="own_scores"), "signal__trends")
        .annotate(
            score_count=Count("scores"),
            relevance_avg=Avg("scores__relevance"),
            urgency_avg=Avg("scores__urgency"),
            relevance_min=Min("scores__relevance"),
            relevance_max=Max("scores__relevance"),
            urgency_min=Min("scores__urgency"),
            urgency_max=Max("scores__urgency"),
        )
    )


def _row(candidate: Candidate) -> Row:
    # The annotations and prefetch of _candidates(), which the model does not declare.
    figures: Any = candidate
    opinions = Opinions(
        count=figures.score_count,
        relevance=figures.relevance_avg,
        urgency=figures.urgency_avg,
        relevance_min=figures.relevance_min,
        relevance_max=figures.relevance_max,
        urgency_min=figures.urgency_min,
        urgency_max=figures.urgency_max,
    )
    own = figures.own_scores
    return Row(
        candidate=candidate,
        mine=own[0] if own else None,
        opinions=opinions,
        trends=list(candidate.signal.trends.all()),
    )


def scoring_rows(membership: Membership, cycle: ReportCycle) -> list[Row]:
    """Every candidate, in the order the signals were logged (oldest first), with the
    member's own score."""
    candidates = _candidates(membership, cycle).order_by("signal__created_at", "pk")
    return [_row(candidate) for candidate in candidates]


def scoring_row(membership: Membership, candidate: Candidate) -> Row:
    return _row(_candidates(membership, candidate.cycle).get(pk=candidate.pk))


def progress(rows: list[Row]) -> tuple[int, int]:
    """(scored by the member, candidates)."""
    return sum(1 for row in rows if row.mine is not None), len(rows)


@dataclass
class Board:
    """The board's rows in two parts. ``ranked``: the candidates the member has scored, by
    combined score (mean relevance + mean urgency), the more scores first among equals.
    ``unscored``: those they have not scored yet, in the order they were logged, with none of
    the group's scores (no anchoring: not even their place in the ranking shows)."""

    ranked: list[Row]
    unscored: list[Row]

    def __bool__(self) -> bool:
        return bool(self.ranked or self.unscored)

    def __len__(self) -> int:
        return len(self.ranked) + len(self.unscored)


def board_rows(membership: Membership, cycle: ReportCycle, filters: BoardFilters) -> Board:
    """The ranking board for this member (see ``Board``), filtered."""
    candidates = _candidates(membership, cycle)
    if filters.level:
        candidates = candidates.filter(signal__level=filters.level)
    if filters.area:
        candidates = candidates.filter(signal__area_id=filters.area)
    if filters.trend:
        candidates = candidates.filter(signal__trends=filters.trend)
    rows = [_row(candidate) for candidate in candidates.order_by("signal__created_at", "pk")]
    ranked = sorted(
        (row for row in rows if row.others_shown),
        key=lambda row: (-(row.opinions.combined or 0), -row.opinions.count, row.candidate.pk),
    )
    return Board(ranked=ranked, unscored=[row for row in rows if not row.others_shown])


@dataclass(frozen=True)
class Shortlist:
    candidates: list[Candidate]
    minimum: int
    maximum: int
    bounds: str

    @property
    def count(self) -> int:
        return len(self.candidates)

    @property
    def within(self) -> bool:
        return self.minimum <= self.count <= self.maximum

    @property
    def too_few(self) -> bool:
        return self.count < self.minimum


def shortlist(membership: Membership, cycle: ReportCycle) -> Shortlist:
    """The candidates marked in, in their order, and how their number stands to the bounds."""
    chosen = (
        visible_candidates(membership)
        .filter(cycle=cycle, decision=Decision.IN)
        .select_related("signal")
        .order_by("position", "pk")
    )
    return Shortlist(
        candidates=list(chosen),
        minimum=cycle.min_signals,
        maximum=cycle.max_signals,
        bounds=bounds_text(cycle),
    )


def level_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Level.choices]


def progress_counts(membership: Membership, cycle: ReportCycle) -> tuple[int, int]:
    """(scored by the member, candidates), counted without loading the rows."""
    scored = visible_scores(membership).filter(user_id=membership.user_id, candidate__cycle=cycle)
    return scored.count(), visible_candidates(membership).filter(cycle=cycle).count()


def composition(membership: Membership, cycle: ReportCycle) -> list[Candidate]:
    """The chosen candidates in shortlist order, with what the compose page shows of each
    signal (level, area, motivation) loaded in the same query."""
    return list(
        visible_candidates(membership)
        .filter(cycle=cycle, decision=Decision.IN)
        .select_related("signal__area")
        .order_by("position", "pk")
    )


def latest_published_report(membership: Membership) -> PublishedReport | None:
    """The current version of the latest month's published report, for the start page."""
    reports = visible_published_reports(membership).filter(superseded_at__isnull=True)
    return reports.select_related("cycle").defer("document").order_by("-cycle__month").first()
