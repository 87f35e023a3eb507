"""How a signal's fields are shown to people: the one place that knows, per field, its label,
how its value reads, and what it carries besides.

Every page and file that shows a field reads through here: the detail page and its inline
forms (``item``), the conflict messages, the history (``labels`` and ``stored_text``, from the
values a history record keeps), the CSV file (``Spreadsheet``), the list (the ``shown`` filter
of ``signal_display``) and the forms' labels. So the same field reads the same everywhere, and
a new field is one entry in ``FIELDS`` (plus the model and the form).

How a value reads follows from the model field: a choice by its label, a related row by its
name (a person by ``display_name``), several related rows as their names, a date and time in
the site's time zone. ``FieldDisplay`` says only what the model cannot: the label, how a page
lays the value out, what it shows for no value, and the like.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.dates import MONTHS_AP
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.lib.markdown import render_markdown
from core.lib.people import display_name
from core.lib.text import strip_bidi_controls

from .models import LEVEL_EXPLANATIONS, Signal

# How a page lays a value out (the detail template's ``field_value`` partial).
TEXT = "text"  # line breaks kept
MARKDOWN = "markdown"  # rendered and sanitised (core.lib.markdown)
LIST = "list"  # one chip per name
BADGE = "badge"  # a coloured mark per choice (CSS class ``<field>--<code>``), with explanation
SOURCES = "sources"  # the source links

# Dates and times on pages, as in "4 March 2025, 08:15", and short dates for lists, as in
# "28 nov 2026"; a spreadsheet gets one it can sort. On pages the date's parts are joined by
# no-break spaces, so a narrow column never splits a date over two lines.
DATETIME_FORMAT = "j F Y, H:i"
SPREADSHEET_DATETIME_FORMAT = "%Y-%m-%d %H:%M"
NO_BREAK_SPACE = "\u00a0"
LIST_SEPARATOR = ", "
NOT_GIVEN = _("Not given")


@dataclass(frozen=True)
class FieldDisplay:
    name: str
    label: str | Promise
    shape: str = TEXT
    empty: str | Promise = NOT_GIVEN
    # A label naming the organisation ("Why this is interesting for Kungsbacka"), used where
    # the organisation is known; ``label`` is the general one (a file's column header).
    organization_label: str | Promise | None = None
    # Per choice, a sentence saying what it means (the levels of the domain guide).
    explanations: Mapping = field(default_factory=dict)
    # For a related row shown by its name: how a stored id reads once the row is deleted.
    missing: str | Promise = ""
    # A spreadsheet column may name the field differently and hold a number where a page
    # shows a word (a scale, so the column can be sorted and averaged).
    spreadsheet_label: str | Promise | None = None
    spreadsheet_number: bool = False
    spreadsheet_cell: Callable[[Signal], object] | None = None
    # How a related row is named, when not by str(): people by their display name.
    describe: Callable[[object], str] = str
    # A person, whom a file names as its organisation does (``Spreadsheet``'s ``people``).
    person: bool = False

    def explanation(self, code) -> str:
        return str(self.explanations.get(code, ""))


def _source_addresses(signal: Signal) -> str:
    """The sources' web addresses, space-separated; a source known only by its name has none."""
    return " ".join(source.url for source in signal.sources.all() if source.url)


FIELDS: dict[str, FieldDisplay] = {
    f.name: f
    for f in (
        FieldDisplay("id", _("ID"), spreadsheet_number=True),
        FieldDisplay("title", _("Title")),
        FieldDisplay("description", _("Description"), shape=MARKDOWN, empty=_("No description")),
        FieldDisplay(
            "motivation",
            _("Why this is interesting for us"),
            organization_label=_("Why this is interesting for %(organization)s"),
        ),
        FieldDisplay("level", _("Level"), shape=BADGE, explanations=LEVEL_EXPLANATIONS),
        FieldDisplay("area", _("Area"), missing=_("(removed area)")),
        FieldDisplay(
            "trends", _("Trends"), shape=LIST, empty=_("None"), missing=_("(deleted trend)")
        ),
        FieldDisplay("tags", _("Tags"), shape=LIST, empty=_("None"), missing=_("(deleted tag)")),
        FieldDisplay("time_horizon", _("Time horizon")),
        FieldDisplay(
            "impact",
            _("Estimated impact"),
            spreadsheet_label=_("Impact (1–4)"),
            spreadsheet_number=True,
        ),
        FieldDisplay(
            "certainty",
            # "Säkerhet" alone reads as security: say whose certainty it is.
            _("How certain is the assessment?"),
            spreadsheet_label=_("Certainty of the assessment (1–3)"),
            spreadsheet_number=True,
        ),
        FieldDisplay("status", _("Status")),
        FieldDisplay("sources", _("Sources"), shape=SOURCES, spreadsheet_cell=_source_addresses),
        FieldDisplay("created_by", _("Logged by"), describe=display_name, person=True),
        FieldDisplay("created_at", _("Logged")),
    )
}


