"""Reading discussions: the forum overview, a thread's comments, the discussion of a report or a
signal, and a person's notifications. Everything starts from the visibility rules."""

from functools import reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Prefetch, QuerySet

from core.lib.compiled import compiled_rows
from organizations.models import Membership

from .models import Comment, Notification, Theme, Thread, ThreadKind
from .visibility import visible_comments, visible_notifications, visible_themes, visible_threads

# The forum overview shows this many discussions a page.
PAGE_SIZE = 25


def forum_threads(
    membership: Membership, *, kind: str = "", theme: Theme | None = None
) -> QuerySet[Thread]:
    """Open and closed discussions, pinned first, then by latest activity."""
    threads = visible_threads(membership).select_related("theme", "report_cycle", "signal")
    if kind in ThreadKind.values:
        threads = threads.filter(kind=kind)
    if theme is not None:
        threads = threads.filter(theme=theme)
    return threads.order_by(F("pinned_at").desc(nulls_last=True), "-last_activity_at", "-pk")


def latest_threads(membership: Membership, count: int = 3) -> list[Thread]:
    """The discussions with the latest activity (for the start page)."""
    threads = visible_threads(membership).filter(closed_at__isnull=True)
    return list(threads.order_by("-last_activity_at", "-pk")[:count])


def themes_with_counts(membership: Membership) -> list[Theme]:
    return list(visible_themes(membership).order_by("name"))


def followed_theme_ids(membership: Membership) -> set[int]:
    return set(
        visible_themes(membership)
        .filter(follows__user_id=membership.user_id)
        .values_list("pk", flat=True)
    )


def thread_comments(membership: Membership, thread: Thread) -> list[Comment]:
    """The thread's comments in order, each with ``reply_list`` (its replies in order) and
    ``mentioned`` (the usernames it notified, lower-cased): two queries, however many there
    are."""
    people = get_user_model().objects.only("pk", "username")
    comments = list(
        visible_comments(membership)
        .filter(thread=thread)
        .select_related("author", "hidden_by")
        .prefetch_related(Prefetch("mentions", queryset=people, to_attr="mention_list"))
        .order_by("created_at", "pk")
    )
    replies: dict[int, list[Comment]] = {}
    for comment in comments:
        comment.mentioned = {person.get_username().lower() for person in comment.mention_list}
        if comment.parent_id is not None:
            replies.setdefault(comment.parent_id, []).append(comment)
    top = [comment for comment in comments if comment.parent_id is None]
    for comment in top:
        comment.reply_list = replies.get(comment.pk, [])
    return top


def discussion_of(membership: Membership, *, report_cycle=None, signal=None) -> Thread | None:
    """The discussion of a report or a signal, if there is one the member may read."""
    threads = visible_threads(membership)
    if report_cycle is not None:
        return threads.filter(report_cycle=report_cycle).first()
    if signal is not None:
        return threads.filter(signal=signal).first()
    return None


def _notifications(user, memberships) -> QuerySet[Notification]:
    """The person's notifications in the organisations they still belong to."""
    mine = [visible_notifications(m) for m in memberships if m.user_id == user.pk]
    if not mine:
        return Notification.objects.none()
    return reduce(or_, mine)


def unread_count(user, memberships) -> int:
    """How many of the person's notifications are unread. Every page's header asks, so the
    query is compiled once per person and set of organisations (``core.lib.compiled``: its
    SQL follows from nothing else): building and compiling it cost more than the count. It
    counts per organisation (a notification is in one) and adds the counts up."""
    organizations = tuple(m.organization_id for m in memberships if m.user_id == user.pk)
    if not organizations:
        return 0

    def build() -> QuerySet:
        unread = _notifications(user, memberships).filter(read_at__isnull=True)
        return unread.order_by().values("organization_id").annotate(n=Count("*")).values_list("n")

    key = ("unread_notifications", user.pk, organizations)
    return sum(n for (n,) in compiled_rows(Notification._default_manager.db, key, build))


# The notifications page shows this many a page, newest first.
NOTIFICATIONS_PAGE_SIZE = 50


def notifications_list(user, memberships) -> QuerySet[Notification]:
    """Every notification of the person, newest first, ready to be described and linked: page
    it (``NOTIFICATIONS_PAGE_SIZE``)."""
    return (
        _notifications(user, memberships)
        .select_related("thread__theme", "thread__organization", "actor", "comment")
        .order_by("-created_at", "-pk")
    )


def notification_of(user, memberships, pk: int) -> Notification | None:
    """One of the person's notifications, ready to be opened, or None."""
    return (
        _notifications(user, memberships)
        .select_related("thread__organization", "comment")
        .filter(pk=pk)
        .first()
    )
