"""The trend analysis's pages: the archive of analyses (and starting the year's), one analysis
(a draft with the tools to adjust and assess its trends, or a published one read from its
snapshot), one trend's assessment, publishing, and the PDF.

Every form works without JavaScript: it posts and redirects back to the analysis, or shows the
analysis again with the refused form's messages (status 400).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import refused_form
from core.lib.people import display_name
from organizations.access import get_visible_or_404, organization_required
from reports.pdf import PdfUnavailable, pdf_available

from . import selectors
from .forms import (
    AnalysisForm,
    InputForm,
    MergeForm,
    NewTrendForm,
    RetireForm,
    StartForm,
    TrendForm,
)
from .models import AnalysisTrend, TrendAnalysis
from .rendering import analysis_context, analysis_pdf
from .services import (
    analysis_publish,
    analysis_start,
    analysis_update,
    input_add,
    input_delete,
    trend_add,
    trend_merge,
    trend_retire,
    trend_update,
    unassessed,
)
from .visibility import visible_analysis_inputs, visible_analysis_trends, visible_trend_analyses


def _analysis(request, pk: int) -> TrendAnalysis:
    return get_visible_or_404(
        visible_trend_analyses(request.membership).select_related("organization", "published_by"),
        pk=pk,
    )


def _draft(request, pk: int) -> TrendAnalysis:
    """A draft the member may change; a published one is read-only (404 for its tools)."""
    analysis = _analysis(request, pk)
    if not analysis.is_draft:
        raise Http404(_("The trend analysis is published and can no longer be changed."))
    return analysis


def _entry(request, pk: int) -> AnalysisTrend:
    entries = visible_analysis_trends(request.membership).select_related("analysis")
    entry = get_visible_or_404(entries, pk=pk)
    if not entry.analysis.is_draft:
        raise Http404
    return entry


def _detail_url(request, analysis: TrendAnalysis, anchor: str = "") -> str:
    url = reverse("analysis:detail", args=[request.organization.slug, analysis.pk])
    return f"{url}#{anchor}" if anchor else url


# --- the archive ------------------------------------------------------------------------------


@organization_required("read_trend_analyses")
@require_GET
def analysis_list(request):
    return _list_page(request)


def _list_page(request, start_form: StartForm | None = None, status: int = 200):
    can_write = request.membership.can("write_trend_analysis")
    suggested = selectors.year_to_start(request.membership) if can_write else None
    # With this year's and last year's analyses begun there is nothing to suggest, and the
    # form would ask for a year nobody needs: it is offered again when a year turns.
    if start_form is None and suggested:
        start_form = StartForm(initial={"year": suggested})
    context = {
        "analyses": list(selectors.analyses(request.membership)),
        "start_form": start_form,
        "can_write": can_write,
    }
    return render(request, "analysis/list.html", context, status=status)


@organization_required("write_trend_analysis")
@require_POST
def analysis_start_view(request):
    form = StartForm(request.POST)
    if not form.is_valid():
        return _list_page(request, start_form=form, status=400)
    try:
        analysis = analysis_start(
            organization=request.organization, user=request.user, year=form.cleaned_data["year"]
        )
    except ValidationError as refused:
        form = refused_form(form, refused)
        return _list_page(request, start_form=form, status=400)
    messages.success(
        request, _("%(title)s is started with the catalogue's trends.") % {"title": analysis.title}
    )
    return redirect(_detail_url(request, analysis))


# --- one analysis -----------------------------------------------------------------------------


def _signal_links(request, document, readable: set[int]) -> dict[int, str]:
    prefix = reverse("signals:list", args=[request.organization.slug])
    return {pk: f"{prefix}{pk}/" for pk in readable}


def _radar_href(request, document, links: dict[int, str]):
    """A dot leads to its signal when the reader may open it, else to its trend on the page."""
    trend_of: dict[int, int] = {}
    for number, trend in enumerate(document.assessed, start=1):
        for signal in trend.signals:
            trend_of.setdefault(signal.id, number)
    return lambda pk: links.get(pk) or f"#trend-{trend_of.get(pk, 1)}"


def _render_detail(request, analysis: TrendAnalysis, status: int = 200, **forms):
    membership = request.membership
    document = selectors.document(membership, analysis)
    readable = selectors.readable_signals(membership, document)
    links = _signal_links(request, document, readable)
    context = analysis_context(
        document, signal_href=_radar_href(request, document, links), signal_links=links
    )
    editable = analysis.is_draft and membership.can("write_trend_analysis")
    context.update(
        {
            "analysis": analysis,
            "editable": editable,
            "can_publish": analysis.is_draft and membership.can("publish_trend_analysis"),
            "pdf_available": pdf_available(),
            "published_by": display_name(analysis.published_by) if analysis.published_by else "",
        }
    )
    if editable:
        entries = selectors.assessed_trends(membership, analysis).order_by("position", "pk")
        context.update(
            {
                "analysis_form": forms.get("analysis_form")
                or AnalysisForm(initial={"title": analysis.title, "summary": analysis.summary}),
                "new_trend_form": forms.get("new_trend_form")
                or NewTrendForm(catalogue=selectors.catalogue_trends(membership)),
                "merge_form": forms.get("merge_form") or MergeForm(entries=entries),
                "input_form": forms.get("input_form") or InputForm(entries=entries),
                "open_tool": forms.get("open_tool", ""),
            }
        )
    return render(request, "analysis/detail.html", context, status=status)


@organization_required("read_trend_analyses")
@require_GET
def analysis_detail(request, pk: int):
    return _render_detail(request, _analysis(request, pk))


@organization_required("write_trend_analysis")
@require_POST
def analysis_edit(request, pk: int):
    analysis = _draft(request, pk)
    form = AnalysisForm(request.POST)
    if form.is_valid():
        try:
            analysis_update(analysis=analysis, user=request.user, **form.cleaned_data)
        except ValidationError as refused:
            form = refused_form(form, refused)
        else:
            messages.success(request, _("The title and summary are saved."))
            return redirect(_detail_url(request, analysis))
    return _render_detail(request, analysis, 400, analysis_form=form, open_tool="summary")


@organization_required("write_trend_analysis")
@require_POST
def entry_add(request, pk: int):
    analysis = _draft(request, pk)
    form = NewTrendForm(request.POST, catalogue=selectors.catalogue_trends(request.membership))
    if form.is_valid():
        try:
            entry = trend_add(analysis=analysis, user=request.user, **form.cleaned_data)
        except ValidationError as refused:
            form = refused_form(form, refused)
        else:
            messages.success(
                request, _("%(name)s is added to this year's trends.") % {"name": entry.name}
            )
            return redirect(
                reverse("analysis:entry_edit", args=[request.organization.slug, entry.pk])
            )
    return _render_detail(request, analysis, 400, new_trend_form=form, open_tool="add")


@organization_required("write_trend_analysis")
@require_POST
def entry_merge(request, pk: int):
    analysis = _draft(request, pk)
    entries = selectors.assessed_trends(request.membership, analysis)
    form = MergeForm(request.POST, entries=entries)
    if form.is_valid():
        try:
            into = trend_merge(
                entry=form.cleaned_data["trend"], into=form.cleaned_data["into"], user=request.user
            )
        except ValidationError as refused:
            form = refused_form(form, refused)
        else:
            messages.success(
                request,
                _("%(trend)s is merged into %(into)s for this year.")
                % {"trend": form.cleaned_data["trend"].name, "into": into.name},
            )
            return redirect(_detail_url(request, analysis))
    return _render_detail(request, analysis, 400, merge_form=form, open_tool="merge")


@organization_required("write_trend_analysis")
@require_POST
def entry_retire(request, pk: int):
    entry = _entry(request, pk)
    form = RetireForm(request.POST)
    restore = form.is_valid() and form.cleaned_data["restore"]
    try:
        trend_retire(entry=entry, user=request.user, retired=not restore)
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
    else:
        if restore:
            messages.success(
                request, _("%(name)s is assessed this year again.") % {"name": entry.name}
            )
        else:
            messages.success(
                request, _("%(name)s is retired for this year.") % {"name": entry.name}
            )
    return redirect(_detail_url(request, entry.analysis))


@organization_required("write_trend_analysis")
@require_http_methods(["GET", "POST"])
def entry_edit(request, pk: int):
    """One trend of the year: its name and driving force this year, and the assessment."""
    entry = _entry(request, pk)
    if not entry.is_assessed:
        raise Http404
    if request.method == "POST":
        form = TrendForm(request.POST)
        if form.is_valid():
            try:
                trend_update(entry=entry, user=request.user, **form.cleaned_data)
            except ValidationError as refused:
                form = refused_form(form, refused)
            else:
                messages.success(
                    request, _("The assessment of %(name)s is saved.") % {"name": entry.name}
                )
                return redirect(_detail_url(request, entry.analysis, f"entry-{entry.pk}"))
    else:
        form = TrendForm(
            initial={
                name: getattr(entry, name)
                for name in (
                    "name",
                    "driving_force",
                    "description",
                    "meaning",
                    "opportunities",
                    "risks",
                )
            }
        )
    context = {"entry": entry, "analysis": entry.analysis, "form": form}
    return render(request, "analysis/entry_edit.html", context, status=400 if form.errors else 200)


@organization_required("write_trend_analysis")
@require_POST
def input_add_view(request, pk: int):
    analysis = _draft(request, pk)
    entries = selectors.assessed_trends(request.membership, analysis)
    form = InputForm(request.POST, entries=entries)
    if form.is_valid():
        try:
            line = input_add(analysis=analysis, user=request.user, **form.cleaned_data)
        except ValidationError as refused:
            form = refused_form(form, refused)
        else:
            messages.success(
                request, _("The input from %(source)s is recorded.") % {"source": line.source}
            )
            anchor = f"entry-{line.trend_id}" if line.trend_id else "inputs"
            return redirect(_detail_url(request, analysis, anchor))
    return _render_detail(request, analysis, 400, input_form=form, open_tool="input")


@organization_required("write_trend_analysis")
@require_POST
def input_delete_view(request, pk: int):
    lines = visible_analysis_inputs(request.membership).select_related("analysis")
    line = get_visible_or_404(lines, pk=pk)
    try:
        input_delete(line=line, user=request.user)
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("The input from %(source)s is removed.") % {"source": line.source}
        )
    return redirect(_detail_url(request, line.analysis))


# --- publishing and the PDF -------------------------------------------------------------------


@organization_required("publish_trend_analysis")
@require_http_methods(["GET", "POST"])
def analysis_publish_view(request, pk: int):
    """GET: what publishing does, and what is missing; POST: publish."""
    analysis = _draft(request, pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            analysis_publish(analysis=analysis, user=request.user)
        except ValidationError as refused:
            errors = refused.messages
        else:
            messages.success(request, _("%(title)s is published.") % {"title": analysis.title})
            return redirect(_detail_url(request, analysis))
    context = {"analysis": analysis, "errors": errors, "missing": unassessed(analysis)}
    return render(request, "analysis/publish.html", context, status=400 if errors else 200)


def pdf_filename(analysis: TrendAnalysis) -> str:
    """trendanalys-kungsbacka-2025.pdf (a draft's: …-2025-utkast.pdf)."""
    # Swedish like the report's file name (omvarldsrapport-…), whatever the reader's language.
    suffix = "-utkast" if analysis.is_draft else ""
    return f"trendanalys-{analysis.organization.slug}-{analysis.year}{suffix}.pdf"


@organization_required("read_trend_analyses")
@require_GET
def analysis_pdf_view(request, pk: int):
    """The analysis as a PDF: a published one from its snapshot; a draft (for the group that
    sees it) as it stands, marked as a draft."""
    analysis = _analysis(request, pk)
    document = selectors.document(request.membership, analysis)
    try:
        content = analysis_pdf(
            document,
            site_url=request.build_absolute_uri("/"),
            organization_slug=request.organization.slug,
        )
    except PdfUnavailable:
        return render(request, "analysis/pdf_unavailable.html", {"analysis": analysis}, status=503)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(analysis)}"'
    response["Cache-Control"] = "private, no-store"
    return response
