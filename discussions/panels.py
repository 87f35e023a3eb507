"""The discussion box on a signal's page and on a published report's page
(``core.lib.panels``): its comment count and a link to it, or, for the scanning group, the way
to open one."""

from django.template.loader import render_to_string

from core.lib.panels import panel
from signals.models import Status

from .selectors import discussion_of


def _box(request, *, thread, can_open: bool, open_query: str) -> str:
    if thread is None and not can_open:
        return ""
    context = {"thread": thread, "can_open": can_open, "open_query": open_query}
    return render_to_string("discussions/panel.html", context, request=request)


@panel("signal_detail")
def signal_discussion(request, signal) -> str:
    membership = request.membership
    thread = discussion_of(membership, signal=signal)
    shared = signal.shared_with_staff and signal.status == Status.LOGGED
    can_open = thread is None and shared and membership.can("open_threads")
    return _box(request, thread=thread, can_open=can_open, open_query=f"signal={signal.pk}")


@panel("published_report")
def report_discussion(request, report) -> str:
    membership = request.membership
    thread = discussion_of(membership, report_cycle=report.cycle)
    can_open = thread is None and membership.can("open_threads")
    return _box(request, thread=thread, can_open=can_open, open_query=f"report={report.cycle_id}")
