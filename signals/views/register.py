"""Logging a signal, editing it (the whole form, or one field at a time with htmx), archiving
and restoring it, and its history.

Every view declares its capability and fetches the signal through the member's visible
signals, so a signal another role may not see, or of another organisation, is a 404.
Fragments are partials of the page's own template: an htmx request gets the fragment, a
request without JavaScript the whole page with the same content.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import attach_errors
from core.lib.origin import is_same_origin
from organizations.access import get_visible_or_404, organization_required

from .. import display
from ..forms import INLINE_FIELDS, SignalForm, source_formset
from ..history import signal_history
from ..models import Signal, Status
from ..selectors import SimilarSignals, similar_signals
from ..services import (
    EDITABLE_STATUSES,
    MAX_SOURCES,
    SignalConflict,
    signal_archive,
    signal_create,
    signal_restore,
    signal_update,
)
from ..title_suggestion import suggest_title
from ..visibility import visible_signals, visible_statuses

FORM_TEMPLATE = "signals/form.html"
DETAIL_TEMPLATE = "signals/detail.html"


def _get_signal(request, pk: int) -> Signal:
    signals = visible_signals(request.membership).select_related(
        "organization", "area", "created_by"
    )
    return get_visible_or_404(signals.prefetch_related("sources", "trends", "tags"), pk=pk)


# --- create and edit ----------------------------------------------------------------------


@organization_required("log_signals")
@require_http_methods(["GET", "POST"])
def signal_create_view(request):
    organization = request.organization
    if request.method == "POST":
        form = SignalForm(request.POST, membership=request.membership)
        formset = source_formset(data=request.POST)
        if form.is_valid() & formset.is_valid():  # both, so every error shows at once
            try:
                signal = signal_create(
                    organization=request.organization,
                    user=request.user,
                    sources=formset.sources(),
                    **form.changes(),
                )
            except ValidationError as exc:
                attach_errors(exc, form, formset)
            else:
                messages.success(request, _("The signal is logged. Thank you!"))
                _tell_of_similar(request, signal, formset.sources())
                return redirect(signal)
        similar = _similar(request.membership, request.POST)
    else:
        form = SignalForm(membership=request.membership)
        formset = source_formset()
        similar = None
    _offer_title_suggestion(formset, organization)
    context = {
        "form": form,
        "formset": formset,
        "signal": None,
        "conflict": None,
        "similar": similar,
    }
    return render(request, FORM_TEMPLATE, context)


def _similar(membership, data, *, exclude: int | None = None) -> SimilarSignals:
    """The possible duplicates of what the form holds: its title and its sources' addresses."""
    urls = [data.get(f"sources-{index}-url", "") for index in range(MAX_SOURCES)]
    return similar_signals(
        membership,
        urls=[url for url in urls if isinstance(url, str) and url.strip()],
        title=str(data.get("title") or "")[: Signal._meta.get_field("title").max_length],
        exclude=exclude,
    )


def _tell_of_similar(request, signal: Signal, sources) -> None:
    """A notice, never a refusal: the signal is logged, and the page it goes to says which
    signals it may repeat, so the scanner can archive one."""
    data = {"title": signal.title}
    data.update({f"sources-{i}-url": source.url for i, source in enumerate(sources)})
    similar = _similar(request.membership, data, exclude=signal.pk)
    if similar:
        context = {"similar": similar, "after_save": True}
        notice = render_to_string(f"{FORM_TEMPLATE}#similar_signals", context, request)
        messages.warning(request, notice)


@organization_required("log_signals")
@require_GET
def similar_signals_view(request):
    """As the user types (htmx): signals the member can see with the same source address, or
    a very similar recent title, or an empty fragment."""
    similar = _similar(request.membership, request.GET)
    if not similar:
        return HttpResponse("")
    return render(request, f"{FORM_TEMPLATE}#similar_signals", {"similar": similar})


