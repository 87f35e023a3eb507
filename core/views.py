from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from discussions.selectors import latest_threads
from followup.selectors import start_context as followup_start_context
from organizations.access import organization_required
from organizations.roles import Role
from organizations.selectors import last_used_membership
from organizations.services import SESSION_KEY
from overview.selectors import blind_spots
from reports.selectors import latest_published_report
from signals.selectors import latest_in_areas, recent_signals, watched_areas

# Each role starts where its work is; the scanning group's editor and admin share its page.
START_PAGES = {
    Role.SCANNER: "core/start_scanning.html",
    Role.EDITOR: "core/start_scanning.html",
    Role.ADMIN: "core/start_scanning.html",
    Role.MANAGEMENT: "core/start_management.html",
    Role.STAFF: "core/start_staff.html",
}


def _working_membership(request):
    """The organisation the user works in: this session's, else the one opened last."""
    membership = last_used_membership(request.memberships, request.session.get(SESSION_KEY))
    if membership is None:
        raise PermissionDenied
    return membership


@login_required
@require_safe
def home(request):
    """``/``: on to the start page of the organisation the user last worked in; someone who
    belongs to none yet but has been invited, to their invitations."""
    if not request.memberships and request.invitations:
        return redirect("invitations")
    return redirect("start", _working_membership(request).organization.slug)


@organization_required()
def start(request):
    # Every role reads the latest signals it may see; the visibility rule decides which.
    context = {"recent_signals": recent_signals(request.membership)}
    if request.membership.can("watch_areas"):
        areas = watched_areas(request.membership, request.membership)
        context["watched_areas"] = areas
        context["watched_signals"] = latest_in_areas(request.membership, areas)
        context["blind_spots"] = blind_spots(request.membership)
    if request.membership.can("discuss"):
        context["latest_threads"] = latest_threads(request.membership)
    if request.membership.can("read_reports"):
        context["latest_report"] = latest_published_report(request.membership)
    # The member's own open actions and the reviews they are reminded of.
    context.update(followup_start_context(request.membership))
    return render(request, START_PAGES[request.membership.role], context)


def _moved(request, prefix: str, rest: str):
    target = f"/{_working_membership(request).organization.slug}/{prefix}{rest}"
    query = request.META.get("QUERY_STRING", "")
    return redirect(f"{target}?{query}" if query else target, permanent=False)


@login_required
@require_safe
def moved(request, rest: str):
    """``/signals/…`` → ``/<organisation>/…`` of the organisation the user works in. Only
    reading: a form posted to an old address is refused (405), never written anywhere."""
    if rest.startswith("settings/"):
        return _moved(request, "", rest)
    return _moved(request, "signals/", rest)


@login_required
@require_safe
def moved_settings(request, rest: str):
    """``/organisation/members/…`` → ``/<organisation>/settings/members/…``."""
    if not rest.startswith("members/"):
        raise Http404
    return _moved(request, "settings/", rest)


@never_cache
def healthz(request):
    """For the load balancer and compose: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