def get(name: str) -> FieldDisplay:
    """The field's display; a model field without an entry is named by its verbose name."""
    if name in FIELDS:
        return FIELDS[name]
    verbose_name = str(Signal._meta.get_field(name).verbose_name)
    return FieldDisplay(name, verbose_name[:1].upper() + verbose_name[1:])


# --- labels -------------------------------------------------------------------------------


def label(name: str, organization=None) -> str:
    """The field's label in the current language; with ``organization``, the one naming it."""
    display = get(name)
    if organization is not None and display.organization_label:
        return str(display.organization_label) % {"organization": organization.perspective_name}
    return str(display.label)


def labels(organization=None) -> dict[str, str]:
    """Every field's label in the current language, keyed by field name."""
    return {name: label(name, organization) for name in FIELDS}


# --- values of a signal -------------------------------------------------------------------


def _model_field(name: str):
    return Signal._meta.get_field(name)


def choice_labels(name: str) -> dict:
    """Every choice of the field by its code, labelled in the current language."""
    return {code: str(choice) for code, choice in _model_field(name).flatchoices}


def _choice_label(name: str, value) -> str:
    """The label of one stored choice: only that one translated (a list shows three a row)."""
    for code, choice in _model_field(name).flatchoices:
        if code == value:
            return str(choice)
    return str(value)


def _is_many(name: str) -> bool:
    model_field = _model_field(name)
    return bool(model_field.many_to_many or model_field.one_to_many)


def _names(signal: Signal, name: str) -> list[str]:
    """The related rows' names, in their model's order. ``.all()`` reads what was prefetched."""
    display = get(name)
    return [strip_bidi_controls(display.describe(row)) for row in getattr(signal, name).all()]


def _join(names: Iterable[str], separator: str = LIST_SEPARATOR) -> str:
    return separator.join(names)


def _local(value):
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def text(signal: Signal, name: str, *, separator: str = LIST_SEPARATOR) -> str:
    """The field of ``signal`` as plain text, as every page and file reads it: a choice by its
    label, a related row by its name, several by their names joined by ``separator``, a date
    and time as on pages; empty for no value."""
    if _is_many(name):
        return _join(_names(signal, name), separator)
    if _model_field(name).is_relation:
        row = getattr(signal, name)
        return strip_bidi_controls(get(name).describe(row)) if row is not None else ""
    return _plain(name, getattr(signal, name))


def _unbroken(text: str) -> str:
    return text.replace(" ", NO_BREAK_SPACE)


def short_date(value) -> str:
    """A date (or the date of a date and time, in the site's time zone) as lists show it:
    "28 nov 2026", never split over two lines."""
    if value in (None, ""):
        return ""
    return short_local_date(_local(value))


def local_moment(value: datetime, zone) -> tuple[str, str]:
    """A moment in ``zone`` (the site's, read once by the caller) as the template's
    ``date:'c'`` writes it, and its ``short_date``: for a list's many rows."""
    local = value.astimezone(zone) if timezone.is_aware(value) else value
    return local.isoformat(), short_local_date(local)


def short_local_date(day) -> str:
    """``short_date`` of a date, or a date and time already in the site's time zone."""
    # Django's "j N Y", written out: date_format parses its format again for every date.
    return _unbroken(f"{day.day} {MONTHS_AP[day.month]} {day.year:04d}")


def date_time(value) -> str:
    """A date and time as pages show it: "4 March 2025, 08:15", the date never split."""
    if value in (None, ""):
        return ""
    text = date_format(_local(value), DATETIME_FORMAT)
    day, comma, time = text.rpartition(", ")
    return f"{_unbroken(day)}, {time}" if comma else _unbroken(text)