@organization_required("log_signals")
@require_http_methods(["GET", "POST"])
def signal_edit(request, pk: int):
    signal = _get_signal(request, pk)
    conflict = None
    if request.method == "POST":
        form = SignalForm(request.POST, membership=request.membership, signal=signal)
        formset = source_formset(data=request.POST, signal=signal)
        if form.is_valid() & formset.is_valid():
            try:
                updated = signal_update(
                    signal=signal,
                    user=request.user,
                    expected_version=form.cleaned_data["version"],
                    sources=formset.sources(),
                    **form.changes(),
                )
            except SignalConflict:
                current = _get_signal(request, pk)
                conflict = _differences(current, form.changes(), formset.sources())
                # Keep everything the user typed; from now on it is based on their version.
                data = request.POST.copy()
                data["version"] = str(current.version)
                form = SignalForm(data, membership=request.membership, signal=current)
                formset = source_formset(data=data, signal=current)
                signal = current
            except ValidationError as exc:
                attach_errors(exc, form, formset)
            else:
                messages.success(request, _("Your changes are saved."))
                return redirect(updated)
    else:
        form = SignalForm(membership=request.membership, signal=signal)
        formset = source_formset(signal=signal)
    return render(
        request,
        FORM_TEMPLATE,
        {"form": form, "formset": formset, "signal": signal, "conflict": conflict},
    )


@organization_required("log_signals")
@require_GET
def source_row(request):
    """One more empty source row for the form (htmx), and the formset's new total."""
    formset = source_formset()
    try:
        index = int(request.GET.get("sources-TOTAL_FORMS", ""))
    except ValueError:
        index = 1
    if not 0 < index < MAX_SOURCES:
        return HttpResponse("")
    form = formset.empty_form
    form.prefix = formset.add_prefix(index)
    form.fields["url"].widget.attrs["autofocus"] = True
    return render(
        request,
        f"{FORM_TEMPLATE}#source_row_added",
        {"source_form": form, "number": index + 1, "total": index + 1},
    )


@organization_required("log_signals")
@require_GET
def suggest_title_view(request):
    """Quick capture: the page's title for the pasted address, offered with a "Use this title"
    button (static/js/spaning.js), or an empty fragment. The title field itself is never
    touched here: only the user's click puts the suggestion in it.

    Only the form's own htmx request is answered: the server fetches the address, and another
    site must not make a signed-in scanner's browser have us fetch anything."""
    if not (request.htmx and is_same_origin(request)):
        return HttpResponseBadRequest()
    url = (request.GET.get("url") or request.GET.get("sources-0-url") or "").strip()
    suggestion = suggest_title(url) if url else ""
    if not suggestion:
        return HttpResponse("")
    return render(request, f"{FORM_TEMPLATE}#title_suggestion", {"suggestion": suggestion})


def _offer_title_suggestion(formset, organization) -> None:
    first = formset.forms[0]
    first.fields["url"].widget.attrs.update(
        {
            "hx-get": reverse("signals:suggest_title", args=[organization.slug]),
            "hx-trigger": "change, input changed delay:700ms",
            "hx-target": "#title-suggestion",
            "hx-sync": "this:replace",
        }
    )


def _differences(current: Signal, yours: dict, your_sources) -> list[dict]:
    """The fields where the saved signal now differs from what the user tried to save."""
    mine = dict(yours)
    differing = []
    for name, value in mine.items():
        theirs = getattr(current, name, None)
        if name == "area":
            same = (value.pk if value else None) == current.area_id
        elif name == "trends":
            same = {t.pk for t in value} == {t.pk for t in current.trends.all()}
        elif name == "tags":
            same = {n.casefold() for n in value} == {t.name.casefold() for t in current.tags.all()}
        else:
            same = (value or "") == (theirs or "")
        if not same:
            differing.append(field_item(current, name))
    saved_sources = [(s.url, s.name, s.published_on) for s in current.sources.all()]
    if saved_sources != [(s.url, s.name, s.published_on) for s in your_sources]:
        differing.append(field_item(current, "sources"))
    return differing


# --- detail and inline editing ------------------------------------------------------------


def field_item(signal: Signal, name: str, labels: dict | None = None) -> dict:
    """What the detail page shows for one field (``display.item``), and whether it may be
    edited there."""
    item = display.item(signal, name, labels)
    item["editable"] = name != "status" or signal.status in EDITABLE_STATUSES
    return item


def _last_change(signal: Signal):
    return signal.history.select_related("history_user").first()


def _inline_form_context(form: SignalForm, field: str) -> dict:
    """The bound field the inline form shows, focused when it appears."""
    bound = form[field]
    if not bound.use_fieldset:
        form.fields[field].widget.attrs["autofocus"] = True
    return {"form": form, "bound": bound}


