"""The overview's pictures as SVG markup, drawn on the server: the radar and the stacked bars.

As in ``reports/charts.py``: no JavaScript and no image files, so the same markup reads in the
browser, in a downloaded file and in a PDF; colours and fonts are SVG presentation attributes
(the pages allow no inline styles, and WeasyPrint reads attributes). The markup is built with
string formatting and ``html.escape`` rather than a template: a radar of 2,000 signals is
2,000 links plus a 2,000-row table, which a template loop renders several times slower.
"""

import math
from collections.abc import Callable, Sequence
from datetime import date
from html import escape

from django.utils import formats, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.lib.text import strip_bidi_controls
from signals.display import short_date
from signals.models import Impact, Level, TimeHorizon

from .radar import RADIUS, Dot, Radar

FONT = "Report Sans, Liberation Sans, Arial, sans-serif"
INK = "#1b1f24"
MUTED = "#4a5360"
LINE = "#c9d0d9"
# The levels' colours of static/css/spaning.css (--inner, --near, --outer), and their shapes:
# colour is never the only cue.
LEVEL_COLOURS = {Level.INNER: "#6a2c91", Level.NEAR: "#0b6b5e", Level.OUTER: "#8a4b08"}
LEVEL_SHAPES = {Level.INNER: "circle", Level.NEAR: "square", Level.OUTER: "triangle"}
# The rings' washes, darkest in the middle: the present stands out.
RING_FILLS = ("#dfe7ef", "#e8eef4", "#f0f4f8", "#f8fafc")
LABEL_LINE = 13  # characters of a sector label before it wraps
TITLE_LINE = 68
BOLD_LETTER = 0.56  # a bold letter's average width, as a share of the type size
SMALLEST_LABEL = 0.78  # a long sector label shrinks to this share of the type size at most
LEGEND_LINE = 80


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(value) -> str:
    return escape(strip_bidi_controls(str(value)), quote=True)


def shape_markup(shape: str, x: float, y: float, r: float, colour: str, extra: str = "") -> str:
    """One mark, drawn inside the circle of radius ``r`` around (x, y), with a white edge."""
    common = f'fill="{colour}" stroke="#ffffff" stroke-width="1.2"{extra}'
    if shape == "square":
        half = r * 0.72
        return (
            f'<rect x="{_number(x - half)}" y="{_number(y - half)}" width="{_number(2 * half)}" '
            f'height="{_number(2 * half)}" {common}/>'
        )
    if shape == "triangle":
        # Circumradius r; its centre of mass a little low, so it looks centred on the spot.
        top, bottom, side = y - r, y + r * 0.5, r * math.sqrt(3) / 2
        return (
            f'<polygon points="{_number(x)},{_number(top)} {_number(x + side)},{_number(bottom)} '
            f'{_number(x - side)},{_number(bottom)}" {common}/>'
        )
    return f'<circle cx="{_number(x)}" cy="{_number(y)}" r="{_number(r)}" {common}/>'


def level_labels() -> dict[str, str]:
    return {level.value: str(level.label) for level in Level}


def horizon_labels() -> dict[str, str]:
    return {horizon.value: str(horizon.label) for horizon in TimeHorizon}


def impact_labels() -> dict[int | None, str]:
    labels: dict[int | None, str] = {impact.value: str(impact.label) for impact in Impact}
    labels[None] = _("not assessed")
    return labels


def dot_name_format() -> str:
    return _("%(title)s – %(level)s, %(horizon)s, impact: %(impact)s, %(what)s: %(sector)s")


def dot_name(
    dot: Dot, levels: dict, horizons: dict, impacts: dict, sector_heading: str, name_format: str
) -> str:
    """What a screen reader says for a dot, and the hover text: the title and where it sits."""
    return name_format % {
        "title": strip_bidi_controls(dot.item.title),
        "level": levels.get(dot.item.level, dot.item.level),
        "horizon": horizons.get(dot.item.horizon, ""),
        "impact": impacts.get(dot.item.impact, "").lower(),
        "what": sector_heading.lower(),
        "sector": strip_bidi_controls(dot.sector.label),
    }


