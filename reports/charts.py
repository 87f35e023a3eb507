"""The report's charts: horizontal bar charts and the signal radar, drawn on the server as
inline SVG.

No JavaScript and no image files: the same markup reads in the browser and in the PDF, where
WeasyPrint draws it. Colours and fonts are SVG presentation attributes rather than CSS, since
the browser page allows no inline styles and WeasyPrint's SVG drawing reads attributes. Each
chart is an image with an accessible name; the browser view adds its numbers as a table.
"""

from collections.abc import Hashable
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.lib.text import strip_bidi_controls
from overview import drawing
from overview.radar import RadarItem, layout

from .document import ReportDocument

WIDTH = 640
LABEL_WIDTH = 230  # the labels' column; a longer label is cut short with an ellipsis
COUNT_WIDTH = 40  # room for the number after the longest bar
ROW_HEIGHT = 26
BAR_HEIGHT = 16
PADDING = 6
# The bundled font of static/css/report.css first, so the PDF's charts need no system font.
FONT = "Report Sans, Liberation Sans, Arial, sans-serif"
FONT_SIZE = 13
# About this many characters of the label font fit in LABEL_WIDTH, on at most two lines.
LABEL_CHARACTERS = 32
LABEL_LINES = 2
LINE_HEIGHT = 15
TWO_LINE_ROW_HEIGHT = 36
BAR_COLOUR = "#1f5f8b"  # dark enough for the white-on-blue contrast the numbers do not need
TEXT_COLOUR = "#1a1a1a"


@dataclass(frozen=True)
class Chart:
    title: str
    label_heading: str  # what the labels are ("Level"), the data table's first column
    rows: list[tuple[str, int]]
    svg: SafeString

    @property
    def total(self) -> int:
        return sum(count for _, count in self.rows)


def _label_lines(label: str) -> list[str]:
    """The label in at most two lines of about ``LABEL_CHARACTERS``, broken between words; what
    does not fit in two is cut short with an ellipsis. Trend names run to 50 characters, and a
    name cut in the middle ("Det lokala och regionala handli…") said less than the chart."""
    lines: list[str] = []
    current = ""
    for word in label.split():
        candidate = f"{current} {word}".strip()
        if len(candidate) <= LABEL_CHARACTERS or not current:
            current = candidate
            continue
        lines.append(current)
        current = word
    lines.append(current)
    cut = len(lines) > LABEL_LINES
    lines = lines[:LABEL_LINES]
    if cut:
        lines[-1] = lines[-1][: LABEL_CHARACTERS - 1].rstrip() + "…"
    return [_fit(line) for line in lines]


def _fit(line: str) -> str:
    """One word longer than a line is cut short."""
    if len(line) <= LABEL_CHARACTERS:
        return line
    return line[: LABEL_CHARACTERS - 1].rstrip() + "…"


def _label_svg(lines: list[str], x: float, middle: float):
    """The label's text, its lines centred on the bar."""
    first_y = middle + FONT_SIZE / 3 - (len(lines) - 1) * LINE_HEIGHT / 2
    return format_html_join(
        "",
        '<tspan x="{}" y="{}">{}</tspan>',
        ((x, round(first_y + n * LINE_HEIGHT, 1), line) for n, line in enumerate(lines)),
    )


def bar_chart(title: str, label_heading: str, counts: dict[str, int]) -> Chart:
    """A horizontal bar chart of ``counts`` (label → number), in the order given."""
    rows = [(strip_bidi_controls(str(label)), int(count)) for label, count in counts.items()]
    title = strip_bidi_controls(title)
    labels = [_label_lines(label) for label, _ in rows]
    # Every row as tall as the tallest label, so the bars keep one rhythm.
    row_height = TWO_LINE_ROW_HEIGHT if any(len(lines) > 1 for lines in labels) else ROW_HEIGHT
    height = max(len(rows), 1) * row_height + 2 * PADDING
    largest = max((count for _, count in rows), default=0) or 1
    bar_room = WIDTH - LABEL_WIDTH - COUNT_WIDTH
    bars = []
    for index, (label, count) in enumerate(rows):
        top = PADDING + index * row_height
        middle = top + row_height / 2
        length = round(bar_room * count / largest, 1)
        bars.append(
            format_html(
                "<g><title>{label}: {count}</title>"
                '<text text-anchor="end" font-family="{font}" '
                'font-size="{size}" fill="{text_colour}">{label_lines}</text>'
                '<rect x="{bar_x}" y="{bar_y}" width="{length}" height="{bar_height}" '
                'fill="{bar_colour}"></rect>'
                '<text x="{count_x}" y="{text_y}" font-family="{font}" font-size="{size}" '
                'font-weight="bold" fill="{text_colour}">{count}</text></g>',
                label=label,
                label_lines=_label_svg(labels[index], LABEL_WIDTH - 8, middle),
                count=count,
                text_y=round(middle + FONT_SIZE / 3, 1),
                bar_x=LABEL_WIDTH,
                bar_y=round(middle - BAR_HEIGHT / 2, 1),
                length=length,
                bar_height=BAR_HEIGHT,
                bar_colour=BAR_COLOUR,
                count_x=round(LABEL_WIDTH + length + 6, 1),
                font=FONT,
                size=FONT_SIZE,
                text_colour=TEXT_COLOUR,
            )
        )
    svg = format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="report-chart__image" role="img" '
        'aria-label="{title}" viewBox="0 0 {width} {height}" width="{width}" '
        'height="{height}" preserveAspectRatio="xMinYMin meet"><title>{title}</title>'
        "{bars}</svg>",
        title=title,
        width=WIDTH,
        height=height,
        bars=format_html_join("", "{}", ((bar,) for bar in bars)),
    )
    return Chart(title=title, label_heading=label_heading, rows=rows, svg=svg)


