"""The overview's pages: the dashboard, the signal radar and the radar as an SVG or PNG file.

Everything is read through ``signals.visibility``: management's radar is of the logged
signals, the staff's of those shared with them, the scanning group's of the whole register.
"""

from collections import Counter

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe
from django_htmx.http import push_url

from organizations.access import organization_required
from signals.models import Impact, Level

from . import drawing, png
from .forms import RadarFilterForm
from .radar import Radar, layout
from .selectors import BLIND_SPOT_MONTHS, RadarData, blind_spots, dashboard, radar_data

# A table cell's shade on the dashboard: the count's share of the table's largest, in steps.
HEAT_STEPS = 4


def _signal_href(request, absolute: bool = False):
    prefix = reverse("signals:list", args=[request.organization.slug])
    if absolute:
        prefix = request.build_absolute_uri(prefix)
    return lambda pk: f"{prefix}{pk}/"


def _radar_title(data: RadarData, radar: Radar) -> str:
    return ngettext(
        "Signal radar: %(count)s signal by %(what)s",
        "Signal radar: %(count)s signals by %(what)s",
        len(radar.dots),
    ) % {"count": len(radar.dots), "what": data.sector_heading.lower()}


def _legend_lines(data: RadarData) -> list[str]:
    """The standalone file's legend, in words (the page shows its own beside the picture)."""
    levels = ", ".join(
        f"{label}: {shape}"
        for label, shape in (
            (Level.INNER.label, _("circle")),
            (Level.NEAR.label, _("square")),
            (Level.OUTER.label, _("triangle")),
        )
    )
    return [
        _("Sectors: %(what)s. Rings, from the centre out: now, 1–3 years, 3–10 years, beyond 10.")
        % {"what": data.sector_heading.lower()},
        _("Shape and colour: the level (%(levels)s). Size: the estimated impact.")
        % {"levels": levels},
    ]


def _radar_context(request, form: RadarFilterForm) -> dict:
    data = radar_data(request.membership, form.filters)
    radar = layout(data.items, data.sectors)
    href = _signal_href(request)
    title = _radar_title(data, radar)
    levels = Counter(dot.item.level for dot in radar.dots)
    sectors = Counter(dot.sector.index for dot in radar.dots)
    params = form.params
    return {
        "form": form,
        "params": params,
        "radar": radar,
        "radar_svg": drawing.radar_svg(
            radar, href=href, title=title, sector_heading=data.sector_heading
        ),
        "radar_rows": drawing.radar_table_rows(radar, href=href, extra=data.extra),
        "radar_title": title,
        "sector_heading": data.sector_heading,
        "legend_levels": [
            (level, drawing.legend_swatch(level.value), levels[level.value]) for level in Level
        ],
        "legend_impacts": [
            (impact, drawing.impact_swatch(impact.value)) for impact in reversed(Impact)
        ],
        "legend_sectors": [(sector, sectors[sector.index]) for sector in radar.sectors],
        "left_out": sorted(radar.left_out, key=lambda item: item.title.casefold()),
        "total": len(data.items),
        "png_available": png.png_available(),
    }


@organization_required("view_signals")
@require_safe
def radar_view(request):
    form = RadarFilterForm(request.GET, membership=request.membership)
    context = _radar_context(request, form)
    if request.htmx and not request.htmx.history_restore_request:
        # Only the picture and its table: the filters stay on the page where the user is.
        response = render(request, "overview/radar.html#results", context)
        url = reverse("overview:radar", args=[request.organization.slug])
        query = context["params"].urlencode()
        push_url(response, f"{url}?{query}" if query else url)
    else:
        response = render(request, "overview/radar.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _standalone_svg(request, font_family: str = drawing.FONT) -> tuple[str, float, str]:
    """The radar as it is filtered, for a file of its own: its SVG, its width and the file's
    name without a suffix. The legend is in it, and links that lead back to each signal from
    wherever the file is opened."""
    form = RadarFilterForm(request.GET, membership=request.membership)
    data = radar_data(request.membership, form.filters)
    radar = layout(data.items, data.sectors)
    title = _("%(organization)s: %(radar)s, %(date)s") % {
        "organization": request.organization.name,
        "radar": _radar_title(data, radar),
        "date": f"{timezone.localdate():%Y-%m-%d}",
    }
    svg = drawing.radar_svg(
        radar,
        href=_signal_href(request, absolute=True),
        title=title,
        sector_heading=data.sector_heading,
        standalone=True,
        legend=_legend_lines(data),
        font_family=font_family,
    )
    name = f"signalradar-{request.organization.slug}-{timezone.localdate():%Y-%m-%d}"
    return svg, drawing.radar_width(radar), name


@organization_required("view_signals")
@require_safe
def radar_download(request):
    """The radar as it is filtered, as an SVG file."""
    svg, _width, name = _standalone_svg(request)
    response = HttpResponse(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + svg, content_type="image/svg+xml"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.svg"'
    return response


@organization_required("view_signals")
@require_safe
def radar_png(request):
    """The radar as it is filtered, as a PNG image (the SVG file drawn to pixels)."""
    svg, width, name = _standalone_svg(request, font_family=png.PNG_FONT)
    try:
        content = png.svg_to_png(svg, width=width)
    except png.PngUnavailable:
        return HttpResponse(
            _("The radar cannot be made into a PNG on this server. Download it as SVG instead."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(content, content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{name}.png"'
    return response


def _heat_rows(table) -> list[tuple[str, list[tuple[int, int]], int]]:
    """Each row's label, its (count, shade) per month and its total."""
    largest = table.largest or 1
    return [
        (
            label,
            [
                (count, 0 if not count else 1 + (HEAT_STEPS - 1) * count // largest)
                for count in counts
            ],
            sum(counts),
        )
        for _key, label, counts in table.rows
    ]


@organization_required("view_signals")
@require_safe
def dashboard_view(request):
    board = dashboard(request.membership)
    colours = {level.value: drawing.LEVEL_COLOURS[level] for level in Level}
    title = _("Signals per month by level, the last 12 months")
    context = {
        "board": board,
        "level_chart": drawing.stacked_bars_svg(title, board.months, board.by_level.rows, colours),
        "level_chart_title": title,
        "level_legend": [
            (label, drawing.series_swatch(key, n, colours[key]), sum(counts))
            for n, (key, label, counts) in enumerate(board.by_level.rows)
        ],
        "month_labels": [drawing.month_label(month) for month in board.months],
        "level_rows": _heat_rows(board.by_level),
        "area_rows": _heat_rows(board.by_area),
        "trend_rows": _heat_rows(board.by_trend),
        "blind_spots": blind_spots(request.membership),
        "blind_spot_months": BLIND_SPOT_MONTHS,
    }
    return render(request, "overview/dashboard.html", context)
