"""The forum: every discussion of the organisation by latest activity, opening a new one, the
themes to follow, and a moderator closing, reopening and pinning a discussion."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import attach_errors
from core.lib.ids import parse_id
from organizations.access import get_visible_or_404, organization_required
from reports.visibility import visible_report_cycles
from signals.visibility import visible_signals

from ..forms import ThemeThreadForm, ThreadForm
from ..models import ThreadKind
from ..selectors import PAGE_SIZE, followed_theme_ids, forum_threads, themes_with_counts
from ..services import (
    existing_thread,
    theme_follow,
    theme_unfollow,
    thread_close,
    thread_open,
    thread_pin,
    thread_reopen,
    thread_unpin,
)
from ..visibility import visible_themes
from .common import base_url, get_thread


@organization_required("discuss")
@require_GET
def forum(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in ThreadKind.values else ""
    themes = themes_with_counts(request.membership)
    theme_id = parse_id(request.GET.get("theme"))
    theme = next((t for t in themes if t.pk == theme_id), None)
    threads = forum_threads(request.membership, kind=kind, theme=theme)
    page = Paginator(threads, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "kind": kind,
        "kinds": ThreadKind.choices,
        "theme": theme,
        "themes": themes,
        "followed": followed_theme_ids(request.membership),
    }
    return render(request, "discussions/forum.html", context)


def _subject(request):
    """What the new discussion is about, from ``?report=<cycle>`` or ``?signal=<id>`` (on the
    form's query string, so the form posts back to the same subject); neither: a theme."""
    source = request.GET
    cycle_id = parse_id(source.get("report"))
    if "report" in source:
        cycles = visible_report_cycles(request.membership)
        return {"report_cycle": get_visible_or_404(cycles, pk=cycle_id or 0)}
    if "signal" in source:
        signal_id = parse_id(source.get("signal"))
        return {
            "signal": get_visible_or_404(visible_signals(request.membership), pk=signal_id or 0)
        }
    return {}


def _default_title(subject: dict) -> str:
    if "report_cycle" in subject:
        month = formats.date_format(subject["report_cycle"].month, "F Y")
        return _("The horizon scanning report for %(month)s") % {"month": month}
    if "signal" in subject:
        return subject["signal"].title
    return ""


@organization_required("open_threads")
@require_http_methods(["GET", "POST"])
def thread_new(request):
    subject = _subject(request)
    already = existing_thread(**subject) if subject else None
    if already is not None:
        messages.info(request, _("This already has a discussion: here it is."))
        return redirect("discussions:thread", request.organization.slug, already.pk)
    themes = visible_themes(request.membership).order_by("name")
    form_class = ThreadForm if subject else ThemeThreadForm
    extra = {} if subject else {"themes": themes}
    if request.method == "GET":
        initial = {"title": _default_title(subject)}
        if not subject:
            initial["theme"] = parse_id(request.GET.get("theme"))
        form = form_class(initial=initial, **extra)
    else:
        form = form_class(request.POST, **extra)
        if form.is_valid():
            data = form.cleaned_data
            try:
                thread = thread_open(
                    membership=request.membership,
                    title=data["title"],
                    body=data["body"],
                    theme=data.get("theme"),
                    theme_name=data.get("theme_name", ""),
                    base_url=base_url(request),
                    **subject,
                )
            except ValidationError as refused:
                attach_errors(refused, form)
            else:
                messages.success(
                    request, _("The discussion is open. Everyone who may read it can comment.")
                )
                return redirect("discussions:thread", request.organization.slug, thread.pk)
    context = {"form": form, "subject": subject, "query": request.GET.urlencode()}
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "discussions/thread_new.html", context, status=status)


def _moderate(request, pk: int, service, message: str):
    thread = get_thread(request, pk)
    try:
        service(membership=request.membership, thread=thread)
    except ValidationError as refused:
        for text in refused.messages:
            messages.error(request, text)
    else:
        messages.success(request, message)
    return redirect("discussions:thread", request.organization.slug, thread.pk)


@organization_required("moderate_discussions")
@require_POST
def close(request, pk: int):
    return _moderate(request, pk, thread_close, _("The discussion is closed."))


@organization_required("moderate_discussions")
@require_POST
def reopen(request, pk: int):
    return _moderate(request, pk, thread_reopen, _("The discussion is open again."))


@organization_required("moderate_discussions")
@require_POST
def pin(request, pk: int):
    return _moderate(
        request, pk, thread_pin, _("The discussion is pinned to the top of the forum.")
    )


@organization_required("moderate_discussions")
@require_POST
def unpin(request, pk: int):
    return _moderate(request, pk, thread_unpin, _("The discussion is no longer pinned."))


@organization_required("discuss")
@require_POST
def follow(request, pk: int):
    theme = get_visible_or_404(visible_themes(request.membership), pk=pk)
    if request.POST.get("follow") == "0":
        theme_unfollow(membership=request.membership, theme=theme)
        messages.success(request, _("You no longer follow “%(theme)s”.") % {"theme": theme.name})
    else:
        theme_follow(membership=request.membership, theme=theme)
        messages.success(
            request,
            _("You follow “%(theme)s”: you are told of each new discussion on it.")
            % {"theme": theme.name},
        )
    return redirect(
        f"{redirect('discussions:forum', request.organization.slug).url}?theme={theme.pk}"
    )