# --- the radar ---------------------------------------------------------------------------------
# The overview's signal radar (overview/radar.py, overview/drawing.py) of the report's chosen
# signals, drawn from the document alone: a published report's radar is the one it was
# published with, whatever has happened to the signals and the driving forces since. Only the
# chosen signals: the radar shows what the report lifts, each dot numbered as its section; the
# month's other candidates are in the figures and the appendix.

NO_FORCE = "\x00none"  # the sector of signals read under no driving force; never a name


@dataclass(frozen=True)
class RadarRow:
    number: int
    title: str
    level_label: str
    horizon: str
    impact: str
    driving_force: str


@dataclass(frozen=True)
class ReportRadar:
    title: str
    svg: SafeString
    legend: list[str]
    rows: list[RadarRow]  # the dots in the radar's reading order, for the browser's table
    left_out: list[tuple[int, str]]  # (number, title) of the signals with no time horizon


def report_radar(document: ReportDocument) -> ReportRadar | None:
    """The radar of ``document``'s chosen signals, or None when none has a time horizon (a
    report published before the document kept them has none)."""
    items = [
        RadarItem(
            pk=number,
            title=signal.title,
            level=signal.level,
            horizon=signal.horizon,
            impact=signal.impact,
            sector=signal.driving_force or NO_FORCE,
        )
        for number, signal in enumerate(document.signals, start=1)
    ]
    if not any(item.horizon for item in items):
        return None
    names = list(dict.fromkeys(document.driving_forces))
    # A name the list lacks (it cannot, unless the data was edited) still gets its sector.
    names += [s.driving_force for s in document.signals if s.driving_force not in names]
    sectors: list[tuple[Hashable, str]] = [(name, name) for name in names if name]
    if any(item.sector == NO_FORCE for item in items) or not sectors:
        sectors.append((NO_FORCE, _("No driving force")))
    radar = layout(items, sectors)
    heading = _("Driving force")
    title = ngettext(
        "Signal radar: %(count)s signal by %(what)s",
        "Signal radar: %(count)s signals by %(what)s",
        len(radar.dots),
    ) % {"count": len(radar.dots), "what": heading.lower()}
    svg = drawing.radar_svg(
        radar,
        href=lambda number: f"#signal-{number}",
        title=strip_bidi_controls(title),
        sector_heading=heading,
        numbers={item.pk: str(item.pk) for item in items},
    )
    shapes = ", ".join(
        f"{label}: {shape}"
        for label, shape in zip(
            drawing.level_labels().values(), (_("circle"), _("square"), _("triangle")), strict=True
        )
    )
    legend = [
        _("Sectors: %(what)s. Rings, from the centre out: now, 1–3 years, 3–10 years, beyond 10.")
        % {"what": heading.lower()},
        _("Shape and colour: the level (%(levels)s). Size: the estimated impact.")
        % {"levels": shapes},
        _("Each mark carries the signal's number in this report."),
    ]
    horizons, impacts = drawing.horizon_labels(), drawing.impact_labels()
    rows = [
        RadarRow(
            number=dot.item.pk,
            title=strip_bidi_controls(dot.item.title),
            level_label=document.signals[dot.item.pk - 1].level_label,
            horizon=horizons.get(dot.item.horizon, ""),
            impact=impacts.get(dot.item.impact, ""),
            driving_force=strip_bidi_controls(dot.sector.label),
        )
        for dot in radar.dots
    ]
    left_out = [(item.pk, strip_bidi_controls(item.title)) for item in radar.left_out]
    return ReportRadar(title=title, svg=svg, legend=legend, rows=rows, left_out=left_out)
