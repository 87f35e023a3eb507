"""The trend analyses on the overview's dashboard (``core.lib.panels``): the latest published
analysis with its PDF, and for the scanning group the draft under way or the way to start one.
The overview knows nothing of the analysis; the analysis adds itself to its page."""

from django.template.loader import render_to_string

from core.lib.panels import panel

from .selectors import analyses

# The dashboard names the newest few; the archive has the rest.
SHOWN = 3


@panel("overview_dashboard")
def trend_analysis_panel(request, _board) -> str:
    membership = request.membership
    if not membership.can("read_trend_analyses"):
        return ""
    shown = list(analyses(membership)[:SHOWN])
    can_write = membership.can("write_trend_analysis")
    if not shown and not can_write:
        return ""
    context = {"analyses": shown, "can_write": can_write}
    return render_to_string("analysis/dashboard_panel.html", context, request=request)
