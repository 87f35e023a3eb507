"""The triage queue: what the organisation's feeds brought in, decided one item (or a
selection) at a time: promote to a signal, dismiss, undo a dismissal.

Every view needs the "triage" capability and reads items through ``visible_triage_items``, so
another organisation's item is a 404. With htmx a decision swaps only what changed (the row
leaves, the status region says what happened with an Undo button); without JavaScript the
same forms post, and the queue comes back with a message.
"""

from urllib.parse import unquote, urlencode, urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import push_url

from core.forms import attach_errors
from core.lib.ids import parse_id
from organizations.access import get_visible_or_404, organization_required
from organizations.people import MemberNames
from signals.forms import SignalForm, SourceFormSet, source_formset
from signals.models import Signal
from signals.selectors import similar_signals
from signals.services import MAX_DESCRIPTION_LENGTH

from ..models import TriageItem, TriageState
from ..queue_forms import QueueFilterForm, ShortcutForm
from ..selectors import (
    DISMISSED_SHOWN,
    WAITING_COUNT_LIMIT,
    Cursor,
    hidden_waiting_count,
    queue_page,
    recently_dismissed,
    shortcuts_on,
    waiting_count,
)
from ..triage_services import (
    ITEM_GONE,
    ItemAlreadyDecided,
    ItemGone,
    ItemNotUndoable,
    item_dismiss,
    item_promote,
    item_undo,
    items_dismiss,
    shortcuts_set,
)
from ..visibility import visible_triage_items

QUEUE_TEMPLATE = "scanning/queue.html"
PROMOTE_TEMPLATE = "scanning/queue_promote.html"


# --- the queue ------------------------------------------------------------------------------


def _cursor(data) -> Cursor | None:
    return Cursor.parse(data.get("before")) or Cursor.parse(data.get("after"), newer=True)


def http_link(url: str) -> str:
    """The address if it is a web address, else nothing: a feed is someone else's text, and a
    javascript: link in it must never become a link on our page."""
    return url if urlsplit(url or "").scheme.lower() in ("http", "https") else ""


def _queue_context(request, data) -> dict:
    """The list as ``data`` (the query string, or the filters an htmx POST carried) asks."""
    form = QueueFilterForm(data, membership=request.membership)
    cursor = _cursor(data)
    page = queue_page(request.membership, form.filters, cursor)
    for item in page.items:
        item.source_url = http_link(item.entry.link)
    params = form.params
    place = QueryDict(mutable=True)
    if cursor is not None:
        place["after" if cursor.newer else "before"] = cursor.token()
    queue_url = reverse("scanning:queue", args=[request.organization.slug])
    here = params.copy()
    here.update(place)
    # Only for the empty queue: why it is empty, if rules hide what would be there.
    hidden = (
        hidden_waiting_count(request.membership)
        if not page.items and cursor is None and not form.filters
        else 0
    )
    return {
        "hidden": hidden,
        "form": form,
        "filters": form.filters,
        "params": params,
        "place": place,
        "page": page,
        "items": page.items,
        "waiting": waiting_count(request.membership),
        "waiting_limit": WAITING_COUNT_LIMIT,
        "queue_url": queue_url,
        # This list's own address (its filters and page), where a decision made from it
        # returns: also after htmx has swapped in a list the page was not loaded with.
        "here": queue_url + (f"?{here.urlencode()}" if here else ""),
    }


