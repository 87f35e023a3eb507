"""The cycle's report as it stands, read in the browser: the document the PDF is made of."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from organizations.access import organization_required

from ..assembly import document_for_cycle
from ..rendering import report_context
from .common import get_cycle


@organization_required("read_reports")
@require_GET
def report_preview(request, pk: int):
    cycle = get_cycle(request, pk)
    document = document_for_cycle(cycle, base_url=request.build_absolute_uri("/"))
    return render(request, "reports/document_page.html", report_context(document))
