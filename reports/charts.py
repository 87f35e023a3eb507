"""The report's charts: horizontal bar charts drawn on the server as inline SVG.

No JavaScript and no image files: the same markup reads in the browser and in the PDF, where
WeasyPrint draws it. Colours and fonts are SVG presentation attributes rather than CSS, since
the browser page allows no inline styles and WeasyPrint's SVG drawing reads attributes. Each
chart is an image with an accessible name; the browser view adds its numbers as a table.
"""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from core.lib.text import strip_bidi_controls

WIDTH = 640
LABEL_WIDTH = 230  # the labels' column; a longer label is cut short with an ellipsis
COUNT_WIDTH = 40  # room for the number after the longest bar
ROW_HEIGHT = 26
BAR_HEIGHT = 16
PADDING = 6
# The bundled font of static/css/report.css first, so the PDF's charts need no system font.
FONT = "Report Sans, Liberation Sans, Arial, sans-serif"
FONT_SIZE = 13
# About this many characters of the label font fit in LABEL_WIDTH.
LABEL_CHARACTERS = 32
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


def _short(label: str) -> str:
    if len(label) <= LABEL_CHARACTERS:
        return label
    return label[: LABEL_CHARACTERS - 1].rstrip() + "…"


def bar_chart(title: str, label_heading: str, counts: dict[str, int]) -> Chart:
    """A horizontal bar chart of ``counts`` (label → number), in the order given."""
    rows = [(strip_bidi_controls(str(label)), int(count)) for label, count in counts.items()]
    title = strip_bidi_controls(title)
    height = max(len(rows), 1) * ROW_HEIGHT + 2 * PADDING
    largest = max((count for _, count in rows), default=0) or 1
    bar_room = WIDTH - LABEL_WIDTH - COUNT_WIDTH
    bars = []
    for index, (label, count) in enumerate(rows):
        top = PADDING + index * ROW_HEIGHT
        middle = top + ROW_HEIGHT / 2
        length = round(bar_room * count / largest, 1)
        bars.append(
            format_html(
                "<g><title>{label}: {count}</title>"
                '<text x="{label_x}" y="{text_y}" text-anchor="end" font-family="{font}" '
                'font-size="{size}" fill="{text_colour}">{short}</text>'
                '<rect x="{bar_x}" y="{bar_y}" width="{length}" height="{bar_height}" '
                'fill="{bar_colour}"></rect>'
                '<text x="{count_x}" y="{text_y}" font-family="{font}" font-size="{size}" '
                'font-weight="bold" fill="{text_colour}">{count}</text></g>',
                label=label,
                short=_short(label),
                count=count,
                label_x=LABEL_WIDTH - 8,
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
