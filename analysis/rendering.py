"""An ``AnalysisDocument`` as HTML: the part the analysis's page includes, and the whole
document its PDF is made from (``reports.pdf.build_html_pdf``, the monthly report's machinery:
the same fetcher, fonts and page numbers). Both come from one template,
analysis/document.html, in the analysis's language.

The pictures are the overview's and the report's own: the radar of the year's signals
(``overview.radar``/``overview.drawing``, sectors by driving force) and a bar chart per driving
force (``reports.charts.bar_chart``), all server-side SVG.
"""

from collections.abc import Callable

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from overview import drawing
from overview.radar import RadarItem, layout
from reports.charts import Chart, bar_chart
from reports.pdf import DEFAULT_BASE_URL, build_html_pdf
from signals.models import Level

from .document import AnalysisDocument

TEMPLATE = "analysis/document.html"
STYLESHEETS = ("css/report.css", "css/analysis.css")
NO_FORCE = ""


def stylesheet_paths() -> list[str]:
    """The stylesheets' addresses under the static files, unhashed (the PDF reads the files
    through the static finders, as the report's does)."""
    return [f"/{settings.STATIC_URL.strip('/')}/{name}" for name in STYLESHEETS]


def _forces(document: AnalysisDocument) -> list[tuple[str, str]]:
    """(key, label) of each sector: the driving forces, then "no driving force" if needed."""
    forces = [(name, name) for name in document.driving_forces]
    if any(not trend.driving_force for trend in document.assessed):
        forces.append((NO_FORCE, _("No driving force")))
    return forces


def charts(document: AnalysisDocument) -> list[Chart]:
    """A bar chart per driving force: how many of the year's signals support each trend."""
    made = []
    for key, label in _forces(document):
        counts = {
            trend.name: len(trend.signals)
            for trend in document.assessed
            if trend.driving_force == key
        }
        if counts:
            title = _("%(force)s: signals per trend") % {"force": label}
            made.append(bar_chart(title, _("Trend"), counts))
    return made


def radar_legend() -> list[str]:
    """The radar's legend in words (the overview's own sentences), under the picture: colour
    is never the only cue, and the rings' labels are named even where a PDF reader hides
    them."""
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
        % {"what": _("Driving force").lower()},
        _("Shape and colour: the level (%(levels)s). Size: the estimated impact.")
        % {"levels": levels},
    ]


def radar(document: AnalysisDocument, href: Callable[[int], str]) -> tuple[SafeString, int, str]:
    """The radar of the year's supporting signals, a sector per driving force (a signal
    supporting trends of several sits with the first), and how many are left off it (no time
    horizon)."""
    items: dict[int, RadarItem] = {}
    for trend in document.assessed:
        for signal in trend.signals:
            if signal.id not in items:
                items[signal.id] = RadarItem(
                    pk=signal.id,
                    title=signal.title,
                    level=signal.level,
                    horizon=signal.horizon,
                    impact=signal.impact,
                    sector=trend.driving_force,
                )
    picture = layout(list(items.values()), _forces(document))
    count = len(picture.dots)
    title = ngettext(
        "The radar of %(year)s: %(count)s signal by driving force",
        "The radar of %(year)s: %(count)s signals by driving force",
        count,
    ) % {"year": document.year, "count": count}
    svg = drawing.radar_svg(picture, href=href, title=title, sector_heading=_("Driving force"))
    return svg, len(picture.left_out), title


def analysis_context(
    document: AnalysisDocument,
    *,
    signal_href: Callable[[int], str],
    signal_links: dict[int, str],
    for_print: bool = False,
) -> dict:
    """What analysis/document.html needs. ``signal_links`` are the addresses of the signals
    the reader may open (the others are named without a link); ``signal_href`` is where a
    radar dot leads."""
    with translation.override(document.language):
        radar_svg, left_out, radar_title = radar(document, signal_href)
        return {
            "document": document,
            "charts": charts(document),
            "radar_svg": radar_svg,
            "radar_left_out": left_out,
            "radar_title": radar_title,
            "radar_legend": radar_legend(),
            "signal_links": signal_links,
            "for_print": for_print,
            "stylesheet_urls": stylesheet_paths(),
        }


def render_analysis(context: dict, language: str, **extra) -> str:
    with translation.override(language):
        return render_to_string(f"{TEMPLATE}#analysis", {**context, **extra})


def analysis_pdf(document: AnalysisDocument, *, site_url: str, organization_slug: str) -> bytes:
    """The analysis as PDF bytes, its signals linking to their pages in Spaning at
    ``site_url`` (e.g. "https://spaning.kungsbacka.se")."""
    from django.urls import reverse

    site = site_url.rstrip("/")
    prefix = f"{site}{reverse('signals:list', args=[organization_slug])}"
    context = analysis_context(
        document,
        signal_href=lambda pk: f"{prefix}{pk}/",
        signal_links={signal.id: f"{prefix}{signal.id}/" for signal in document.signals},
        for_print=True,
    )
    with translation.override(document.language):
        html = render_to_string(TEMPLATE, context)
    return build_html_pdf(html, language=document.language, base_url=DEFAULT_BASE_URL)