def _plain(name: str, value) -> str:
    """A stored value that is not a relation, as text."""
    if value in (None, ""):
        return ""
    if _has_choices(name):
        return _choice_label(name, value)
    if isinstance(_model_field(name), models.DateTimeField):
        return date_time(value)
    # Rows stored before bidirectional controls were stripped on input may still hold them.
    return strip_bidi_controls(str(value))


def item(signal: Signal, name: str, field_labels: dict[str, str] | None = None) -> dict:
    """What a page shows for one field: label, value laid out by ``shape`` (HTML for Markdown,
    a list of names for a list, the sources themselves for sources, else text), what to show
    instead of no value, and for a choice its code and explanation."""
    display = get(name)
    if field_labels is not None and name in field_labels:
        field_label = field_labels[name]
    else:
        field_label = label(name, signal.organization)
    result = {
        "name": name,
        "label": field_label,
        "shape": display.shape,
        "empty": str(display.empty),
        "explanation": "",
        "code": "",
    }
    if display.shape == MARKDOWN:
        value = render_markdown(strip_bidi_controls(getattr(signal, name)))
    elif display.shape == SOURCES:
        value = list(getattr(signal, name).all())
    elif display.shape == LIST:
        value = _names(signal, name)
    else:
        value = text(signal, name)
    if _has_choices(name):
        code = getattr(signal, name)
        result["code"] = code if code not in (None, "") else ""
        result["explanation"] = display.explanation(code)
    result["value"] = value
    return result


# --- stored values (history records) ------------------------------------------------------


class StoredNames:
    """The names of an organisation's related rows by id, for reading stored values (a history
    record keeps ids, not names): one query per related field, whatever is read."""

    def __init__(self, organization_id: int):
        self.by_field = {}
        for name, display in FIELDS.items():
            if display.missing:
                model = _model_field(name).related_model
                rows = model.objects.filter(organization=organization_id).values_list("pk", "name")
                self.by_field[name] = dict(rows)


def stored_text(name: str, value, names: StoredNames) -> str:
    """A stored value as text, as ``text`` reads the same value on a signal: a related row by
    the name it has today (or the field's ``missing`` once deleted), several by their names
    sorted, the deleted ones last."""
    if name in names.by_field:
        lookup, missing = names.by_field[name], str(get(name).missing)
        if _is_many(name):
            known = sorted(lookup[pk] for pk in value if pk in lookup)
            return _join([*known, *(missing for pk in value if pk not in lookup)])
        return lookup.get(value, missing) if value else ""
    return _plain(name, value)


# --- spreadsheets -------------------------------------------------------------------------


class Spreadsheet:
    """Column headers and each signal's cells for a file.

    Every label is translated when the spreadsheet is made: a streamed file's rows are
    produced as the response is sent, when the request's language may no longer be active.
    Cells read as on pages, except that a list is joined with ``separator``, a scale is its
    number, a date and time is sortable, and sources are their addresses. A person is named by
    ``people`` when given: as the organisation that exports names them.
    """

    def __init__(
        self,
        names: Iterable[str],
        *,
        separator: str = "; ",
        people: Callable[[object], str] | None = None,
    ):
        self.names = list(names)
        self.separator = separator
        # How the exporting organisation names a person; else by the account's own name.
        self.people = people
        self.headers = [str(get(name).spreadsheet_label or get(name).label) for name in self.names]
        self._choices = {name: choice_labels(name) for name in self.names if _has_choices(name)}

    def row(self, signal: Signal) -> list:
        return [self.cell(signal, name) for name in self.names]

    def cell(self, signal: Signal, name: str):
        display = get(name)
        value = getattr(signal, name) if not _is_many(name) else None
        if name in self._choices:
            choices = self._choices[name]
            if value not in choices:
                return ""
            return value if display.spreadsheet_number else choices[value]
        if display.spreadsheet_number:
            return value if value is not None else ""
        if display.spreadsheet_cell is not None:
            return display.spreadsheet_cell(signal)
        if display.person and self.people is not None:
            return self.people(value) if value is not None else ""
        if isinstance(_model_field(name), models.DateTimeField):
            return _local(value).strftime(SPREADSHEET_DATETIME_FORMAT)
        return text(signal, name, separator=self.separator)


def _has_choices(name: str) -> bool:
    return bool(getattr(_model_field(name), "choices", None))
