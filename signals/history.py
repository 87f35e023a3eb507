"""A signal's audit trail in readable form: who changed what, and when.

Each write in ``services`` leaves one ``Signal`` history record, and stamps the history records
of the sources it touched with the same time; here they are put back together as one change,
its fields compared with ``diff_against`` and their values shown as a person would name them
(choices by their label, areas, trends and tags by name) in the current language.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from .models import Area, Signal, Source, Tag, Trend

# Not worth showing: they change with every save, or never.
IGNORED_FIELDS = ["version", "updated_at", "organization", "created_by", "created_at"]
FIELD_ORDER = [
    "title",
    "description",
    "motivation",
    "level",
    "area",
    "trends",
    "tags",
    "time_horizon",
    "impact",
    "certainty",
    "status",
]


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    user: object
    created: bool
    changes: list[FieldChange] = field(default_factory=list)
    source_changes: list[str] = field(default_factory=list)


def signal_history(signal: Signal, labels: dict[str, str]) -> list[HistoryEntry]:
    """The signal's changes, newest first. ``labels`` names the fields as the forms do."""
    records = list(
        signal.history.select_related("history_user").order_by("history_date", "history_id")
    )
    sources_by_time = _source_changes(signal)
    names = _Names(signal)
    entries = []
    previous = None
    for record in records:
        entry = HistoryEntry(
            when=record.history_date,
            user=record.history_user,
            created=record.history_type == "+",
        )
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=IGNORED_FIELDS)
            changes = sorted(delta.changes, key=lambda c: _order(c.field))
            entry.changes = [
                FieldChange(
                    label=labels.get(change.field) or _field_label(change.field),
                    old=names.show(change.field, change.old),
                    new=names.show(change.field, change.new),
                )
                for change in changes
            ]
        entry.source_changes = sources_by_time.pop(record.history_date, [])
        entries.append(entry)
        previous = record
    return list(reversed(entries))


def _order(name: str) -> int:
    return FIELD_ORDER.index(name) if name in FIELD_ORDER else len(FIELD_ORDER)


def _field_label(name: str) -> str:
    return str(Signal._meta.get_field(name).verbose_name).capitalize()


def _describe_source(record) -> str:
    parts = [part for part in (record.name, record.url) if part]
    return " – ".join(parts)


def _source_changes(signal: Signal) -> dict[datetime, list[str]]:
    """What happened to the signal's sources, per moment (history_date)."""
    records = list(
        Source.history.filter(signal_id=signal.pk).order_by("history_date", "history_id")
    )
    previous_by_source = {}
    changes = defaultdict(list)
    for record in records:
        previous = previous_by_source.get(record.id)
        if record.history_type == "+":
            text = _("Added source: %(source)s") % {"source": _describe_source(record)}
        elif record.history_type == "-":
            text = _("Removed source: %(source)s") % {"source": _describe_source(record)}
        elif previous is not None and _describe_source(previous) != _describe_source(record):
            text = _("Changed source: %(old)s → %(new)s") % {
                "old": _describe_source(previous),
                "new": _describe_source(record),
            }
        elif previous is not None and previous.published_on != record.published_on:
            text = _("Changed the publication date of %(source)s") % {
                "source": _describe_source(record)
            }
        else:
            text = ""  # only its position moved
        if text:
            changes[record.history_date].append(text)
        previous_by_source[record.id] = record
    return changes


class _Names:
    """Turns stored values into what people call them."""

    def __init__(self, signal: Signal):
        self.areas = dict(
            Area.objects.filter(organization=signal.organization_id).values_list("pk", "name")
        )
        self.trends = dict(
            Trend.objects.filter(organization=signal.organization_id).values_list("pk", "name")
        )
        self.tags = dict(
            Tag.objects.filter(organization=signal.organization_id).values_list("pk", "name")
        )

    def show(self, name: str, value) -> str:
        if name == "area":
            return self.areas.get(value, _("(removed area)")) if value else ""
        if name in ("trends", "tags"):
            lookup, key = (self.trends, "trend") if name == "trends" else (self.tags, "tag")
            ids = [row[key] for row in value or []]
            return ", ".join(sorted(lookup.get(pk, "?") for pk in ids))
        if value in (None, ""):
            return ""
        model_field = Signal._meta.get_field(name)
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        return str(value)
