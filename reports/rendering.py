"""A ``ReportDocument`` as HTML: the part a browser page includes, and the whole document the
PDF is made from. Both come from the one template, reports/document.html, in the report's
language (not the reader's: a report reads the same to everyone)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from .charts import bar_chart, report_radar
from .document import ReportDocument

TEMPLATE = "reports/document.html"
STYLESHEET = "css/report.css"


def stylesheet_path() -> str:
    """The stylesheet's address under the static files, unhashed: the PDF reads the file
    itself through the static finders (reports/pdf.py), not the collected copy."""
    return f"/{settings.STATIC_URL.strip('/')}/{STYLESHEET}"


def charts(document: ReportDocument) -> list:
    return [
        bar_chart(_("Candidates by level"), _("Level"), document.counts_by_level),
        bar_chart(_("Candidates by area"), _("Area"), document.counts_by_area),
    ]


def report_context(document: ReportDocument, *, for_print: bool = False) -> dict:
    """What reports/document.html (and reports/document_page.html, the browser page that
    includes it) needs to show ``document``."""
    return {
        "document": document,
        "charts": charts(document),
        "radar": report_radar(document),
        "for_print": for_print,
        "stylesheet_url": stylesheet_path(),
    }


def render_report(document: ReportDocument) -> str:
    """The report as a browser page shows it: an <article> for inside the page's layout,
    with each chart's figures as a table too (reports/document_page.html includes it)."""
    with translation.override(document.language):
        return render_to_string(f"{TEMPLATE}#report", report_context(document, for_print=False))


def render_standalone(document: ReportDocument) -> str:
    """The report as a whole HTML document for print (the PDF)."""
    with translation.override(document.language):
        return render_to_string(TEMPLATE, report_context(document, for_print=True))
