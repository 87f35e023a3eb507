"""A monthly report as plain data: everything the report template shows, and nothing else.

The report is built from these values, not from the models, so a published report can be
rendered again exactly as it was (the signals it names may be edited or deleted later) and
the browser view and the PDF read the same thing. Text is kept as written; what the template
needs to show it safely (Markdown rendered and cleaned, bidirectional controls removed, only
web addresses as links) is worked out here, in one place.
"""

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core.lib.markdown import render_markdown
from core.lib.text import strip_bidi_controls

# A source or signal address becomes a link only when it is a web address: a "javascript:"
# or "file:" address typed into a source stays text.
LINK_SCHEMES = {"http", "https"}


def _web_address(url: str) -> str:
    url = strip_bidi_controls(url or "").strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return ""
    return url if scheme in LINK_SCHEMES else ""


def _markdown(text: str) -> SafeString:
    return render_markdown(strip_bidi_controls(text or ""))


def month_name(month: date) -> str:
    """The month as the report names it, in the active language: "november 2026"."""
    return date_format(month, "F Y")


def long_date(day: date) -> str:
    """A date as the report writes it, in the active language: "3 december 2026"."""
    return date_format(day, "j F Y")


@dataclass(frozen=True)
class Source:
    name: str
    url: str = ""
    published_on: date | None = None

    @property
    def link(self) -> str:
        """The address to link to, or "" when it is not a web address."""
        return _web_address(self.url)

    @property
    def label(self) -> str:
        """How the source is named: its name, else its address."""
        return strip_bidi_controls(self.name or self.url)


@dataclass(frozen=True)
class ReportSignal:
    title: str
    level_label: str
    area: str
    trends: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    motivation: str = ""  # Markdown
    meaning: str = ""  # Markdown: what it means for the organisation
    consequences: str = ""  # Markdown: possible consequences or actions
    audience: str = ""  # Markdown: who should know
    url: str = ""  # the signal in the app, absolute
    # Where the report's radar places it (reports/charts.py): the signals.models values as
    # they were ("" and None when not set), and the name of the driving force it is read under.
    level: str = ""
    horizon: str = ""
    impact: int | None = None
    driving_force: str = ""

    @property
    def link(self) -> str:
        return _web_address(self.url)

    @property
    def motivation_html(self) -> SafeString:
        return _markdown(self.motivation)

    @property
    def meaning_html(self) -> SafeString:
        return _markdown(self.meaning)

    @property
    def consequences_html(self) -> SafeString:
        return _markdown(self.consequences)

    @property
    def audience_html(self) -> SafeString:
        return _markdown(self.audience)


@dataclass(frozen=True)
class CandidateLine:
    """A signal the group considered this month, chosen for the report or not."""

    title: str
    level_label: str
    area: str
    chosen: bool = False
    score: float | None = None


@dataclass(frozen=True)
class ReportDocument:
    organization_name: str
    perspective_name: str
    month: date
    published_on: date | None
    introduction: str  # Markdown
    signals: list[ReportSignal]
    candidates: list[CandidateLine]
    # Label → number of the month's candidates, in the order the chart shows them.
    counts_by_level: dict[str, int] = field(default_factory=dict)
    counts_by_area: dict[str, int] = field(default_factory=dict)
    # The organisation's driving forces' names as they were, in order: the radar's sectors.
    driving_forces: list[str] = field(default_factory=list)
    version: int = 1
    superseded: bool = False
    language: str = "sv"

    @property
    def month_name(self) -> str:
        return month_name(self.month)

    @property
    def published_text(self) -> str:
        """The cover's date line: when it was published, or that it is a draft."""
        if self.published_on is None:
            return _("Draft, not published")
        return _("Published %(date)s") % {"date": long_date(self.published_on)}

    @property
    def introduction_html(self) -> SafeString:
        return _markdown(self.introduction)

    @property
    def motivation_heading(self) -> str:
        """ "Why this is interesting for Kungsbacka", as the signal register says it."""
        return _("Why this is interesting for %(organization)s") % {
            "organization": strip_bidi_controls(self.perspective_name)
        }


