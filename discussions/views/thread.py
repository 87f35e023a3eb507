"""A discussion's page, and everything done on it: commenting, replying, editing, deleting,
and a moderator hiding a comment.

Every change answers an htmx request with the ``discussion`` fragment (the comments and the
form) rendered afresh, so the page shows what is stored, in a constant number of queries. The
reply, edit, delete and hide forms open in place: ``?reply=<id>`` and friends, so the same
links work without JavaScript (the whole page, with that form open).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.forms import attach_errors, refused_form
from core.lib.ids import parse_id
from organizations.access import organization_required
from reports.visibility import visible_published_reports

from ..comment_services import (
    WRONG_PARENT,
    can_still_edit,
    comment_delete,
    comment_edit,
    comment_hide,
    comment_post,
    comment_unhide,
)
from ..forms import CommentForm, HideForm
from ..selectors import thread_comments
from ..visibility import visible_comments
from .common import base_url, get_comment, get_thread

TEMPLATE = "discussions/thread.html"
OPENERS = ("reply", "edit", "delete", "hide")


def _context(request, thread, *, opened: tuple[str, int] | None = None, form=None, focus=None):
    comments = thread_comments(request.membership, thread)
    me = request.user.pk
    now = timezone.now()
    everyone = [c for top in comments for c in (top, *top.reply_list)]
    action, target = opened or ("", None)
    action_form = form if action else None
    if action_form is not None:
        # Its field must not share an id with the new-comment form below it, nor its name.
        action_form.auto_id = "id_action_%s"
        if action == "reply":
            action_form.fields["body"].label = _("Your reply")
    return {
        "thread": thread,
        "comments": comments,
        "count": sum(1 for c in everyone if c.counts),
        "form": form if action == "" and form is not None else CommentForm(),
        "action": action,
        "target": target,
        "action_form": action_form,
        "editable": {c.pk for c in everyone if c.author_id == me and can_still_edit(c, now)},
        "can_moderate": request.membership.can("moderate_discussions"),
        "focus": focus,
    }


def _report(request, thread):
    """The current published version of a report's discussion's report, to link to."""
    if thread.report_cycle_id is None:
        return None
    reports = visible_published_reports(request.membership).defer("document")
    return reports.filter(cycle_id=thread.report_cycle_id, superseded_at__isnull=True).first()


def _respond(request, thread, *, status: int = 200, report=None, **kwargs):
    context = _context(request, thread, **kwargs)
    if report is None and not request.htmx:
        report = _report(request, thread)
    context["report"] = report
    if request.htmx:
        # htmx swaps only 2xx answers: a refusal is shown in the form, as the page would.
        return render(request, f"{TEMPLATE}#discussion", context)
    return render(request, TEMPLATE, context, status=status)


def _opened(request) -> tuple[str, int] | None:
    for action in OPENERS:
        pk = parse_id(request.GET.get(action))
        if pk is not None:
            return action, pk
    return None


@organization_required("discuss")
@require_GET
def thread_detail(request, pk: int):
    thread = get_thread(request, pk)
    opened = _opened(request)
    form = None
    if opened is not None:
        action, target = opened
        comment = thread_comment(request, thread, target)
        if comment is None:
            opened = None
        elif action == "hide":
            form = HideForm()
        elif action == "edit":
            form = CommentForm(initial={"body": comment.body})
        elif action == "reply":
            form = CommentForm()
            if comment.parent_id is not None:
                # Replies go one level deep: answering a reply adds to its comment's replies,
                # naming the person answered so they are told.
                opened = ("reply", comment.parent_id)
                if comment.author is not None:
                    form = CommentForm(initial={"body": f"@{comment.author.get_username()} "})
        else:
            form = CommentForm()
        if form is not None and "body" in form.fields:
            form.fields["body"].widget.attrs["autofocus"] = True
        elif form is not None:
            form.fields["reason"].widget.attrs["autofocus"] = True
    return _respond(request, thread, opened=opened, form=form, report=_report(request, thread))


def _refusal(form_class, refused: ValidationError, data=None):
    """The form as sent, carrying the service's refusal (on its field, or on the whole)."""
    return refused_form(form_class(data=data if data is not None else {}), refused)


