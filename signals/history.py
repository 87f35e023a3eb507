"""A signal's audit trail in readable form: who changed what, and when.

Each write in ``services`` leaves one ``Signal`` history record, and stamps the history records
of the sources it touched with the same time; here they are put back together as one change,
and their values shown as every page shows them (``display.stored_text``: choices by their
label, areas, trends and tags by name) in the current language.

The page reads a fixed number of queries however long the history: the records, their trends
and tags (one query each, compared as id sets here rather than by ``diff_against`` per record),
the sources' records and the names.

Trends and tags are recorded by id, so they are shown by their name today: a renamed tag reads
with its new name in old entries too, and a deleted one as "(deleted tag)". Merging a tag
rewrites the old records to the tag it was merged into (``taxonomy_services.tag_merge``), so it
reads like a rename.

Those who may not see drafts (management, staff) read only the records of while the signal was
visible to them: see ``visible_to_readers_without_drafts``.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from . import display
from .models import EDITABLE_FIELDS, Signal, Source, Status

# Not worth showing: they change with every save, or never.
IGNORED_FIELDS = ["version", "updated_at", "organization", "created_by", "created_at"]
M2M_FIELDS = {"trends": "trend_id", "tags": "tag_id"}
FIELD_ORDER = EDITABLE_FIELDS


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


def signal_history(
    signal: Signal, labels: dict[str, str] | None = None, *, include_drafts: bool = True
) -> list[HistoryEntry]:
    """The signal's changes, newest first. ``labels`` names the fields (``display.labels``).

    Without ``include_drafts`` the records of while the signal was not visible to such a reader
    are left out (``visible_to_readers_without_drafts``): the first one after them reads as the
    signal being logged (with no before and after, which would show the draft), and each later
    one is compared with the one before it that is shown.
    """
    records = list(
        signal.history.select_related("history_user").order_by("history_date", "history_id")
    )
    if include_drafts:
        shown = [True] * len(records)
    else:
        shown = visible_to_readers_without_drafts([record.status for record in records])
    m2m = _m2m_values(signal)
    sources_by_time = _source_changes(signal)
    names = display.StoredNames(signal.organization_id)
    if labels is None:
        labels = display.labels(signal.organization)
    entries = []
    previous = None  # the last record shown
    skipped = False  # whether records were left out since then
    for record, is_shown in zip(records, shown, strict=True):
        if not is_shown:
            skipped = True
            continue
        entry = HistoryEntry(
            when=record.history_date,
            user=record.history_user,
            created=record.history_type == "+" or previous is None,
        )
        if previous is not None:
            entry.changes = _field_changes(previous, record, m2m, names, labels)
        # The sources' changes are told against the record just before; after a gap that is
        # one not shown.
        source_changes = sources_by_time.pop(record.history_date, [])
        if record.history_type == "+" or not (entry.created or skipped):
            entry.source_changes = source_changes
        entries.append(entry)
        previous, skipped = record, False
    return list(reversed(entries))


def visible_to_readers_without_drafts(statuses: list[str]) -> list[bool]:
    """For each of a signal's history records (their statuses, oldest first): whether a reader
    who may not see drafts (management, staff) may read it.

    The rule: a record is hidden while the signal is a draft, and while it is archived if it was
    a draft when it was archived (the status it had before is the last one that was not
    archived, which is also what restoring brings back). So a draft that is archived, restored
    and logged is read from its logging on; an archived signal that had been logged stays
    readable, as it had already been. An archived record with nothing before it is hidden too:
    it was never visible.
    """
    visible = []
    before_archiving = None  # the status of the last record that was not archived
    for status in statuses:
        if status != Status.ARCHIVED:
            before_archiving = status
        visible.append(before_archiving not in (None, Status.DRAFT))
    return visible


def _field_changes(previous, record, m2m, names, labels) -> list[FieldChange]:
    delta = record.diff_against(previous, excluded_fields=[*IGNORED_FIELDS, *M2M_FIELDS])
    changes = [(change.field, change.old, change.new) for change in delta.changes]
    for name in M2M_FIELDS:
        old, new = m2m[name][previous.history_id], m2m[name][record.history_id]
        if old != new:
            changes.append((name, old, new))
    return [
        FieldChange(
            label=labels.get(name) or display.label(name),
            old=display.stored_text(name, old, names),
            new=display.stored_text(name, new, names),
        )
        for name, old, new in sorted(changes, key=lambda change: _order(change[0]))
    ]


def _m2m_values(signal: Signal) -> dict[str, dict[int, frozenset[int]]]:
    """For trends and tags: the ids each of the signal's history records holds, read in one
    query per field."""
    values = {}
    for name, column in M2M_FIELDS.items():
        through = getattr(Signal.history.model, name).model
        sets = defaultdict(set)
        rows = through.objects.filter(signal_id=signal.pk).values_list("history_id", column)
        for history_id, pk in rows:
            sets[history_id].add(pk)
        values[name] = defaultdict(frozenset, {key: frozenset(ids) for key, ids in sets.items()})
    return values


def _order(name: str) -> int:
    return FIELD_ORDER.index(name) if name in FIELD_ORDER else len(FIELD_ORDER)


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