def _wrap(label: str, width: int = LABEL_LINE, most: int | None = 3) -> list[str]:
    """``label`` in lines of about ``width`` characters; past ``most`` lines, cut short."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if most and len(lines) > most:
        lines = [*lines[: most - 1], " ".join(lines[most - 1 :])[: width - 1] + "…"]
    return lines or [""]


def _label_room(anchor: str, x: float, width: float, k: float) -> float:
    """How wide a sector label at ``x`` may be before it leaves the picture."""
    margin = 8 * k
    if anchor == "start":
        return width - x - margin
    if anchor == "end":
        return x - margin
    return 2 * min(x, width - x) - 2 * margin


def _fitted_label(label: str, font: float, room: float) -> tuple[list[str], float]:
    """A sector label's lines and type size so that it stays inside ``room``: a little
    smaller if it must, and a word too long even then cut short (the legend and the table
    name it in full). Widths are estimated from the bold face's average letter."""
    lines = _wrap(label)
    needed = max(len(line) for line in lines) * BOLD_LETTER * font
    if needed <= room:
        return lines, font
    if room / needed >= SMALLEST_LABEL:
        return lines, font * room / needed
    size = font * SMALLEST_LABEL
    fits = max(int(room / (BOLD_LETTER * size)), 2)
    return [line if len(line) <= fits else line[: fits - 1] + "…" for line in lines], size


def _halo_text(x: float, y: float, text: str, attributes: str, halo: str, width: float) -> str:
    """Text on a halo of ``halo`` colour, so it reads over lines and marks. Drawn twice, the
    halo then the text, rather than with ``paint-order``, which not every SVG renderer knows
    (CairoSVG, which makes the PNG, draws the stroke over the letters)."""
    common = f'x="{_number(x)}" y="{_number(y)}" {attributes}'
    return (
        f'<text {common} stroke="{halo}" stroke-width="{_number(width)}" '
        f'stroke-linejoin="round" aria-hidden="true">{text}</text><text {common}>{text}</text>'
    )


SIDE = 160  # room for the sector labels left and right of the circle, at full size


def radar_width(radar: Radar) -> float:
    """The radar's <svg> width in its own units."""
    return 2 * radar.radius * (1 + SIDE / RADIUS)