def _done(request, thread, comment, message: str):
    if request.htmx:
        return _respond(request, thread, focus=comment.pk if comment else None)
    messages.success(request, message)
    url = redirect("discussions:thread", request.organization.slug, thread.pk).url
    return redirect(f"{url}#comment-{comment.pk}" if comment else url)


@organization_required("discuss")
@require_POST
def comment_create(request, pk: int):
    """A new comment, or a reply (``parent``)."""
    thread = get_thread(request, pk)
    form = CommentForm(request.POST)
    form.is_valid()
    parent = None
    opened = None
    if "parent" in request.POST:
        parent_id = parse_id(request.POST.get("parent"))
        parent = thread_comment(request, thread, parent_id)
        opened = ("reply", parent_id or 0)
        if parent is None:
            form.add_error(None, WRONG_PARENT)
            return _respond(request, thread, status=400, opened=opened, form=form)
    try:
        comment = comment_post(
            membership=request.membership,
            thread=thread,
            body=form.cleaned_data.get("body", ""),
            parent=parent,
            base_url=base_url(request),
        )
    except ValidationError as refused:
        attach_errors(refused, form)
        return _respond(request, thread, status=400, opened=opened, form=form)
    return _done(request, thread, comment, _("Your comment is posted."))


def thread_comment(request, thread, pk: int | None):
    """A comment of this thread that the member may read, or None."""
    if pk is None:
        return None
    comments = visible_comments(request.membership).select_related("parent")
    return comments.filter(thread=thread, pk=pk).first()


def _on_comment(request, pk: int, *, action: str, form_class, change, done: str):
    """One change to one comment: ``change(comment, data)`` calls the service with the form's
    data; a refusal reopens the action's form in place with the service's words."""
    comment = get_comment(request, pk)
    thread = get_thread(request, comment.thread_id)
    form = form_class(request.POST)
    form.is_valid()
    try:
        change(comment, form.cleaned_data)
    except ValidationError as refused:
        form = _refusal(form_class, refused, data=request.POST)
        return _respond(request, thread, status=400, opened=(action, comment.pk), form=form)
    return _done(request, thread, comment, done)


@organization_required("discuss")
@require_POST
def comment_change(request, pk: int):
    def change(comment, data):
        comment_edit(
            membership=request.membership,
            comment=comment,
            body=data.get("body", ""),
            base_url=base_url(request),
        )

    return _on_comment(
        request,
        pk,
        action="edit",
        form_class=CommentForm,
        change=change,
        done=_("Your comment is changed."),
    )


@organization_required("discuss")
@require_POST
def comment_remove(request, pk: int):
    def change(comment, data):
        comment_delete(membership=request.membership, comment=comment)

    return _on_comment(
        request,
        pk,
        action="delete",
        form_class=CommentForm,
        change=change,
        done=_("Your comment is deleted."),
    )


@organization_required("moderate_discussions")
@require_POST
def comment_hide_view(request, pk: int):
    def change(comment, data):
        comment_hide(
            membership=request.membership,
            comment=comment,
            reason=data.get("reason", ""),
            base_url=base_url(request),
        )

    return _on_comment(
        request,
        pk,
        action="hide",
        form_class=HideForm,
        change=change,
        done=_("The comment is hidden; its author is told why."),
    )


@organization_required("moderate_discussions")
@require_POST
def comment_unhide_view(request, pk: int):
    def change(comment, data):
        comment_unhide(membership=request.membership, comment=comment)

    return _on_comment(
        request,
        pk,
        action="hide",
        form_class=HideForm,
        change=change,
        done=_("The comment is shown again."),
    )
