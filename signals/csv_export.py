"""The signal list as a CSV file for Excel.

Semicolon-separated, because Excel with Swedish regional settings (where the comma is the
decimal sign) splits on semicolons when a file is opened by double-click; UTF-8 with a byte
order mark, because without it Excel reads the file as Windows-1252 and mangles å, ä and ö.
Every text cell that a spreadsheet would take for a formula is defused with a leading
apostrophe. Rows are streamed in chunks, so a 100,000-signal export never sits in memory.
"""

import csv
from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.lib.people import display_name

from .models import Certainty, Impact, Level, Status, TimeHorizon

BOM = "\ufeff"
DELIMITER = ";"
CHUNK_SIZE = 2000
# Characters that make Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP:
# "CSV injection"); tab and carriage return can smuggle one past a naive check.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "


def defuse(value):
    """A text cell that a spreadsheet would evaluate gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose write() hands the formatted line back to the generator."""

    def write(self, value):
        return value


def _labels():
    """Headers and choice labels, translated now, while the request's language is active
    (the rows are produced later, as the response is sent)."""
    headers = [
        _("ID"),
        _("Logged"),
        _("Title"),
        _("Level"),
        _("Area"),
        _("Trends"),
        _("Tags"),
        _("Status"),
        _("Why this is interesting for us"),
        _("Sources"),
        _("Logged by"),
        _("Time horizon"),
        _("Impact (1–4)"),
        _("Certainty (1–3)"),
    ]
    choices = {
        "level": {c.value: str(c.label) for c in Level},
        "status": {c.value: str(c.label) for c in Status},
        "time_horizon": {c.value: str(c.label) for c in TimeHorizon},
    }
    return headers, choices


def _row(signal, choices) -> list:
    author = signal.created_by
    return [
        signal.pk,
        timezone.localtime(signal.created_at).strftime("%Y-%m-%d %H:%M"),
        signal.title,
        choices["level"].get(signal.level, signal.level),
        signal.area.name if signal.area else "",
        LIST_SEPARATOR.join(trend.name for trend in signal.trends.all()),
        LIST_SEPARATOR.join(tag.name for tag in signal.tags.all()),
        choices["status"].get(signal.status, signal.status),
        signal.motivation,
        " ".join(source.url for source in signal.sources.all() if source.url),
        display_name(author) if author else "",
        choices["time_horizon"].get(signal.time_horizon, ""),
        signal.impact if signal.impact in Impact.values else "",
        signal.certainty if signal.certainty in Certainty.values else "",
    ]


def rows(signals: QuerySet) -> Iterator[str]:
    """The file, line by line: the BOM and header first, then one line per signal."""
    headers, choices = _labels()
    writer = csv.writer(_Echo(), delimiter=DELIMITER, lineterminator="\r\n")
    signals = signals.select_related("area", "created_by").prefetch_related(
        "trends", "tags", "sources"
    )

    def generate():
        yield BOM + writer.writerow(headers)
        for signal in signals.iterator(chunk_size=CHUNK_SIZE):
            yield writer.writerow([defuse(cell) for cell in _row(signal, choices)])

    return generate()


def streaming_response(signals: QuerySet, *, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(rows(signals), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