@organization_required("triage")
@require_GET
def queue(request):
    context = _queue_context(request, request.GET)
    results_only = bool(request.htmx) and not request.htmx.history_restore_request
    if results_only:
        context["oob"] = True
        if request.htmx.trigger == "queue-filters":
            # Filtering changes the list without a page load: said in the status region too,
            # so that a screen reader hears what the filters found (WCAG 4.1.3).
            context.update({"status_oob": True, "text": _filtered_text(context)})
        response = render(request, f"{QUEUE_TEMPLATE}#results", context)
        push_url(response, context["here"])
    else:
        context["shortcuts_on"] = shortcuts_on(request.user)
        response = render(request, QUEUE_TEMPLATE, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _filtered_text(context: dict) -> str:
    """What the filters found, in a sentence: how many items, or that none match."""
    items, page = context["items"], context["page"]
    if not context["filters"]:
        return _("The whole queue is shown.")
    if not items:
        return _("No items in the queue match these filters.")
    if page.older is None:
        return ngettext(
            "%(count)d item matches the filters.", "%(count)d items match the filters.", len(items)
        ) % {"count": len(items)}
    return ngettext(
        "The first matching item is shown; there are more.",
        "The first %(count)d matching items are shown; there are more.",
        len(items),
    ) % {"count": len(items)}


def _queue_place(request) -> str:
    """The queue page a decision was made from (its filters and page), as its form or link
    said (``next``); the queue's first page if it said none, or somewhere else."""
    queue_url = reverse("scanning:queue", args=[request.organization.slug])
    target = request.POST.get("next") or request.GET.get("next", "")
    if (
        isinstance(target, str)
        and target.startswith(queue_url)
        and not _dot_segments(target)
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        return target
    return queue_url


def _dot_segments(target: str) -> bool:
    """Whether the path climbs out of where it starts ("/org/scanning/../../admin/"), as a
    browser would resolve it, percent-encoded dots included."""
    path = unquote(urlsplit(target).path)
    return any(segment in (".", "..") for segment in path.split("/"))


def _back_to_queue(request):
    """Where a decision made without JavaScript returns: the queue page the form was on."""
    return redirect(_queue_place(request))


def _get_item(request, pk: int) -> TriageItem:
    items = visible_triage_items(request.membership).select_related("entry", "decided_by")
    return get_visible_or_404(items, pk=pk)


def decided_message(request, item: TriageItem) -> str:
    """Why the item is no longer there to decide: who took it, and where it went."""
    if item.decided_by_id == request.user.pk:
        who = _("You")
    elif item.decided_by is not None:
        who = MemberNames(request.membership)(item.decided_by)
    else:
        who = _("Someone")
    if item.state == TriageState.PROMOTED and item.signal_id:
        url = reverse("signals:detail", args=[request.organization.slug, item.signal_id])
        return format_html(
            _("{who} already promoted this item: {link}"),
            who=who,
            link=format_html('<a href="{}">{}</a>', url, _("see the signal")),
        )
    if item.state == TriageState.DISMISSED:
        return format_html(_("{who} already dismissed this item."), who=who)
    return str(ITEM_GONE)


def _status(request, context: dict, *, template_part: str = "status", status: int = 200):
    """An htmx answer: the status region (and the count) swapped out of band, nothing else
    (the row it came from is removed by its own swap)."""
    context = {
        "waiting": waiting_count(request.membership),
        "waiting_limit": WAITING_COUNT_LIMIT,
        **context,
    }
    return render(request, f"{QUEUE_TEMPLATE}#{template_part}", context, status=status)


@organization_required("triage")
@require_POST
def dismiss(request, pk: int):
    try:
        item = _get_item(request, pk)
    except Http404:
        if not request.htmx:
            raise
        # Gone before this request (its feed removed in another tab, say): still a 404, but
        # one that says so in the status region and takes the row away (static/js/triage.js
        # swaps it), rather than an error htmx drops while the row stays and d does nothing.
        return _status(request, {"text": str(ITEM_GONE)}, status=404)
    try:
        item_dismiss(item=item, user=request.user)
    except ItemAlreadyDecided as decided:
        return _not_dismissed(request, decided_message(request, decided.item))
    except ItemGone:
        return _not_dismissed(request, str(ITEM_GONE))
    if request.htmx:
        return _status(request, {"dismissed": [item]})
    messages.success(request, _dismissed_with_undo(request, [item]))
    return _back_to_queue(request)


def _not_dismissed(request, text: str):
    if request.htmx:
        return _status(request, {"text": text})
    messages.warning(request, text)
    return _back_to_queue(request)


@organization_required("triage")
@require_POST
def dismiss_selected(request):
    ids = [pk for pk in map(parse_id, request.POST.getlist("items")) if pk is not None]
    chosen = list(
        visible_triage_items(request.membership).filter(pk__in=ids).select_related("entry")
    )
    done = set(items_dismiss(items=chosen, user=request.user))
    dismissed = [item for item in chosen if item.pk in done]
    skipped = len(chosen) - len(dismissed)
    if request.htmx:
        context = _queue_context(request, request.POST)
        context.update(
            {"oob": True, "dismissed": dismissed, "skipped": skipped, "status_oob": True}
        )
        if not chosen:
            context["text"] = _("Select the items to dismiss first.")
        return render(request, f"{QUEUE_TEMPLATE}#results", context)
    if dismissed:
        messages.success(request, _dismissed_with_undo(request, dismissed))
    if skipped:
        messages.warning(request, _skipped_text(skipped))
    if not chosen:
        messages.info(request, _("Select the items to dismiss first."))
    return _back_to_queue(request)


def _skipped_text(count: int) -> str:
    return ngettext(
        "%(count)d item was already decided by someone else.",
        "%(count)d items were already decided by someone else.",
        count,
    ) % {"count": count}


def _dismissed_with_undo(request, items: list[TriageItem]) -> str:
    """The message after a dismissal without JavaScript: what left, and an Undo form."""
    context = {"dismissed": items, "next": request.POST.get("next", "")}
    return render_to_string(f"{QUEUE_TEMPLATE}#dismissed", context, request)


@organization_required("triage")
@require_POST
def undo(request):
    ids = [pk for pk in map(parse_id, request.POST.getlist("items")) if pk is not None]
    items = list(
        visible_triage_items(request.membership).filter(pk__in=ids).select_related("entry")
    )
    restored, refused = [], []
    for item in items:
        try:
            restored.append(item_undo(item=item, user=request.user))
        except ItemNotUndoable as exc:
            refused.append(decided_message(request, exc.item))
        except ItemGone:
            refused.append(str(ITEM_GONE))
    if request.htmx:
        context = _queue_context(request, request.POST)
        context.update({"oob": True, "status_oob": True, "restored": restored, "refused": refused})
        return render(request, f"{QUEUE_TEMPLATE}#results", context)
    if restored:
        messages.success(request, _restored_text(restored))
    for text in refused:
        messages.warning(request, text)
    return _back_to_queue(request)


@organization_required("triage")
@require_GET
def dismissed(request):
    """The latest dismissals, each with "Put back in the queue" (``undo``): the way back to a
    dismissal made before the last one."""
    items = recently_dismissed(request.membership)
    names = MemberNames(request.membership)
    for item in items:
        item.source_url = http_link(item.entry.link)
        item.decided_by_name = (
            pgettext("dismissed by", "you")
            if item.decided_by_id == request.user.pk
            else names(item.decided_by) or pgettext("dismissed by", "someone")
        )
    return render(
        request,
        "scanning/dismissed.html",
        {"items": items, "here": request.get_full_path(), "limit": DISMISSED_SHOWN},
    )


def _restored_text(items: list[TriageItem]) -> str:
    if len(items) == 1:
        return format_html(_("“{title}” is back in the queue."), title=items[0].entry.title)
    return ngettext(
        "%(count)d item is back in the queue.", "%(count)d items are back in the queue.", len(items)
    ) % {"count": len(items)}


# --- promote ----------------------------------------------------------------------------------


def _signal_initial(item: TriageItem) -> dict:
    """The signal form as the entry fills it: only the motivation is left to write."""
    entry, subscription = item.entry, item.subscription
    title_length = Signal._meta.get_field("title").max_length
    return {
        "title": (entry.title or entry.link)[:title_length],
        "description": entry.summary_text[:MAX_DESCRIPTION_LENGTH],
        "level": subscription.level if subscription else "",
        "area": subscription.area_id if subscription else None,
    }


def _source_initial(item: TriageItem) -> dict:
    entry = item.entry
    return {
        "url": entry.link,
        "name": item.subscription.name if item.subscription else entry.feed.title,
        "published_on": timezone.localdate(entry.published_at) if entry.published_at else None,
    }


@organization_required("triage")
@require_http_methods(["GET", "POST"])
def promote(request, pk: int):
    items = visible_triage_items(request.membership).select_related(
        "entry__feed", "subscription", "decided_by"
    )
    item = get_visible_or_404(items, pk=pk)
    slug = request.organization.slug
    back = _queue_place(request)
    context = {
        "item": item,
        "form_action": reverse("scanning:promote", args=[slug, item.pk])
        + f"?{urlencode({'next': back})}",
        "cancel_url": back,
        "source_url": http_link(item.entry.link),
        "signal": None,
        "conflict": None,
    }
    if item.state != TriageState.NEW:
        context["decided"] = decided_message(request, item)
        return render(request, PROMOTE_TEMPLATE, context)
    if request.method == "POST":
        form = SignalForm(request.POST, membership=request.membership)
        formset = source_formset(data=request.POST)
        if form.is_valid() & formset.is_valid():  # both, so every error shows at once
            try:
                signal = item_promote(
                    item=item, user=request.user, sources=formset.sources(), **form.changes()
                )
            except ItemAlreadyDecided as exc:
                context["decided"] = decided_message(request, exc.item)
                return render(request, PROMOTE_TEMPLATE, context)
            except ItemGone:
                context["decided"] = str(ITEM_GONE)
                return render(request, PROMOTE_TEMPLATE, context)
            except ValidationError as exc:
                attach_errors(exc, form, formset)
            else:
                # Back to triage where the reader was, the signal a link away.
                messages.success(
                    request,
                    format_html(
                        _("“{title}” is logged as a signal ({link}) and has left the queue."),
                        title=signal.title,
                        link=format_html(
                            '<a href="{}">{}</a>', signal.get_absolute_url(), _("see the signal")
                        ),
                    ),
                )
                return redirect(back)
    else:
        form = SignalForm(membership=request.membership, initial=_signal_initial(item))
        formset = SourceFormSet(prefix="sources", form_kwargs={"initial": _source_initial(item)})
        # Put the cursor where the writing is: everything else is filled in.
        form.fields["motivation"].widget.attrs["autofocus"] = True
    context.update(
        {
            "form": form,
            "formset": formset,
            "similar": similar_signals(
                request.membership, urls=[item.entry.link], title=item.entry.title
            ),
        }
    )
    return render(request, PROMOTE_TEMPLATE, context)


# --- the member's shortcut setting ------------------------------------------------------------


@organization_required("triage")
@require_POST
def shortcuts(request):
    form = ShortcutForm(request.POST)
    on = form.is_valid() and form.cleaned_data["keyboard_shortcuts"]
    shortcuts_set(user=request.user, on=on)
    if on:
        messages.success(request, _("Single-key shortcuts are on. Press ? to list them."))
    else:
        messages.success(
            request,
            _("Single-key shortcuts are off. You can turn them on again below the queue."),
        )
    return _back_to_queue(request)
