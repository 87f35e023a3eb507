"""The follow-up on the reports' pages (``core.lib.panels``): on a published report's page,
each of its signals with how many actions are open and done and what came of it, each leading
to its follow-up, and for those who decide the way to start; in the archive, under each
report, what came of each signal it named."""

from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.html import format_html

from core.lib.panels import panel, panel_for_each

from .models import ActionStatus, Outcome
from .selectors import report_followup, reports_followup


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


@panel_for_each("report_archive")
def archive_followup_panels(request, reports) -> dict[int, str]:
    """Under each report of the archive, per signal: its actions with their status and what
    the review found. Three queries for the whole archive."""
    membership = request.membership
    if not membership.can("follow_up"):
        return {}
    panels = {}
    followup = reports_followup(membership, reports)
    for report in reports:
        items = followup.get(report.pk, [])
        if not items:
            continue
        actions = [action for item in items for action in item.actions]
        reviewed = [item.reported for item in items if item.reported and item.reported.reviewed_at]
        context = {
            "report": report,
            "items": items,
            "started": bool(actions or reviewed),
            "reviewed": bool(reviewed),
            "led": sum(1 for row in reviewed if row.outcome == Outcome.LED_TO_SOMETHING),
            "open": sum(1 for action in actions if action.is_open),
            "done": sum(1 for action in actions if action.status == ActionStatus.DONE),
        }
        panels[report.pk] = render_to_string(
            "followup/archive_panel.html", context, request=request
        )
    if panels:
        # The follow-up's stylesheet once, with the first panel (the archive does not know it).
        first = next(iter(panels))
        stylesheet = format_html('<link rel="stylesheet" href="{}">', static("css/followup.css"))
        panels[first] = stylesheet + panels[first]
    return panels
