"""What the report pages share: fetching a cycle or a candidate the member may see."""

from django.shortcuts import redirect
from django.urls import reverse

from organizations.access import get_visible_or_404

from ..models import Candidate, ReportCycle
from ..visibility import visible_candidates, visible_report_cycles


def get_cycle(request, pk: int) -> ReportCycle:
    return get_visible_or_404(visible_report_cycles(request.membership), pk=pk)


def get_candidate(request, pk: int) -> Candidate:
    candidates = visible_candidates(request.membership).select_related("cycle", "signal")
    return get_visible_or_404(candidates, pk=pk)


def back_to(request, name: str, cycle_pk: int, anchor: str = ""):
    url = reverse(name, args=[request.organization.slug, cycle_pk])
    return redirect(f"{url}#{anchor}" if anchor else url)
