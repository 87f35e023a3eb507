"""The signal list as a CSV file for Excel.

Semicolon-separated, because Excel with Swedish regional settings (where the comma is the
decimal sign) splits on semicolons when a file is opened by double-click; UTF-8 with a byte
order mark, because without it Excel reads the file as Windows-1252 and mangles å, ä and ö.
Every text cell that a spreadsheet would take for a formula is defused with a leading
apostrophe. Rows are streamed in chunks, so a 100,000-signal export never sits in memory.
"""

import csv
from collections.abc import Callable, Iterator

from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from core.lib.text import strip_bidi_controls

from . import display

BOM = "\ufeff"
DELIMITER = ";"
CHUNK_SIZE = 2000
# Characters that make Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP:
# "CSV injection"); tab and carriage return can smuggle one past a naive check.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "


def defuse(value):
    """A text cell as it may go into the file: without bidirectional controls (rows stored
    before they were stripped on input may hold them), and with a leading apostrophe if a
    spreadsheet would evaluate it. Stripped first, so an override cannot hide a formula."""
    value = strip_bidi_controls(value)
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose write() hands the formatted line back to the generator."""

    def write(self, value):
        return value


# The file's columns, in order; each one's header and cells come from ``display``.
COLUMNS = (
    "id",
    "created_at",
    "title",
    "level",
    "area",
    "trends",
    "tags",
    "status",
    "motivation",
    "sources",
    "created_by",
    "time_horizon",
    "impact",
    "certainty",
)


def rows(signals: QuerySet, people: Callable[[object], str] | None = None) -> Iterator[str]:
    """The file, line by line: the BOM and header first, then one line per signal. ``people``
    names a person as the exporting organisation does (``organizations.people.MemberNames``)."""
    # Made now, while the request's language is active (the rows are produced later, as the
    # response is sent).
    spreadsheet = display.Spreadsheet(COLUMNS, separator=LIST_SEPARATOR, people=people)
    writer = csv.writer(_Echo(), delimiter=DELIMITER, lineterminator="\r\n")
    signals = signals.select_related("area", "created_by").prefetch_related(
        "trends", "tags", "sources"
    )

    def generate():
        yield BOM + writer.writerow(spreadsheet.headers)
        for signal in signals.iterator(chunk_size=CHUNK_SIZE):
            yield writer.writerow([defuse(cell) for cell in spreadsheet.row(signal)])

    return generate()


def streaming_response(
    signals: QuerySet, *, filename: str, people: Callable[[object], str] | None = None
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(rows(signals, people), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