# --- as JSON, for a published report --------------------------------------------------------
# A published report keeps its document as JSON (PublishedReport.document): these are its
# only writer and reader. Dates are ISO strings; a key missing from an older version reads as
# the field's default, so adding a field later leaves the published reports readable.


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def source_to_dict(source: Source) -> dict:
    return {"name": source.name, "url": source.url, "published_on": _iso(source.published_on)}


def source_from_dict(data: dict) -> Source:
    return Source(
        name=data.get("name", ""),
        url=data.get("url", ""),
        published_on=_day(data.get("published_on")),
    )


def signal_to_dict(signal: ReportSignal) -> dict:
    return {
        "title": signal.title,
        "level_label": signal.level_label,
        "area": signal.area,
        "trends": list(signal.trends),
        "sources": [source_to_dict(source) for source in signal.sources],
        "motivation": signal.motivation,
        "meaning": signal.meaning,
        "consequences": signal.consequences,
        "audience": signal.audience,
        "url": signal.url,
        "level": signal.level,
        "horizon": signal.horizon,
        "impact": signal.impact,
        "driving_force": signal.driving_force,
    }


def signal_from_dict(data: dict) -> ReportSignal:
    return ReportSignal(
        title=data.get("title", ""),
        level_label=data.get("level_label", ""),
        area=data.get("area", ""),
        trends=list(data.get("trends", [])),
        sources=[source_from_dict(source) for source in data.get("sources", [])],
        motivation=data.get("motivation", ""),
        meaning=data.get("meaning", ""),
        consequences=data.get("consequences", ""),
        audience=data.get("audience", ""),
        url=data.get("url", ""),
        level=data.get("level", ""),
        horizon=data.get("horizon", ""),
        impact=data.get("impact"),
        driving_force=data.get("driving_force", ""),
    )


def candidate_to_dict(line: CandidateLine) -> dict:
    return {
        "title": line.title,
        "level_label": line.level_label,
        "area": line.area,
        "chosen": line.chosen,
        "score": line.score,
    }


def candidate_from_dict(data: dict) -> CandidateLine:
    return CandidateLine(
        title=data.get("title", ""),
        level_label=data.get("level_label", ""),
        area=data.get("area", ""),
        chosen=bool(data.get("chosen", False)),
        score=data.get("score"),
    )


def document_to_dict(document: ReportDocument) -> dict:
    """The document as JSON-ready data (``document_from_dict`` reads it back equal)."""
    return {
        "organization_name": document.organization_name,
        "perspective_name": document.perspective_name,
        "month": document.month.isoformat(),
        "published_on": _iso(document.published_on),
        "introduction": document.introduction,
        "signals": [signal_to_dict(signal) for signal in document.signals],
        "candidates": [candidate_to_dict(line) for line in document.candidates],
        # Lists of pairs: the chart's order is part of the document, and JSON objects keep
        # theirs only by courtesy of the database.
        "counts_by_level": [[label, n] for label, n in document.counts_by_level.items()],
        "counts_by_area": [[label, n] for label, n in document.counts_by_area.items()],
        "driving_forces": list(document.driving_forces),
        "version": document.version,
        "superseded": document.superseded,
        "language": document.language,
    }


def document_from_dict(data: dict) -> ReportDocument:
    return ReportDocument(
        organization_name=data.get("organization_name", ""),
        perspective_name=data.get("perspective_name", ""),
        month=date.fromisoformat(data["month"]),
        published_on=_day(data.get("published_on")),
        introduction=data.get("introduction", ""),
        signals=[signal_from_dict(signal) for signal in data.get("signals", [])],
        candidates=[candidate_from_dict(line) for line in data.get("candidates", [])],
        counts_by_level={str(label): int(n) for label, n in data.get("counts_by_level", [])},
        counts_by_area={str(label): int(n) for label, n in data.get("counts_by_area", [])},
        driving_forces=[str(name) for name in data.get("driving_forces", [])],
        version=data.get("version", 1),
        superseded=bool(data.get("superseded", False)),
        language=data.get("language", "sv"),
    )
