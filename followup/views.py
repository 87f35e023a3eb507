"""The follow-up pages: the organisation's open actions, a published report's signals with
their actions, the three questions and the review, and one action with its status and history.

Every page works without JavaScript (forms post and redirect). With htmx the owner filter
swaps the list in place, the three questions open and save in place, and a status change
swaps the action's status box with its history.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import refused_form
from core.lib.ids import parse_id
from organizations.access import get_visible_or_404, organization_required
from reports.models import PublishedReport
from reports.visibility import visible_published_reports
from signals.visibility import visible_signals

from .forms import ActionForm, NewActionForm, QuestionsForm, ReviewForm, StatusForm
from .models import Action
from .selectors import (
    ReportedItem,
    action_history,
    open_actions,
    owner_choices,
    report_followup,
    reported_item,
)
from .services import (
    action_create,
    action_status_set,
    action_update,
    may_plan,
    may_set_status,
    reported_signal_answer,
    reported_signal_review,
)
from .visibility import visible_actions, visible_review_reminders


def _report(request, pk: int) -> PublishedReport:
    reports = visible_published_reports(request.membership).select_related("cycle")
    return get_visible_or_404(reports.defer("document"), pk=pk)


def _item(request, report: PublishedReport, signal_pk: int) -> ReportedItem:
    item = reported_item(request.membership, report, signal_pk)
    if item is None:
        raise Http404
    return item


def _action(request, pk: int) -> Action:
    actions = visible_actions(request.membership).select_related(
        "owner", "created_by", "reported__signal", "reported__cycle"
    )
    return get_visible_or_404(actions, pk=pk)


def _current_report(request, action: Action) -> PublishedReport | None:
    return (
        visible_published_reports(request.membership)
        .filter(cycle_id=action.reported.cycle_id, superseded_at__isnull=True)
        .select_related("cycle")
        .defer("document")
        .first()
    )


def _report_url(request, report: PublishedReport, signal_pk: int | None = None) -> str:
    url = reverse("followup:report", args=[request.organization.slug, report.pk])
    return f"{url}#signal-{signal_pk}" if signal_pk else url


# --- the organisation's open actions -------------------------------------------------------------


@organization_required("follow_up")
@require_GET
def action_list(request):
    """All open actions by due date and owner, the overdue first; ``?owner=<id>`` for one
    person's, ``?owner=me`` for one's own."""
    chosen = request.GET.get("owner", "")
    owner_id = request.user.pk if chosen == "me" else parse_id(chosen)
    listing = open_actions(request.membership, owner_id=owner_id)
    context = {
        "listing": listing,
        "owner_id": owner_id,
        "today": timezone.localdate(),
        "can_plan": may_plan(request.membership),
    }
    if request.htmx:
        return render(request, "followup/list.html#actions", context)
    return render(request, "followup/list.html", context)


# --- a published report's follow-up --------------------------------------------------------------


@organization_required("follow_up")
@require_GET
def report_detail(request, pk: int):
    report = _report(request, pk)
    items = report_followup(request.membership, report)
    readable = set(
        visible_signals(request.membership)
        .filter(pk__in=[item.signal.pk for item in items])
        .values_list("pk", flat=True)
    )
    reminder = (
        visible_review_reminders(request.membership)
        .filter(cycle_id=report.cycle_id, done_at__isnull=True)
        .first()
    )
    context = {
        "report": report,
        "items": items,
        "reminder": reminder,
        "readable_signals": readable,
        "can_plan": may_plan(request.membership),
        "today": timezone.localdate(),
    }
    return render(request, "followup/report.html", context)


@organization_required("plan_actions")
@require_http_methods(["GET", "POST"])
def action_new(request, pk: int, signal_pk: int):
    report = _report(request, pk)
    item = _item(request, report, signal_pk)
    owners = owner_choices(request.membership)
    status = 200
    if request.method == "POST":
        form = NewActionForm(request.POST, owners=owners)
        if form.is_valid():
            data = form.cleaned_data
            try:
                action_create(
                    cycle=report.cycle,
                    signal=item.signal,
                    user=request.user,
                    kind=data["kind"],
                    title=data["title"],
                    due_on=data["due_on"],
                    owner=data["owner"],
                    owner_department=data["owner_department"],
                    status=data["status"],
                    note=data["note"],
                )
            except ValidationError as refused:
                refused_form(form, refused)
            else:
                messages.success(request, _("The action is added."))
                return redirect(_report_url(request, report, item.signal.pk))
        status = 400
    else:
        form = NewActionForm(owners=owners)
    context = {"report": report, "item": item, "form": form}
    return render(request, "followup/action_form.html", context, status=status)


def _as_recorded(item: ReportedItem, form_class) -> dict:
    """The form's fields as the reported signal's follow-up has them (empty before any)."""
    reported = item.reported
    if reported is None:
        return {}
    return {name: getattr(reported, name) for name in form_class.base_fields}


@organization_required("plan_actions")
@require_http_methods(["GET", "POST"])
def questions(request, pk: int, signal_pk: int):
    """The three questions of a reported signal: the form (in place with htmx), and saving it."""
    report = _report(request, pk)
    item = _item(request, report, signal_pk)
    status = 200
    if request.method == "POST":
        form = QuestionsForm(request.POST)
        if form.is_valid():
            try:
                item.reported = reported_signal_answer(
                    cycle=report.cycle, signal=item.signal, user=request.user, **form.cleaned_data
                )
            except ValidationError as refused:
                refused_form(form, refused)
            else:
                if request.htmx:
                    context = {"report": report, "item": item, "can_plan": True, "saved": True}
                    return render(request, "followup/report.html#questions", context)
                messages.success(request, _("The answers are saved."))
                return redirect(_report_url(request, report, item.signal.pk))
        status = 400
    else:
        form = QuestionsForm(initial=_as_recorded(item, QuestionsForm))
    context = {"report": report, "item": item, "form": form}
    if request.htmx:
        # htmx swaps only 2xx answers: a refusal is shown in the form, as the page would.
        return render(request, "followup/questions_form.html#form", context)
    return render(request, "followup/questions_form.html", context, status=status)


@organization_required("plan_actions")
@require_http_methods(["GET", "POST"])
def review(request, pk: int, signal_pk: int):
    """What came of a reported signal: it led to something (and what), not yet, not at all."""
    report = _report(request, pk)
    item = _item(request, report, signal_pk)
    status = 200
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if form.is_valid():
            try:
                reported_signal_review(
                    cycle=report.cycle,
                    signal=item.signal,
                    user=request.user,
                    outcome=form.cleaned_data["outcome"],
                    outcome_note=form.cleaned_data["outcome_note"],
                )
            except ValidationError as refused:
                refused_form(form, refused)
            else:
                messages.success(request, _("The review is recorded."))
                return redirect(_report_url(request, report, item.signal.pk))
        status = 400
    else:
        form = ReviewForm(initial=_as_recorded(item, ReviewForm))
    context = {"report": report, "item": item, "form": form}
    return render(request, "followup/review_form.html", context, status=status)


# --- one action ----------------------------------------------------------------------------------


def _action_context(request, action: Action, *, status_form=None) -> dict:
    can_set_status = may_set_status(request.membership, action)
    if status_form is None and can_set_status:
        status_form = StatusForm(initial={"status": action.status})
    return {
        "action": action,
        "report": _current_report(request, action),
        "signal_readable": visible_signals(request.membership)
        .filter(pk=action.reported.signal_id)
        .exists(),
        "history": action_history(action),
        "status_form": status_form,
        "can_set_status": can_set_status,
        "can_plan": may_plan(request.membership),
        "today": timezone.localdate(),
    }


@organization_required("follow_up")
@require_GET
def action_detail(request, pk: int):
    action = _action(request, pk)
    return render(request, "followup/action_detail.html", _action_context(request, action))


@organization_required("follow_up")
@require_POST
def action_status(request, pk: int):
    """Change the status and note; the owner may, as well as the planners (the service says)."""
    action = _action(request, pk)
    if not may_set_status(request.membership, action):
        raise PermissionDenied
    form = StatusForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            action_status_set(
                action=action,
                user=request.user,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as refused:
            refused_form(form, refused)
            status = 400
        else:
            if not request.htmx:
                messages.success(request, _("The status is saved."))
                return redirect("followup:action", request.organization.slug, action.pk)
            form = None
    else:
        status = 400
    context = _action_context(request, action, status_form=form)
    context["saved"] = status == 200
    if request.htmx:
        return render(request, "followup/action_detail.html#status", context)
    return render(request, "followup/action_detail.html", context, status=status)


@organization_required("plan_actions")
@require_http_methods(["GET", "POST"])
def action_edit(request, pk: int):
    action = _action(request, pk)
    owners = owner_choices(request.membership)
    status = 200
    if request.method == "POST":
        form = ActionForm(request.POST, owners=owners)
        if form.is_valid():
            data = form.cleaned_data
            try:
                action_update(
                    action=action,
                    user=request.user,
                    kind=data["kind"],
                    title=data["title"],
                    due_on=data["due_on"],
                    owner=data["owner"],
                    owner_department=data["owner_department"],
                )
            except ValidationError as refused:
                refused_form(form, refused)
            else:
                messages.success(request, _("The action is saved."))
                return redirect("followup:action", request.organization.slug, action.pk)
        status = 400
    else:
        form = ActionForm(
            owners=owners,
            initial={
                "title": action.title,
                "kind": action.kind,
                "owner": action.owner_id,
                "owner_department": action.owner_department,
                "due_on": action.due_on,
            },
        )
    context = {"action": action, "form": form, "report": _current_report(request, action)}
    return render(request, "followup/action_form.html", context, status=status)
