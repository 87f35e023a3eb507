"""A report cycle as a ``ReportDocument``: the chosen signals in the shortlist's order with
their analyses, and every candidate the group considered.

The one place that reads the cycle's rows for the report; the browser view, the PDF and
``manage.py build_report`` all start here. It reads through the cycle's own relations: a
caller has already found the cycle through its visibility rule (or, for the command, is the
installation itself).
"""

from collections import Counter
from statistics import mean

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import override

from signals.models import DrivingForce, Level, Trend
from signals.models import Source as SignalSource

from .document import CandidateLine, ReportDocument, ReportSignal, Source
from .models import Candidate, Decision, ReportCycle


def _candidates(cycle: ReportCycle) -> list[Candidate]:
    return list(
        Candidate.objects.filter(cycle=cycle)
        .select_related("signal__area")
        .prefetch_related(
            Prefetch(
                "signal__trends",
                queryset=Trend.objects.select_related("driving_force").order_by("name"),
            ),
            Prefetch("signal__sources", queryset=SignalSource.objects.order_by("position", "pk")),
            "scores",
        )
        .order_by("pk")
    )


def _score(candidate: Candidate) -> float | None:
    """The candidate's combined score: the mean of every member's relevance and urgency."""
    scores = list(candidate.scores.all())
    if not scores:
        return None
    return round(mean((score.relevance + score.urgency) / 2 for score in scores), 1)


def _driving_force(trends: list[Trend]) -> str:
    """The driving force most of the signal's trends are read under, a tie to the first by id:
    the sector the overview's radar puts the signal in (overview.selectors.radar_data)."""
    forces = Counter(trend.driving_force for trend in trends if trend.driving_force)
    if not forces:
        return ""
    return min(forces, key=lambda force: (-forces[force], force.pk)).name


def _report_signal(candidate: Candidate, base_url: str) -> ReportSignal:
    signal = candidate.signal
    trends = list(signal.trends.all())
    return ReportSignal(
        title=signal.title,
        level_label=str(signal.get_level_display()),
        area=signal.area.name if signal.area else "",
        trends=[trend.name for trend in trends],
        sources=[
            Source(name=source.name, url=source.url, published_on=source.published_on)
            for source in signal.sources.all()
        ],
        motivation=signal.motivation,
        meaning=candidate.meaning,
        consequences=candidate.consequences,
        audience=candidate.audience,
        url=f"{base_url.rstrip('/')}{signal.get_absolute_url()}" if base_url else "",
        level=signal.level,
        horizon=signal.time_horizon or "",
        impact=signal.impact,
        driving_force=_driving_force(trends),
    )


def document_for_cycle(cycle: ReportCycle, *, base_url: str = "") -> ReportDocument:
    """The cycle's report as it stands. ``base_url`` (e.g. "https://spaning.kommun.se") makes
    the links to the signals absolute; without it the report links to none."""
    candidates = _candidates(cycle)
    chosen = sorted(
        (c for c in candidates if c.decision == Decision.IN),
        key=lambda c: (c.position is None, c.position or 0, c.pk),
    )
    language = "sv"
    with override(language):
        no_area = _("No area")
        levels = Counter(str(c.signal.get_level_display()) for c in candidates)
        level_labels = [str(label) for label in Level.labels]
        areas = Counter(c.signal.area.name if c.signal.area else no_area for c in candidates)
        lines = [
            CandidateLine(
                title=c.signal.title,
                level_label=str(c.signal.get_level_display()),
                area=c.signal.area.name if c.signal.area else "",
                chosen=c.decision == Decision.IN,
                score=_score(c),
            )
            for c in sorted(candidates, key=lambda c: (c.decision != Decision.IN, c.signal.title))
        ]
        signals = [_report_signal(c, base_url) for c in chosen]
    organization = cycle.organization
    return ReportDocument(
        organization_name=organization.name,
        perspective_name=organization.perspective_name,
        month=cycle.month,
        published_on=None,
        introduction=cycle.introduction,
        signals=signals,
        candidates=lines,
        # Inner, near, outer: the levels' own order, as everywhere else.
        counts_by_level={label: levels[label] for label in level_labels if levels[label]},
        counts_by_area=dict(areas.most_common()),
        driving_forces=list(
            DrivingForce.objects.filter(organization=organization)
            .order_by("name")
            .values_list("name", flat=True)
        ),
        language=language,
    )
