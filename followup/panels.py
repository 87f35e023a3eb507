"""The follow-up box on a published report's page (``core.lib.panels``): each of the report's
signals with how many actions are open and done and what came of it, each leading to its
follow-up; for those who decide, the way to start."""

from django.template.loader import render_to_string

from core.lib.panels import panel

from .selectors import report_followup


@panel("published_report")
def report_followup_panel(request, report) -> str:
    membership = request.membership
    if not membership.can("follow_up"):
        return ""
    items = report_followup(membership, report)
    can_plan = membership.can("plan_actions")
    started = any(item.actions or item.reported for item in items)
    if not items or not (started or can_plan):
        return ""
    context = {"report": report, "items": items, "can_plan": can_plan, "started": started}
    return render_to_string("followup/panel.html", context, request=request)
