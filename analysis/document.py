"""A trend analysis as plain data: everything its page and its PDF show, and nothing else.

As with the monthly report (``reports.document``), the page and the PDF are drawn from these
values, not from the models: a draft's document is assembled from the rows as they stand
(``assembly``), a published analysis's is read back from its frozen snapshot, so later edits
of the signals, the catalogue or the follow-up change nothing published. Text is kept as
written; Markdown is rendered and cleaned here, in one place.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core.lib.markdown import render_markdown
from core.lib.text import strip_bidi_controls
from signals.models import Level

# What became of a trend of the catalogue in the year's analysis.
KEPT, RENAMED, NEW, MERGED, RETIRED = "kept", "renamed", "new", "merged", "retired"


def _markdown(text: str) -> SafeString:
    return render_markdown(strip_bidi_controls(text or ""))


def long_date(day: date) -> str:
    return date_format(day, "j F Y")


@dataclass(frozen=True)
class FollowupAction:
    """An action decided on a reported signal, as it stood."""

    title: str
    kind_label: str
    status: str
    status_label: str
    owner: str
    due_on: date | None = None


@dataclass(frozen=True)
class ReportMention:
    """A published monthly report that named the signal, and what came of it."""

    month: date
    report_id: int | None = None
    outcome: str = ""
    outcome_label: str = ""
    outcome_note: str = ""
    actions: list[FollowupAction] = field(default_factory=list)

    @property
    def month_name(self) -> str:
        return date_format(self.month, "F Y")


@dataclass(frozen=True)
class SupportingSignal:
    id: int
    title: str
    level: str
    level_label: str
    logged_on: date
    horizon: str = ""
    impact: int | None = None
    reports: list[ReportMention] = field(default_factory=list)


@dataclass(frozen=True)
class InputLine:
    source: str
    text: str
    id: int | None = None  # the row, in a draft (to remove it); None once frozen

    @property
    def text_html(self) -> SafeString:
        return _markdown(self.text)


@dataclass(frozen=True)
class TrendEntry:
    name: str
    state: str = KEPT
    id: int | None = None  # the row, in a draft
    catalogue_name: str = ""
    description: str = ""
    driving_force: str = ""
    meaning: str = ""  # Markdown
    opportunities: str = ""  # Markdown
    risks: str = ""  # Markdown
    merged_into: str = ""  # the name of the trend it was merged into
    merged: list[str] = field(default_factory=list)  # the names merged into this one
    signals: list[SupportingSignal] = field(default_factory=list)
    inputs: list[InputLine] = field(default_factory=list)

    @property
    def is_assessed(self) -> bool:
        return self.state not in (MERGED, RETIRED)

    @property
    def counts_by_level(self) -> list[tuple[str, str, int]]:
        """(level, label, count) for each level, inner to outer, zeros included."""
        counts = Counter(signal.level for signal in self.signals)
        return [(level.value, str(level.label), counts[level.value]) for level in Level]

    @property
    def reported_signals(self) -> list[SupportingSignal]:
        return [signal for signal in self.signals if signal.reports]

    @property
    def description_html(self) -> SafeString:
        return _markdown(self.description)

    @property
    def meaning_html(self) -> SafeString:
        return _markdown(self.meaning)

    @property
    def opportunities_html(self) -> SafeString:
        return _markdown(self.opportunities)

    @property
    def risks_html(self) -> SafeString:
        return _markdown(self.risks)

    @property
    def renamed_from(self) -> str:
        """The catalogue's name when the year's differs ("" otherwise)."""
        if self.catalogue_name and self.catalogue_name != self.name:
            return self.catalogue_name
        return ""


@dataclass(frozen=True)
class AnalysisDocument:
    organization_name: str
    perspective_name: str
    year: int
    title: str
    summary: str = ""  # Markdown
    published_on: date | None = None
    driving_forces: list[str] = field(default_factory=list)  # the catalogue's, in order
    trends: list[TrendEntry] = field(default_factory=list)
    inputs: list[InputLine] = field(default_factory=list)  # on the analysis as a whole
    language: str = "sv"

    @property
    def assessed(self) -> list[TrendEntry]:
        return [trend for trend in self.trends if trend.is_assessed]

    @property
    def set_aside(self) -> list[TrendEntry]:
        """The trends merged or retired this year: named, not assessed."""
        return [trend for trend in self.trends if not trend.is_assessed]

    @property
    def signals(self) -> list[SupportingSignal]:
        """Every supporting signal once, in the order the trends name them."""
        seen: dict[int, SupportingSignal] = {}
        for trend in self.assessed:
            for signal in trend.signals:
                seen.setdefault(signal.id, signal)
        return list(seen.values())

    @property
    def counts_by_level(self) -> list[tuple[str, str, int]]:
        counts = Counter(signal.level for signal in self.signals)
        return [(level.value, str(level.label), counts[level.value]) for level in Level]

    @property
    def summary_html(self) -> SafeString:
        return _markdown(self.summary)

    @property
    def published_text(self) -> str:
        if self.published_on is None:
            return _("Draft, not published")
        return _("Published %(date)s") % {"date": long_date(self.published_on)}


# --- as JSON, for a published analysis ----------------------------------------------------------
# The snapshot's only writer and reader. Dates are ISO strings; a key missing from an older
# snapshot reads as the field's default, so adding a field later leaves it readable.


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _action_to_dict(action: FollowupAction) -> dict:
    return {
        "title": action.title,
        "kind_label": action.kind_label,
        "status": action.status,
        "status_label": action.status_label,
        "owner": action.owner,
        "due_on": _iso(action.due_on),
    }


def _action_from_dict(data: dict) -> FollowupAction:
    return FollowupAction(
        title=data.get("title", ""),
        kind_label=data.get("kind_label", ""),
        status=data.get("status", ""),
        status_label=data.get("status_label", ""),
        owner=data.get("owner", ""),
        due_on=_day(data.get("due_on")),
    )


def _mention_to_dict(mention: ReportMention) -> dict:
    return {
        "month": mention.month.isoformat(),
        "report_id": mention.report_id,
        "outcome": mention.outcome,
        "outcome_label": mention.outcome_label,
        "outcome_note": mention.outcome_note,
        "actions": [_action_to_dict(action) for action in mention.actions],
    }


def _mention_from_dict(data: dict) -> ReportMention:
    return ReportMention(
        month=date.fromisoformat(data["month"]),
        report_id=data.get("report_id"),
        outcome=data.get("outcome", ""),
        outcome_label=data.get("outcome_label", ""),
        outcome_note=data.get("outcome_note", ""),
        actions=[_action_from_dict(action) for action in data.get("actions", [])],
    )


def _signal_to_dict(signal: SupportingSignal) -> dict:
    return {
        "id": signal.id,
        "title": signal.title,
        "level": signal.level,
        "level_label": signal.level_label,
        "logged_on": signal.logged_on.isoformat(),
        "horizon": signal.horizon,
        "impact": signal.impact,
        "reports": [_mention_to_dict(mention) for mention in signal.reports],
    }


def _signal_from_dict(data: dict) -> SupportingSignal:
    return SupportingSignal(
        id=int(data["id"]),
        title=data.get("title", ""),
        level=data.get("level", ""),
        level_label=data.get("level_label", ""),
        logged_on=date.fromisoformat(data["logged_on"]),
        horizon=data.get("horizon", ""),
        impact=data.get("impact"),
        reports=[_mention_from_dict(mention) for mention in data.get("reports", [])],
    )


def _input_to_dict(line: InputLine) -> dict:
    return {"source": line.source, "text": line.text}


def _input_from_dict(data: dict) -> InputLine:
    return InputLine(source=data.get("source", ""), text=data.get("text", ""))


def _trend_to_dict(trend: TrendEntry) -> dict:
    return {
        "name": trend.name,
        "state": trend.state,
        "catalogue_name": trend.catalogue_name,
        "description": trend.description,
        "driving_force": trend.driving_force,
        "meaning": trend.meaning,
        "opportunities": trend.opportunities,
        "risks": trend.risks,
        "merged_into": trend.merged_into,
        "merged": list(trend.merged),
        "signals": [_signal_to_dict(signal) for signal in trend.signals],
        "inputs": [_input_to_dict(line) for line in trend.inputs],
    }


def _trend_from_dict(data: dict) -> TrendEntry:
    return TrendEntry(
        name=data.get("name", ""),
        state=data.get("state", KEPT),
        catalogue_name=data.get("catalogue_name", ""),
        description=data.get("description", ""),
        driving_force=data.get("driving_force", ""),
        meaning=data.get("meaning", ""),
        opportunities=data.get("opportunities", ""),
        risks=data.get("risks", ""),
        merged_into=data.get("merged_into", ""),
        merged=list(data.get("merged", [])),
        signals=[_signal_from_dict(signal) for signal in data.get("signals", [])],
        inputs=[_input_from_dict(line) for line in data.get("inputs", [])],
    )


def document_to_dict(document: AnalysisDocument) -> dict:
    """The document as JSON-ready data (``document_from_dict`` reads it back equal, but for
    the rows' ids, which a frozen analysis no longer needs)."""
    return {
        "organization_name": document.organization_name,
        "perspective_name": document.perspective_name,
        "year": document.year,
        "title": document.title,
        "summary": document.summary,
        "published_on": _iso(document.published_on),
        "driving_forces": list(document.driving_forces),
        "trends": [_trend_to_dict(trend) for trend in document.trends],
        "inputs": [_input_to_dict(line) for line in document.inputs],
        "language": document.language,
    }


def document_from_dict(data: dict) -> AnalysisDocument:
    return AnalysisDocument(
        organization_name=data.get("organization_name", ""),
        perspective_name=data.get("perspective_name", ""),
        year=int(data["year"]),
        title=data.get("title", ""),
        summary=data.get("summary", ""),
        published_on=_day(data.get("published_on")),
        driving_forces=list(data.get("driving_forces", [])),
        trends=[_trend_from_dict(trend) for trend in data.get("trends", [])],
        inputs=[_input_from_dict(line) for line in data.get("inputs", [])],
        language=data.get("language", "sv"),
    )
