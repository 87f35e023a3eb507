"""Scoring: every candidate on one page, each row saved by itself (htmx, or a plain POST).

A member sees the group's scores of a candidate only once they have scored it themselves
(``selectors.Row.others_shown``): no anchoring.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from organizations.access import organization_required
from scanning.queue_forms import ShortcutForm
from scanning.selectors import shortcuts_on
from scanning.triage_services import shortcuts_set

from ..selectors import progress, progress_counts, scoring_row, scoring_rows
from ..services import score_set
from .common import back_to, get_candidate, get_cycle

TEMPLATE = "reports/score.html"


@organization_required("score_reports")
@require_GET
def score_page(request, pk: int):
    cycle = get_cycle(request, pk)
    rows = scoring_rows(request.membership, cycle)
    scored, total = progress(rows)
    context = {
        "cycle": cycle,
        "rows": rows,
        "scored": scored,
        "total": total,
        "shortcuts_on": shortcuts_on(request.user),
        "here": request.get_full_path(),
    }
    return render(request, TEMPLATE, context)


@organization_required("score_reports")
@require_POST
def score_save(request, pk: int):
    candidate = get_candidate(request, pk)
    cycle = candidate.cycle
    errors = {}
    try:
        score_set(
            candidate=candidate,
            user=request.user,
            relevance=request.POST.get("relevance"),
            urgency=request.POST.get("urgency"),
            comment=request.POST.get("comment", ""),
        )
    except ValidationError as refused:
        errors = refused.message_dict
    if not request.htmx:
        if errors:
            for field_messages in errors.values():
                for message in field_messages:
                    messages.error(request, message)
        else:
            messages.success(request, _("Score saved."))
        return back_to(request, "reports:score", cycle.pk, f"candidate-{candidate.pk}")
    row = scoring_row(request.membership, candidate)
    scored, total = progress_counts(request.membership, cycle)
    context = {
        "cycle": cycle,
        "row": row,
        "errors": errors,
        "saved": not errors,
        "scored": scored,
        "total": total,
        "oob": not errors,
        "submitted": request.POST,
    }
    return render(request, f"{TEMPLATE}#row", context)


@organization_required("score_reports")
@require_POST
def shortcuts(request, pk: int):
    """The member's single-key shortcut setting (the same one the triage queue uses), from
    the scoring page and back to it."""
    cycle = get_cycle(request, pk)
    form = ShortcutForm(request.POST)
    on = form.is_valid() and form.cleaned_data["keyboard_shortcuts"]
    shortcuts_set(user=request.user, on=on)
    if on:
        messages.success(request, _("Single-key shortcuts are on. Press ? to list them."))
    else:
        messages.success(request, _("Single-key shortcuts are off."))
    return back_to(request, "reports:score", cycle.pk)
