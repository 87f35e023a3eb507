"""Writing the report: the introduction and, for each chosen signal in shortlist order, the
analysis. Each text block saves as the editor types (htmx), carrying the version its page
holds; a colleague's save in between is shown in the block with their text and a choice,
never overwritten silently. Without JavaScript each block has its own Save button.

Only editors and admins open this page (``compose_reports``): the rest of the scanning group
reads the text on "the report as it stands", where it appears as it will be published.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from organizations.access import organization_required

from ..compose_services import (
    ANALYSIS_FIELDS,
    MAX_TEXT_LENGTH,
    CompositionConflict,
    candidate_analysis_save,
    cycle_introduction_save,
)
from ..models import Candidate, ReportCycle
from ..selectors import Shortlist, composition
from ..services import bounds_text
from .common import back_to, get_candidate, get_cycle

TEMPLATE = "reports/compose.html"

LABELS = {
    "introduction": gettext_lazy("Introduction"),
    "meaning": gettext_lazy("What does it mean for us?"),
    "consequences": gettext_lazy("Possible consequences or actions"),
    "audience": gettext_lazy("Who needs to know about it?"),
}


@dataclass
class TextField:
    name: str
    label: str
    value: str
    html_id: str
    errors: list[str] = field(default_factory=list)


@dataclass
class Theirs:
    label: str
    text: str


@dataclass
class Block:
    """One text block of the page (the introduction, or one candidate's analysis) as a form:
    what its fields hold, the version it was opened at, and what a save ran into."""

    key: str
    url: str
    version: int
    fields: list[TextField]
    conflict: list[Theirs] | None = None
    current_version: int | None = None
    errors: list[str] = field(default_factory=list)
    status: str = ""


def _block(key: str, url: str, row, names, *, values=None, version=None, errors=None) -> Block:
    errors = errors or {}
    values = values or {}
    fields = [
        TextField(
            name=name,
            label=str(LABELS[name]),
            value=values.get(name, getattr(row, name)),
            html_id=f"{key}-{name}",
            errors=errors.get(name, []),
        )
        for name in names
    ]
    return Block(
        key=key,
        url=url,
        version=row.version if version is None else version,
        fields=fields,
        errors=errors.get("__all__", []),
    )


def _candidate_block(request, candidate: Candidate, **kwargs) -> Block:
    url = reverse("reports:candidate_analysis", args=[request.organization.slug, candidate.pk])
    return _block(f"candidate-{candidate.pk}", url, candidate, ANALYSIS_FIELDS, **kwargs)


def _introduction_block(request, cycle: ReportCycle, **kwargs) -> Block:
    url = reverse("reports:introduction", args=[request.organization.slug, cycle.pk])
    return _block("introduction", url, cycle, ("introduction",), **kwargs)


def _page(request, cycle: ReportCycle, *, replaced: Block | None = None):
    """The whole page; ``replaced`` stands in for its block (a refused save without
    JavaScript, shown with what the editor typed)."""
    chosen = composition(request.membership, cycle)
    intro = _introduction_block(request, cycle)
    rows = [(candidate, _candidate_block(request, candidate)) for candidate in chosen]
    if replaced is not None:
        if replaced.key == intro.key:
            intro = replaced
        rows = [(c, replaced if b.key == replaced.key else b) for c, b in rows]
    context = {
        "cycle": cycle,
        "editable": cycle.is_open,
        "introduction": intro,
        "rows": rows,
        "shortlist": Shortlist(
            candidates=chosen,
            minimum=cycle.min_signals,
            maximum=cycle.max_signals,
            bounds=bounds_text(cycle),
        ),
        "max_length": MAX_TEXT_LENGTH,
    }
    return render(request, TEMPLATE, context)


@organization_required("compose_reports")
@require_http_methods(["GET"])
def compose(request, pk: int):
    return _page(request, get_cycle(request, pk))


def _version(request) -> int:
    """The version the save is based on: the block's own, or, for "overwrite with mine", the
    colleague's version the conflict message offered."""
    for name in ("overwrite_version", "version"):
        raw = request.POST.get(name, "")
        if raw:
            try:
                return int(raw)
            except ValueError:
                return -1
    return -1


def _saved_text() -> str:
    return _("Saved %(time)s") % {"time": timezone.localtime().strftime("%H:%M")}


def _save(request, cycle: ReportCycle, row, names, make_block, save):
    """Save one block and answer: htmx gets out-of-band updates of the block's version,
    status and message (never its textareas, which the editor may be typing in); a plain
    form post goes back to the page with a message, or shows the page with the refusal."""
    values = {name: request.POST[name] for name in names if name in request.POST}
    version = _version(request)
    try:
        saved = save(version, values)
    except CompositionConflict as conflict:
        current = conflict.current
        block = make_block(row, values=values, version=version)
        block.conflict = [
            Theirs(label=str(LABELS[name]), text=getattr(current, name))
            for name in names
            if getattr(current, name) != values.get(name, getattr(current, name)).strip()
        ] or [Theirs(label=str(LABELS[name]), text=getattr(current, name)) for name in names]
        block.current_version = current.version
        block.status = _("Not saved: a colleague changed this text.")
    except ValidationError as refused:
        block = make_block(row, values=values, version=version, errors=refused.message_dict)
        block.status = _("Not saved.")
    else:
        if not request.htmx:
            messages.success(request, _("Your text is saved."))
            return back_to(request, "reports:compose", cycle.pk, make_block(saved).key)
        block = make_block(saved)
        block.status = _saved_text()
    if not request.htmx:
        return _page(request, cycle, replaced=block)
    return render(request, f"{TEMPLATE}#block_answer", {"block": block, "cycle": cycle})


def _fresh(request, cycle: ReportCycle, block: Block):
    """A block as it is now ("keep theirs"): htmx gets the block, a plain request the page."""
    if not request.htmx:
        return back_to(request, "reports:compose", cycle.pk, block.key)
    return render(
        request,
        f"{TEMPLATE}#block",
        {"block": block, "cycle": cycle, "focus": True, "max_length": MAX_TEXT_LENGTH},
    )


@organization_required("compose_reports")
@require_http_methods(["GET", "POST"])
def candidate_analysis(request, pk: int):
    candidate = get_candidate(request, pk)
    cycle = candidate.cycle

    def make_block(row, **kwargs):
        return _candidate_block(request, row, **kwargs)

    if request.method == "GET":
        return _fresh(request, cycle, make_block(candidate))

    def save(version, values):
        return candidate_analysis_save(
            candidate=candidate, user=request.user, expected_version=version, **values
        )

    return _save(request, cycle, candidate, ANALYSIS_FIELDS, make_block, save)


@organization_required("compose_reports")
@require_http_methods(["GET", "POST"])
def introduction(request, pk: int):
    cycle = get_cycle(request, pk)

    def make_block(row, **kwargs):
        return _introduction_block(request, row, **kwargs)

    if request.method == "GET":
        return _fresh(request, cycle, make_block(cycle))

    def save(version, values):
        return cycle_introduction_save(
            cycle=cycle,
            user=request.user,
            expected_version=version,
            introduction=values.get("introduction", cycle.introduction),
        )

    return _save(request, cycle, cycle, ("introduction",), make_block, save)
