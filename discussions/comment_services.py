"""Comments: posting, replying, editing, deleting, and hiding them as a moderator.

Every rule is checked here for every caller: the member belongs to the thread's organisation,
the thread is open, the text is neither empty nor too long, one person posts at most
``DISCUSSIONS_COMMENTS_PER_MINUTE`` comments a minute, a comment is edited only by its author
and only for ``DISCUSSIONS_EDIT_MINUTES``. The thread's count and latest activity are kept
here too, in the same transaction as the comment.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.lib.text import strip_bidi_controls
from organizations.models import Membership

from . import notification_services
from .mentions import mentioned_usernames
from .models import HIDE_REASON_MAX_LENGTH, Comment, Thread
from .services import NOT_MEMBER, NOT_MODERATOR, require, require_same_organization

EMPTY = _("Write something before you post.")
TOO_LONG = _(
    "A comment can be at most %(max)d characters; this one has %(count)d. Shorten it, or split "
    "it in two."
)
CLOSED = _("This discussion is closed: no new comments or changes.")
TOO_MANY = ngettext_lazy(
    "You have posted %(count)d comment in the last minute. Wait a moment and post again: "
    "your text is kept below.",
    "You have posted %(count)d comments in the last minute. Wait a moment and post again: "
    "your text is kept below.",
    "count",
)
NOT_AUTHOR = _("Only the person who wrote a comment can change or delete it.")
EDIT_TIME_OVER = _(
    "A comment can be edited for %(minutes)d minutes after it is posted. Post a new comment "
    "instead."
)
GONE = _("This comment has been deleted or hidden, so it cannot be changed.")
PARENT_GONE = _("The comment you replied to has been deleted or hidden.")
WRONG_PARENT = _("The comment you replied to is not in this discussion.")
REASON_REQUIRED = _("Say why the comment is hidden: its author will read the reason.")
REASON_TOO_LONG = _("The reason can be at most %(max)d characters.")
NOT_HIDDEN = _("This comment is not hidden.")

# Unicode's line and paragraph separators and C0 controls other than tab and newline: nothing
# anyone types on purpose, and some of them confuse e-mail and terminals.
_CONTROLS = dict.fromkeys([*range(9), 11, 12, *range(14, 32), 127, 0x2028, 0x2029])


def _clean(body: str) -> str:
    text = strip_bidi_controls(body or "").replace("\r\n", "\n").translate(_CONTROLS).strip()
    if not text:
        raise ValidationError({"body": [EMPTY]})
    limit = settings.DISCUSSIONS_COMMENT_MAX_LENGTH
    if len(text) > limit:
        raise ValidationError({"body": [TOO_LONG % {"max": limit, "count": len(text)}]})
    return text


def _require_open(thread: Thread) -> None:
    if thread.closed_at is not None:
        raise ValidationError({"__all__": [CLOSED]})


def _require_pace(user) -> None:
    limit = settings.DISCUSSIONS_COMMENTS_PER_MINUTE
    since = timezone.now() - timedelta(minutes=1)
    recent = Comment.objects.filter(author=user, created_at__gte=since).count()
    if recent >= limit:
        raise ValidationError({"body": [TOO_MANY % {"count": recent}]})


def _mentioned_members(membership: Membership, text: str) -> list:
    """The accepted, active members of the organisation the text mentions (not the author)."""
    names = mentioned_usernames(text)
    if not names:
        return []
    users = (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__organization_id=membership.organization_id,
            memberships__accepted_at__isnull=False,
        )
        .exclude(pk=membership.user_id)
    )
    by_name = {user.get_username().lower(): user for user in users.distinct()}
    return [by_name[name] for name in names if name in by_name]


def _count(thread: Thread, change: int, *, activity: bool = False) -> None:
    # Never below zero, even for a thread whose comments came from elsewhere (an import).
    fields: dict = {"comment_count": Greatest(F("comment_count") + change, 0)}
    if activity:
        fields["last_activity_at"] = timezone.now()
    Thread.objects.filter(pk=thread.pk).update(**fields)


def _locked_thread(thread: Thread) -> Thread:
    # Read again under a lock, so a moderator closing the thread and a comment arriving at
    # once cannot both win.
    return Thread.objects.select_for_update().get(pk=thread.pk)


@transaction.atomic
def comment_post(
    *,
    membership: Membership,
    thread: Thread,
    body: str,
    parent: Comment | None = None,
    base_url: str = "",
) -> Comment:
    """Post a comment, or a reply when ``parent`` is given (a reply to a reply joins the
    comment it answers: replies go one level deep). The author of the comment replied to and
    everyone mentioned are told."""
    require(membership, "discuss", NOT_MEMBER)
    require_same_organization(membership, thread)
    text = _clean(body)
    thread = _locked_thread(thread)
    _require_open(thread)
    if parent is not None:
        if parent.thread_id != thread.pk:
            raise ValidationError({"__all__": [WRONG_PARENT]})
        if parent.parent_id is not None:
            parent = parent.parent
        if parent is None or not parent.counts:
            raise ValidationError({"__all__": [PARENT_GONE]})
    _require_pace(membership.user)
    comment = Comment.objects.create(
        thread=thread, parent=parent, author=membership.user, body=text
    )
    mentioned = _mentioned_members(membership, text)
    comment.mentions.set(mentioned)
    _count(thread, +1, activity=True)
    notification_services.notify_comment(
        comment=comment, thread=thread, mentioned=mentioned, replied_to=parent, base_url=base_url
    )
    return comment


def _own(membership: Membership, comment: Comment) -> None:
    require_same_organization(membership, comment.thread)
    if comment.author_id != membership.user_id:
        raise ValidationError({"__all__": [NOT_AUTHOR]})
    if not comment.counts:
        raise ValidationError({"__all__": [GONE]})


def can_still_edit(comment: Comment, now=None) -> bool:
    """Whether its author may still edit the comment (the page offers "Edit" only then)."""
    now = now or timezone.now()
    window = timedelta(minutes=settings.DISCUSSIONS_EDIT_MINUTES)
    return comment.counts and now - comment.created_at <= window


@transaction.atomic
def comment_edit(
    *, membership: Membership, comment: Comment, body: str, base_url: str = ""
) -> Comment:
    """Change one's own comment within the editing time; it is then marked edited. Someone
    newly mentioned is told; those already told are not told again."""
    _own(membership, comment)
    text = _clean(body)
    thread = _locked_thread(comment.thread)
    _require_open(thread)
    if not can_still_edit(comment):
        raise ValidationError(
            {"__all__": [EDIT_TIME_OVER % {"minutes": settings.DISCUSSIONS_EDIT_MINUTES}]}
        )
    if text == comment.body:
        return comment
    comment.body = text
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    before = set(comment.mentions.values_list("pk", flat=True))
    mentioned = _mentioned_members(membership, text)
    comment.mentions.set(mentioned)
    new = [user for user in mentioned if user.pk not in before]
    notification_services.notify_comment(
        comment=comment, thread=thread, mentioned=new, replied_to=None, base_url=base_url
    )
    return comment


@transaction.atomic
def comment_delete(*, membership: Membership, comment: Comment) -> Comment:
    """Delete one's own comment. Its text goes for good; the replies under it stay, under a
    line saying a comment was deleted."""
    _own(membership, comment)
    comment.body = ""
    comment.deleted_at = timezone.now()
    comment.save(update_fields=["body", "deleted_at"])
    comment.mentions.clear()
    _count(comment.thread, -1)
    return comment


@transaction.atomic
def comment_hide(
    *, membership: Membership, comment: Comment, reason: str, base_url: str = ""
) -> Comment:
    """Hide a comment as a moderator, with a reason. Its author still sees it, with the
    reason, and is told; everyone else sees that a moderator hid a comment."""
    require(membership, "moderate_discussions", NOT_MODERATOR)
    require_same_organization(membership, comment.thread)
    reason = " ".join(strip_bidi_controls(reason or "").split())
    if not reason:
        raise ValidationError({"reason": [REASON_REQUIRED]})
    if len(reason) > HIDE_REASON_MAX_LENGTH:
        raise ValidationError({"reason": [REASON_TOO_LONG % {"max": HIDE_REASON_MAX_LENGTH}]})
    if not comment.counts:
        raise ValidationError({"__all__": [GONE]})
    comment.hidden_at = timezone.now()
    comment.hidden_by = membership.user
    comment.hidden_reason = reason
    comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    _count(comment.thread, -1)
    notification_services.notify_hidden(
        comment=comment, moderator=membership.user, base_url=base_url
    )
    return comment


@transaction.atomic
def comment_unhide(*, membership: Membership, comment: Comment) -> Comment:
    require(membership, "moderate_discussions", NOT_MODERATOR)
    require_same_organization(membership, comment.thread)
    if comment.hidden_at is None or comment.deleted_at is not None:
        raise ValidationError({"__all__": [NOT_HIDDEN]})
    comment.hidden_at = None
    comment.hidden_by = None
    comment.hidden_reason = ""
    comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    _count(comment.thread, +1)
    return comment