def _detail_context(request, signal: Signal, *, editing=None, form=None, conflict=None):
    labels = display.labels(signal.organization)
    items = [field_item(signal, name, labels) for name in INLINE_FIELDS]
    context = {
        "signal": signal,
        "title_item": items[0],
        "items": items[1:],
        "editing": editing,
        "conflict": conflict,
        "last_change": _last_change(signal),
        "can_edit": request.membership.can("log_signals"),
    }
    if editing:
        context.update(_inline_form_context(form, editing))
    return context


@organization_required("view_signals")
@require_GET
def signal_detail(request, pk: int):
    signal = _get_signal(request, pk)
    return render(request, DETAIL_TEMPLATE, _detail_context(request, signal))


@organization_required("log_signals")
@require_GET
def signal_field(request, pk: int, field: str):
    """One field as shown on the detail page: where "Cancel" on an inline form goes back to."""
    if field not in INLINE_FIELDS:
        raise Http404
    signal = _get_signal(request, pk)
    if not request.htmx:
        return redirect(signal)
    context = {"signal": signal, "item": field_item(signal, field), "can_edit": True, "focus": True}
    return render(request, f"{DETAIL_TEMPLATE}#field_display", context)


@organization_required("log_signals")
@require_http_methods(["GET", "POST"])
def signal_edit_field(request, pk: int, field: str):
    """Edit one field in place. GET: its form; POST: save it, carrying the version the form
    was opened at, and show the field again (or the form with errors or a conflict)."""
    if field not in INLINE_FIELDS:
        raise Http404
    signal = _get_signal(request, pk)
    if field == "status" and signal.status not in EDITABLE_STATUSES:
        raise Http404
    conflict = None
    if request.method == "GET":
        form = SignalForm(membership=request.membership, signal=signal, only=[field])
    else:
        form = SignalForm(request.POST, membership=request.membership, signal=signal, only=[field])
        if form.is_valid():
            try:
                updated = signal_update(
                    signal=signal,
                    user=request.user,
                    expected_version=form.cleaned_data["version"],
                    **form.changes(),
                )
            except SignalConflict:
                signal = _get_signal(request, pk)
                conflict = field_item(signal, field)
                data = request.POST.copy()
                data["version"] = str(signal.version)
                form = SignalForm(data, membership=request.membership, signal=signal, only=[field])
            except ValidationError as exc:
                attach_errors(exc, form, None)
            else:
                if not request.htmx:
                    messages.success(request, _("Your change is saved."))
                    return redirect(updated)
                context = {
                    "signal": updated,
                    "item": field_item(updated, field),
                    "can_edit": True,
                    "focus": True,
                    "new_version": updated.version,
                    # Only forms opened at the version this save replaced may move on with it:
                    # one opened earlier may predate a colleague's change to its field.
                    "replaced_version": form.cleaned_data["version"],
                    "last_change": _last_change(updated),
                }
                return render(request, f"{DETAIL_TEMPLATE}#field_saved", context)
    if request.htmx:
        context = {
            "signal": signal,
            "item": field_item(signal, field),
            "conflict": conflict,
            **_inline_form_context(form, field),
        }
        return render(request, f"{DETAIL_TEMPLATE}#field_form", context)
    context = _detail_context(request, signal, editing=field, form=form, conflict=conflict)
    return render(request, DETAIL_TEMPLATE, context)


# --- archive, restore, history --------------------------------------------------------------


@organization_required("log_signals")
@require_POST
def signal_archive_view(request, pk: int):
    signal = signal_archive(signal=_get_signal(request, pk), user=request.user)
    messages.success(
        request,
        _("“%(title)s” is archived. It stays here, and you can restore it at any time.")
        % {"title": signal.title},
    )
    return redirect(signal)


@organization_required("log_signals")
@require_POST
def signal_restore_view(request, pk: int):
    signal = signal_restore(signal=_get_signal(request, pk), user=request.user)
    messages.success(
        request,
        _("“%(title)s” is restored as %(status)s.")
        % {"title": signal.title, "status": display.text(signal, "status").lower()},
    )
    return redirect(signal)


@organization_required("view_signals")
@require_GET
def signal_history_view(request, pk: int):
    """The signal's changes. Those who may not see drafts (management, staff) see it only from
    when it was logged: how it read as a draft is the scanning group's working material."""
    signal = _get_signal(request, pk)
    entries = signal_history(
        signal,
        display.labels(signal.organization),
        include_drafts=Status.DRAFT in visible_statuses(request.membership),
    )
    return render(
        request,
        "signals/history.html",
        {"signal": signal, "entries": entries, "archived": signal.status == Status.ARCHIVED},
    )