def radar_svg(
    radar: Radar,
    *,
    href: Callable[[int], str],
    title: str,
    sector_heading: str,
    standalone: bool = False,
    legend: Sequence[str] = (),
    font_family: str = FONT,
    numbers: dict[int, str] | None = None,
) -> SafeString:
    """The radar as one <svg>: the rings and sectors (hidden from screen readers: the table
    says it in words), then a link per dot. ``standalone`` is for a file of its own (an XML
    prolog's namespace, a white background, the title and ``legend`` lines under the picture).
    ``numbers`` (a dot's pk → a short label) writes that label beside each dot, for a picture
    on paper, where no dot can be pointed at to be named.
    """
    k = radar.radius / RADIUS  # type sizes and margins grow with a grown radar
    font = 20 * k
    top = 62 * k
    # A standalone file's title and legend wrap to the picture's width (about this many
    # characters of the bold title and of the plain legend fit across it).
    title_lines = _wrap(title, TITLE_LINE, most=3) if standalone else []
    legend_lines = [
        line for paragraph in legend for line in _wrap(paragraph, LEGEND_LINE, most=None)
    ]
    heading = (len(title_lines) * 26 + 14) * k if standalone else 0
    legend_height = (len(legend_lines) * 22 + 40) * k if standalone and legend else 0
    width = radar_width(radar)
    height = 2 * (radar.radius + top) + heading + legend_height
    cx, cy = width / 2, radar.radius + top + heading
    parts: list[str] = []
    namespace = ' xmlns="http://www.w3.org/2000/svg"'
    parts.append(
        f'<svg{namespace} class="radar__image" role="group" aria-label="{_text(title)}" '
        f'viewBox="0 0 {_number(width)} {_number(height)}" '
        f'font-family="{_text(font_family)}" preserveAspectRatio="xMidYMin meet">'
    )
    parts.append(f"<title>{_text(title)}</title>")
    if standalone:
        parts.append(f'<rect width="{_number(width)}" height="{_number(height)}" fill="#ffffff"/>')
        parts.extend(
            f'<text x="{_number(24 * k)}" y="{_number((30 + n * 26) * k)}" '
            f'font-size="{_number(20 * k)}" font-weight="bold" fill="{INK}">{_text(line)}</text>'
            for n, line in enumerate(title_lines)
        )
    # The picture's frame: rings, sector lines and labels.
    parts.append('<g aria-hidden="true">')
    for ring in reversed(radar.rings):
        parts.append(
            f'<circle cx="{_number(cx)}" cy="{_number(cy)}" r="{_number(ring.outer)}" '
            f'fill="{RING_FILLS[ring.index]}" stroke="{LINE}" stroke-width="1"/>'
        )
    if len(radar.sectors) > 1:
        for sector in radar.sectors:
            x = cx + radar.radius * math.sin(sector.start)
            y = cy - radar.radius * math.cos(sector.start)
            parts.append(
                f'<line x1="{_number(cx)}" y1="{_number(cy)}" x2="{_number(x)}" '
                f'y2="{_number(y)}" stroke="#ffffff" stroke-width="{_number(3 * k)}"/>'
            )
    for sector in radar.sectors:
        angle = sector.middle
        sin, cos = math.sin(angle), math.cos(angle)
        distance = radar.radius + 14 * k
        x, y = cx + distance * sin, cy - distance * cos
        anchor = "middle" if abs(sin) < 0.2 else ("start" if sin > 0 else "end")
        lines, size = _fitted_label(sector.label, font, _label_room(anchor, x, width, k))
        line_height = size * 1.2
        block = line_height * len(lines)
        if cos > 0.2:  # above the centre: the block ends at the point
            first = y - block + size
        elif cos < -0.2:  # below: it starts there
            first = y + size
        else:
            first = y - block / 2 + size * 0.8
        spans = "".join(
            f'<tspan x="{_number(x)}" y="{_number(first + n * line_height)}">{_text(line)}</tspan>'
            for n, line in enumerate(lines)
        )
        parts.append(
            f'<text text-anchor="{anchor}" font-size="{_number(size)}" font-weight="bold" '
            f'fill="{INK}">{spans}</text>'
        )
    horizons = horizon_labels()
    for ring in radar.rings:
        middle = (ring.inner + ring.outer) / 2 if ring.inner else ring.outer * 0.55
        parts.append(
            _halo_text(
                cx,
                cy - middle + font * 0.35,
                _text(horizons.get(ring.horizon, ring.horizon)),
                f'text-anchor="middle" font-size="{_number(font * 0.85)}" fill="{MUTED}"',
                RING_FILLS[ring.index],
                4 * k,
            )
        )
    parts.append("</g>")
    # The dots, in reading order: each a link with its name.
    levels, impacts, name_format = level_labels(), impact_labels(), dot_name_format()
    parts.append('<g class="radar__dots">')
    for dot in radar.dots:
        name = _text(dot_name(dot, levels, horizons, impacts, sector_heading, name_format))
        level = dot.item.level
        mark = shape_markup(
            LEVEL_SHAPES.get(level, "circle"),
            cx + dot.x,
            cy + dot.y,
            dot.r,
            LEVEL_COLOURS.get(level, INK),
            ' class="radar__mark"',
        )
        number = ""
        if numbers and dot.item.pk in numbers:
            number = _halo_text(
                cx + dot.x + dot.r + 2 * k,
                cy + dot.y - dot.r * 0.2,
                _text(numbers[dot.item.pk]),
                f'font-size="{_number(font * 0.8)}" font-weight="bold" fill="{INK}"',
                "#ffffff",
                3 * k,
            )
        parts.append(
            f'<a href="{escape(href(dot.item.pk))}" class="radar__dot" aria-label="{name}">'
            f"<title>{name}</title>{mark}{number}</a>"
        )
    parts.append("</g>")
    if standalone and legend_lines:
        y = 2 * (radar.radius + top) + heading + 20 * k
        for n, line in enumerate(legend_lines):
            parts.append(
                f'<text x="{_number(24 * k)}" y="{_number(y + n * 22 * k)}" '
                f'font-size="{_number(font * 0.95)}" fill="{INK}">{_text(line)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _short_dates():
    """``signals.display.short_date`` of a day, remembered per month: formatting a date is
    slow, and a table of thousands of signals has few months. The format puts the day
    first ("28 nov 2026"), so a month's text serves each of its days."""
    months: dict[tuple[int, int], str] = {}

    def shown(day: date) -> str:
        key = (day.year, day.month)
        if key not in months:
            months[key] = short_date(day.replace(day=1))[1:]
        return f"{day.day}{months[key]}"

    return shown


def radar_table_rows(
    radar: Radar, *, href: Callable[[int], str], extra: dict[int, dict]
) -> SafeString:
    """The table's rows, one per dot in the radar's reading order."""
    levels = {key: _text(label) for key, label in level_labels().items()}
    horizons = {key: _text(label) for key, label in horizon_labels().items()}
    impacts = {key: _text(label) for key, label in impact_labels().items()}
    sectors = {sector.index: _text(sector.label) for sector in radar.sectors}
    tz = timezone.get_current_timezone()
    shown_date = _short_dates()
    rows = []
    for dot in radar.dots:
        item = dot.item
        created = extra.get(item.pk, {}).get("created_at")
        shown = shown_date(created.astimezone(tz).date()) if created else ""
        rows.append(
            f'<tr><th scope="row"><a href="{escape(href(item.pk))}">{_text(item.title)}</a></th>'
            f'<td><span class="level level--{escape(item.level)}">'
            f"{levels.get(item.level, '')}</span></td>"
            f"<td>{horizons.get(item.horizon, '')}</td>"
            f"<td>{impacts.get(item.impact, '')}</td>"
            f"<td>{sectors[dot.sector.index]}</td><td>{shown}</td></tr>"
        )
    return mark_safe("".join(rows))


def legend_swatch(level: str, size: float = 18) -> SafeString:
    """A level's mark on its own, for the legend beside the picture."""
    middle = size / 2
    mark = shape_markup(
        LEVEL_SHAPES[level], middle, middle, middle - 1, LEVEL_COLOURS[Level(level)]
    )
    return mark_safe(
        f'<svg class="radar-legend__mark" viewBox="0 0 {size} {size}" width="{size}" '
        f'height="{size}" aria-hidden="true" focusable="false">{mark}</svg>'
    )


def impact_swatch(impact: int) -> SafeString:
    from .radar import dot_radius

    r = dot_radius(impact)
    size = 2 * r + 2
    return mark_safe(
        f'<svg class="radar-legend__mark" viewBox="0 0 {_number(size)} {_number(size)}" '
        f'width="{_number(size)}" height="{_number(size)}" aria-hidden="true" '
        f'focusable="false"><circle cx="{_number(size / 2)}" cy="{_number(size / 2)}" '
        f'r="{_number(r)}" fill="{MUTED}"/></svg>'
    )


# --- stacked bars -------------------------------------------------------------------------------

BAR_WIDTH, BAR_GAP = 34, 14
PLOT_HEIGHT = 200
AXIS_WIDTH = 36


def _nice_step(largest: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if largest / step <= 5:
            return step
    return 10000


def month_label(month: date) -> str:
    return formats.date_format(month, "b")


def stacked_bars_svg(
    title: str,
    months: Sequence[date],
    series: Sequence[tuple[str, str, Sequence[int]]],  # key, label, counts per month
    colours: dict[str, str],
) -> SafeString:
    """A bar per month, stacked by series bottom to top in the order given, with each bar's
    total above it. Every series but the first also carries a pattern of white lines, so
    the stack reads without telling the colours apart (with the legend's order)."""
    totals = [sum(counts[n] for _key, _label, counts in series) for n in range(len(months))]
    largest = max(totals, default=0)
    step = _nice_step(largest)
    top_value = max(step, math.ceil(largest / step) * step)
    width = AXIS_WIDTH + len(months) * (BAR_WIDTH + BAR_GAP) + 10
    top, bottom = 24, 46
    height = top + PLOT_HEIGHT + bottom
    scale = PLOT_HEIGHT / top_value
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="overview-chart__image" role="img" '
        f'aria-label="{_text(title)}" viewBox="0 0 {width} {height}" font-family="{FONT}" '
        f'preserveAspectRatio="xMinYMin meet"><title>{_text(title)}</title><defs>'
    ]
    patterns = ("", "hatch", "dots")
    for n, (key, _label, _counts) in enumerate(series):
        colour = colours[key]
        if patterns[n % 3] == "hatch":
            parts.append(
                f'<pattern id="bars-{key}" width="6" height="6" patternUnits="userSpaceOnUse" '
                f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{colour}"/>'
                f'<rect width="2" height="6" fill="#ffffff" fill-opacity="0.55"/></pattern>'
            )
        elif patterns[n % 3] == "dots":
            parts.append(
                f'<pattern id="bars-{key}" width="6" height="6" patternUnits="userSpaceOnUse">'
                f'<rect width="6" height="6" fill="{colour}"/>'
                f'<circle cx="3" cy="3" r="1.3" fill="#ffffff" fill-opacity="0.6"/></pattern>'
            )
    parts.append("</defs>")
    value = 0
    while value <= top_value:
        y = top + PLOT_HEIGHT - value * scale
        parts.append(
            f'<line x1="{AXIS_WIDTH}" x2="{width - 6}" y1="{_number(y)}" y2="{_number(y)}" '
            f'stroke="{LINE}" stroke-width="1"/>'
            f'<text x="{AXIS_WIDTH - 6}" y="{_number(y + 4)}" text-anchor="end" font-size="11" '
            f'fill="{MUTED}">{value}</text>'
        )
        value += step
    for n, month in enumerate(months):
        x = AXIS_WIDTH + BAR_GAP / 2 + n * (BAR_WIDTH + BAR_GAP)
        base = top + PLOT_HEIGHT
        for index, (key, _label, counts) in enumerate(series):
            if not counts[n]:
                continue
            segment = counts[n] * scale
            fill = f"url(#bars-{key})" if patterns[index % 3] else colours[key]
            parts.append(
                f'<rect x="{_number(x)}" y="{_number(base - segment)}" width="{BAR_WIDTH}" '
                f'height="{_number(segment)}" fill="{fill}" stroke="#ffffff" stroke-width="1"/>'
            )
            base -= segment
        middle = x + BAR_WIDTH / 2
        if totals[n]:
            parts.append(
                f'<text x="{_number(middle)}" y="{_number(base - 5)}" text-anchor="middle" '
                f'font-size="12" font-weight="bold" fill="{INK}">{totals[n]}</text>'
            )
        parts.append(
            f'<text x="{_number(middle)}" y="{top + PLOT_HEIGHT + 16}" text-anchor="middle" '
            f'font-size="12" fill="{INK}">{_text(month_label(month))}</text>'
        )
        if n == 0 or month.month == 1:
            parts.append(
                f'<text x="{_number(middle)}" y="{top + PLOT_HEIGHT + 32}" '
                f'text-anchor="middle" font-size="11" fill="{MUTED}">{month.year}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def series_swatch(key: str, index: int, colour: str) -> SafeString:
    """The legend's sample of a series, with the same pattern as its bars."""
    patterns = ("", "hatch", "dots")
    kind = patterns[index % 3]
    inner = ""
    if kind == "hatch":
        inner = "".join(
            f'<line x1="{n}" y1="16" x2="{n + 16}" y2="0" stroke="#ffffff" stroke-opacity="0.55" '
            f'stroke-width="2"/>'
            for n in range(-12, 16, 6)
        )
    elif kind == "dots":
        inner = "".join(
            f'<circle cx="{x}" cy="{y}" r="1.3" fill="#ffffff" fill-opacity="0.6"/>'
            for x in (3, 9, 15)
            for y in (3, 9, 15)
        )
    return mark_safe(
        f'<svg class="overview-legend__mark" viewBox="0 0 16 16" width="16" height="16" '
        f'aria-hidden="true" focusable="false"><rect width="16" height="16" fill="{colour}"/>'
        f"{inner}</svg>"
    )
