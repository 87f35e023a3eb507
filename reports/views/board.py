"""The ranking board, which is also the meeting view: the candidates by combined score with
the spread of opinions, filterable; the editor marks each in or out and orders the shortlist
(Up / Down, or by drag). Other members of the scanning group see it read-only. Everyone, the
editor too, sees the group's scores of a candidate only once they have scored it themselves
(``selectors.Board``): no anchoring.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.lib.ids import parse_id
from organizations.access import organization_required

from ..forms import board_filters
from ..models import Decision
from ..selectors import board_rows, progress_counts, scoring_row, shortlist
from ..services import SHORTLIST_CHANGED, CandidateConflict, candidate_decide, shortlist_reorder
from .common import back_to, get_candidate, get_cycle

TEMPLATE = "reports/board.html"


def _conflict_text(candidate) -> str:
    return _(
        "Someone else decided “%(title)s” meanwhile: it is now %(decision)s. Nothing was "
        "changed; decide again if you still want to."
    ) % {"title": candidate.signal.title, "decision": candidate.get_decision_display()}


@organization_required("score_reports")
@require_GET
def board(request, pk: int):
    cycle = get_cycle(request, pk)
    choices = board_filters(request.GET, request.membership)
    scored, total = progress_counts(request.membership, cycle)
    context = {
        "cycle": cycle,
        "choices": choices,
        "filters": choices.filters,
        "rows": board_rows(request.membership, cycle, choices.filters),
        "shortlist": shortlist(request.membership, cycle),
        "can_decide": request.membership.can("compose_reports") and cycle.is_open,
        "scored": scored,
        "total": total,
        "board_url": reverse("reports:board", args=[request.organization.slug, cycle.pk]),
        "here": request.get_full_path(),
    }
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, f"{TEMPLATE}#results", context)
    else:
        response = render(request, TEMPLATE, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _answer(request, cycle, *, candidate=None, text="", warning=False):
    """htmx: the candidate's row (when given), the shortlist and the status region; without
    JavaScript: back to the board with a message."""
    if not request.htmx:
        (messages.warning if warning else messages.success)(request, text)
        return back_to(
            request, "reports:board", cycle.pk, f"candidate-{candidate.pk}" if candidate else ""
        )
    context = {
        "cycle": cycle,
        "shortlist": shortlist(request.membership, cycle),
        "can_decide": True,
        "status_text": text,
        "oob": True,
        "row": scoring_row(request.membership, candidate) if candidate else None,
    }
    part = "row" if candidate else "shortlist_oob"
    return render(request, f"{TEMPLATE}#{part}", context)


@organization_required("compose_reports")
@require_POST
def decide(request, pk: int):
    candidate = get_candidate(request, pk)
    cycle = candidate.cycle
    decision = request.POST.get("decision", "")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        candidate = candidate_decide(
            candidate=candidate, user=request.user, decision=decision, expected_version=version
        )
    except CandidateConflict as conflict:
        return _answer(
            request,
            cycle,
            candidate=conflict.current,
            text=_conflict_text(conflict.current),
            warning=True,
        )
    except ValidationError as refused:
        return _answer(
            request, cycle, candidate=candidate, text=" ".join(refused.messages), warning=True
        )
    if candidate.decision == Decision.IN:
        text = _("“%(title)s” is in.")
    elif candidate.decision == Decision.OUT:
        text = _("“%(title)s” is out.")
    else:
        text = _("“%(title)s” is undecided again.")
    return _answer(
        request, cycle, candidate=candidate, text=text % {"title": candidate.signal.title}
    )


@organization_required("compose_reports")
@require_POST
def move(request, pk: int):
    candidate = get_candidate(request, pk)
    cycle = candidate.cycle
    order = [chosen.pk for chosen in shortlist(request.membership, cycle).candidates]
    step = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    text, warning = "", False
    if step is not None and candidate.pk in order:
        index = order.index(candidate.pk)
        other = index + step
        if 0 <= other < len(order):
            order[index], order[other] = order[other], order[index]
            try:
                shortlist_reorder(cycle=cycle, user=request.user, candidate_ids=order)
            except ValidationError as refused:
                text, warning = " ".join(refused.messages), True
            else:
                text = _("“%(title)s” is now number %(place)d.") % {
                    "title": candidate.signal.title,
                    "place": other + 1,
                }
    return _answer(request, cycle, text=text, warning=warning)


@organization_required("compose_reports")
@require_POST
def order(request, pk: int):
    """The whole shortlist in a new order, as a drag left it: ``candidate`` once per chosen
    candidate, first to last, and ``moved``, the one dragged (for what the status region
    says)."""
    cycle = get_cycle(request, pk)
    given = request.POST.getlist("candidate")
    ids = [pk for pk in map(parse_id, given) if pk is not None]
    moved = parse_id(request.POST.get("moved"))
    if len(ids) != len(given):  # something not an id: not the shortlist as it is
        return _answer(request, cycle, text=str(SHORTLIST_CHANGED), warning=True)
    try:
        shortlist_reorder(cycle=cycle, user=request.user, candidate_ids=ids)
    except ValidationError as refused:
        return _answer(request, cycle, text=" ".join(refused.messages), warning=True)
    chosen = shortlist(request.membership, cycle).candidates
    places = {candidate.pk: place for place, candidate in enumerate(chosen, start=1)}
    if moved in places:
        text = _("“%(title)s” is now number %(place)d.") % {
            "title": chosen[places[moved] - 1].signal.title,
            "place": places[moved],
        }
    else:
        text = _("The shortlist's order is saved.")
    return _answer(request, cycle, text=text)
