"""Publishing a cycle's report and reading what was published: the archive by month, a
published version (from its frozen document, never from the signals), its PDF and the PDF's
progress while the task builds it."""

from dataclasses import replace
from io import BytesIO
from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.lib.panels import render_panels_for_each
from core.lib.people import display_name
from organizations.access import get_visible_or_404, organization_required

from ..document import document_from_dict
from ..models import PublishedReport
from ..publish_services import cycle_reopen, pdf_filename, pdf_intact, report_publish
from ..rendering import report_context
from ..selectors import shortlist
from ..visibility import visible_published_reports
from .common import get_cycle

# How often the page asks whether the PDF is ready, while it is being built.
POLL_EVERY = "2s"


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def _get_report(request, pk: int) -> PublishedReport:
    reports = visible_published_reports(request.membership).select_related(
        "cycle", "organization", "published_by"
    )
    return get_visible_or_404(reports, pk=pk)


@organization_required("compose_reports")
@require_http_methods(["GET", "POST"])
def publish(request, pk: int):
    """GET: what is about to be published, and whether it may be; POST: publish it."""
    cycle = get_cycle(request, pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            report = report_publish(cycle=cycle, user=request.user, base_url=_base_url(request))
        except ValidationError as refused:
            errors = refused.messages
        else:
            messages.success(request, _("The report is published and management is told."))
            return redirect("reports:published", request.organization.slug, report.pk)
    earlier = visible_published_reports(request.membership).filter(cycle=cycle).first()
    context = {
        "cycle": cycle,
        "shortlist": shortlist(request.membership, cycle),
        "errors": errors,
        "earlier": earlier,
    }
    return render(request, "reports/publish.html", context, status=400 if errors else 200)


@organization_required("compose_reports")
@require_POST
def reopen(request, pk: int):
    cycle = get_cycle(request, pk)
    try:
        cycle_reopen(cycle=cycle, user=request.user)
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _(
                "The cycle is open for a correction; the published version stays until you "
                "publish the next."
            ),
        )
    return redirect("reports:detail", request.organization.slug, cycle.pk)


@organization_required("read_reports")
@require_GET
def archive(request):
    """Every published report, by month, newest first; a month's current version first with
    the versions it superseded under it."""
    reports = (
        visible_published_reports(request.membership)
        .select_related("cycle")
        .defer("document")
        .order_by("-cycle__month", "-version")
    )
    months = []
    for month, versions in groupby(reports, key=lambda report: report.cycle.month):
        versions = list(versions)
        months.append({"month": month, "current": versions[0], "earlier": versions[1:]})
    # What other apps show under each current report (what came of its signals), for all of
    # them at once: a fixed number of queries however long the archive.
    panels = render_panels_for_each(
        "report_archive", request, [entry["current"] for entry in months]
    )
    for entry in months:
        entry["panels"] = panels.get(entry["current"].pk, "")
    return render(request, "reports/archive.html", {"months": months})


def _status_context(report: PublishedReport) -> dict:
    return {"report": report, "poll_every": POLL_EVERY}


@organization_required("read_reports")
@require_GET
def published_detail(request, pk: int):
    report = _get_report(request, pk)
    document = document_from_dict(report.document)
    if not report.is_current:
        document = replace(document, superseded=True)
    current = None
    if not report.is_current:
        current = (
            visible_published_reports(request.membership)
            .filter(cycle_id=report.cycle_id, superseded_at__isnull=True)
            .defer("document")
            .first()
        )
    context = {
        **report_context(document),
        **_status_context(report),
        "current": current,
        "published_by": display_name(report.published_by) if report.published_by else "",
    }
    return render(request, "reports/published_detail.html", context)


@organization_required("read_reports")
@require_GET
def pdf_status(request, pk: int):
    """The PDF's state, for the page to poll while the task builds it."""
    report = _get_report(request, pk)
    return render(request, "reports/published_detail.html#pdf-status", _status_context(report))


@organization_required("read_reports")
@require_GET
def pdf_download(request, pk: int):
    report = _get_report(request, pk)
    content = pdf_intact(report)
    if content is None:
        if report.pdf_ready:
            # The stored file no longer matches what was published: never hand it out.
            return render(request, "reports/pdf_mismatch.html", {"report": report}, status=409)
        raise Http404(_("The PDF of this report is not ready."))
    response = FileResponse(
        BytesIO(content),
        as_attachment=True,
        filename=pdf_filename(report),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
