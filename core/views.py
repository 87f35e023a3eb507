from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from organizations.access import organization_required
from organizations.roles import SCANNING_GROUP, Role
from signals.selectors import recent_signals

# Each role starts where its work is; the scanning group's editor and admin share its page.
START_PAGES = {
    Role.SCANNER: "core/start_scanning.html",
    Role.EDITOR: "core/start_scanning.html",
    Role.ADMIN: "core/start_scanning.html",
    Role.MANAGEMENT: "core/start_management.html",
    Role.STAFF: "core/start_staff.html",
}


@organization_required()
def home(request):
    context = {}
    if request.membership.role in SCANNING_GROUP:
        context["recent_signals"] = recent_signals(request.membership)
    return render(request, START_PAGES[request.membership.role], context)


@never_cache
def healthz(request):
    """For the load balancer and compose: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
