"""The cycles: the list with this month's, opening it, a cycle's page with carrying over."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.lib.ids import parse_id
from organizations.access import organization_required
from signals.models import Status
from signals.visibility import visible_signals

from ..services import candidate_carry_over, cycle_open, month_bounds, month_start
from ..visibility import visible_candidates, visible_published_reports, visible_report_cycles
from .common import back_to, get_cycle

# The carry-over list offers the latest logged signals of earlier months, not the whole archive.
CARRY_OVER_CHOICES = 100


@organization_required("read_reports")
@require_GET
def cycle_list(request):
    cycles = list(
        visible_report_cycles(request.membership).annotate(candidate_count=Count("candidates"))
    )
    this_month = month_start(timezone.localdate())
    current = next((cycle for cycle in cycles if cycle.month == this_month), None)
    return render(
        request,
        "reports/cycle_list.html",
        {"cycles": cycles, "current": current, "this_month": this_month},
    )


@organization_required("compose_reports")
@require_POST
def cycle_open_now(request):
    try:
        cycle = cycle_open(
            organization=request.organization, month=timezone.localdate(), user=request.user
        )
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
        return redirect("reports:list", request.organization.slug)
    messages.success(request, _("This month's cycle is open with the month's logged signals."))
    return redirect("reports:detail", request.organization.slug, cycle.pk)


def _carry_over_choices(request, cycle):
    start = month_bounds(cycle.month)[0]
    taken = visible_candidates(request.membership).filter(cycle=cycle).values("signal_id")
    return list(
        visible_signals(request.membership)
        .filter(status=Status.LOGGED, created_at__lt=start)
        .exclude(pk__in=taken)
        .only("pk", "title", "created_at")
        .order_by("-created_at", "-pk")[:CARRY_OVER_CHOICES]
    )


@organization_required("read_reports")
@require_GET
def cycle_detail(request, pk: int):
    cycle = get_cycle(request, pk)
    candidates = visible_candidates(request.membership).filter(cycle=cycle)
    context = {
        "cycle": cycle,
        "candidate_count": candidates.count(),
        "carried_over": candidates.filter(carried_over=True).count(),
        "publications": list(
            visible_published_reports(request.membership)
            .filter(cycle=cycle)
            .defer("document")
            .order_by("-version")
        ),
    }
    if request.membership.can("compose_reports") and cycle.is_open:
        context["carry_over_choices"] = _carry_over_choices(request, cycle)
    return render(request, "reports/cycle_detail.html", context)


@organization_required("compose_reports")
@require_POST
def cycle_refresh(request, pk: int):
    cycle = get_cycle(request, pk)
    try:
        cycle_open(organization=request.organization, month=cycle.month, user=request.user)
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The month's newly logged signals are candidates now."))
    return back_to(request, "reports:detail", cycle.pk)


@organization_required("compose_reports")
@require_POST
def carry_over(request, pk: int):
    cycle = get_cycle(request, pk)
    signal_pk = parse_id(request.POST.get("signal"))
    signal = visible_signals(request.membership).filter(pk=signal_pk).first() if signal_pk else None
    if signal is None:
        messages.error(request, _("Choose one of the signals in the list."))
        return back_to(request, "reports:detail", cycle.pk)
    try:
        candidate_carry_over(cycle=cycle, signal=signal, user=request.user)
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("“%(title)s” is carried over.") % {"title": signal.title})
    return back_to(request, "reports:detail", cycle.pk)
