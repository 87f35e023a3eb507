"""Notifications: who is told what, marking them read, the e-mail about one, and each person's
choice about e-mail.

A notification is made in the transaction of what caused it and only for someone who may read
the discussion (a mentioned member of staff is not told of a discussion about an unpublished
draft). Its e-mail is sent afterwards by a Celery task, never in the request, and at most once.
"""

import logging
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from core.lib.people import name_in_organization
from organizations.models import Membership

from .display import describe
from .models import (
    Comment,
    Notification,
    NotificationKind,
    NotificationSettings,
    ThemeFollow,
    Thread,
)
from .visibility import visible_threads

log = logging.getLogger(__name__)


def _readers(thread: Thread, user_ids) -> dict[int, Membership]:
    """Of the people given, those whose membership in the thread's organisation may read it."""
    memberships = Membership.objects.filter(
        organization_id=thread.organization_id,
        user_id__in=list(user_ids),
        accepted_at__isnull=False,
        user__is_active=True,
    ).select_related("organization")
    return {m.user_id: m for m in memberships if visible_threads(m).filter(pk=thread.pk).exists()}


def _make(*, recipient_id: int, kind: str, thread: Thread, comment=None, actor=None, base_url):
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                organization_id=thread.organization_id,
                recipient_id=recipient_id,
                kind=kind,
                thread=thread,
                comment=comment,
                actor=actor,
            )
    except IntegrityError:
        return None  # told already (the same comment, or the same new thread)
    from . import tasks  # the task calls this module

    tasks.send_notification_email.delay_on_commit(notification.pk, base_url)
    return notification


def notify_comment(
    *, comment: Comment, thread: Thread, mentioned: list, replied_to: Comment | None, base_url=""
) -> int:
    """Tell the people a new comment mentions, and the author of the comment it replies to.
    Someone both mentioned and replied to is told once. Returns how many were told."""
    actor = comment.author
    actor_id = comment.author_id
    wanted: dict[int, str] = {user.pk: NotificationKind.MENTION for user in mentioned}
    if replied_to is not None and replied_to.author_id and replied_to.author_id != actor_id:
        wanted.setdefault(replied_to.author_id, NotificationKind.REPLY)
    if actor_id is not None:
        wanted.pop(actor_id, None)
    if not wanted:
        return 0
    readers = _readers(thread, wanted)
    told = 0
    for user_id, kind in wanted.items():
        if user_id in readers:
            made = _make(
                recipient_id=user_id,
                kind=kind,
                thread=thread,
                comment=comment,
                actor=actor,
                base_url=base_url,
            )
            told += made is not None
    return told


def notify_theme_followers(*, thread: Thread, actor, base_url="") -> int:
    """Tell those who follow the thread's theme that it has a new discussion."""
    followers = ThemeFollow.objects.filter(theme=thread.theme).exclude(user=actor)
    told = 0
    for user_id in _readers(thread, followers.values_list("user_id", flat=True)):
        made = _make(
            recipient_id=user_id,
            kind=NotificationKind.NEW_THREAD,
            thread=thread,
            actor=actor,
            base_url=base_url,
        )
        told += made is not None
    return told


def notify_hidden(*, comment: Comment, moderator, base_url="") -> bool:
    """Tell a comment's author that a moderator hid it (the thread says why)."""
    if comment.author_id is None or comment.author_id == moderator.pk:
        return False
    thread = comment.thread
    if comment.author_id not in _readers(thread, [comment.author_id]):
        return False
    made = _make(
        recipient_id=comment.author_id,
        kind=NotificationKind.HIDDEN,
        thread=thread,
        comment=comment,
        actor=moderator,
        base_url=base_url,
    )
    return made is not None


# --- reading them ------------------------------------------------------------------------------


def notifications_mark_read(*, user, notifications=None) -> int:
    """Mark the person's notifications read: the given ones, or all. Returns how many."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notifications is not None:
        unread = unread.filter(pk__in=[n.pk for n in notifications])
    return unread.update(read_at=timezone.now())


def notification_settings_set(*, user, email: bool) -> NotificationSettings:
    row, _created = NotificationSettings.objects.update_or_create(
        user=user, defaults={"email": email}
    )
    return row


def wants_email(user) -> bool:
    row = NotificationSettings.objects.filter(user=user).first()
    return True if row is None else row.email


# --- the e-mail --------------------------------------------------------------------------------


def thread_url(thread: Thread, comment: Comment | None, base_url: str) -> str:
    """The discussion's page in its own organisation, at the comment if there is one."""
    path = reverse("discussions:thread", args=[thread.organization.slug, thread.pk])
    if comment is not None:
        path += f"#comment-{comment.pk}"
    return f"{base_url.rstrip('/')}{path}" if base_url else path


def notification_email_send(*, notification_id: int, base_url: str = "") -> bool:
    """E-mail one notification to its recipient, unless they turned e-mails off, have no
    address, left the organisation or may no longer read the discussion. Claimed before it is
    sent, so running it twice sends one e-mail. Returns whether one was sent."""
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related(
        "recipient", "actor", "thread__organization", "comment"
    ).get(pk=notification_id)
    recipient = notification.recipient
    if not recipient.is_active or not recipient.email or not wants_email(recipient):
        return False
    thread = notification.thread
    membership = _readers(thread, [recipient.pk]).get(recipient.pk)
    if membership is None:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        actor = name_in_organization(notification.actor, "")
        subject = describe(notification, actor)
        context = {
            "notification": notification,
            "thread": thread,
            "organization": thread.organization,
            "actor": actor,
            "what": subject,
            "url": thread_url(thread, notification.comment, base_url),
            "settings_url": (
                f"{base_url.rstrip('/')}{reverse('notification_settings')}"
                if base_url
                else reverse("notification_settings")
            ),
        }
        body = render_to_string("discussions/email_body.txt", context)
    message = EmailMessage(
        " ".join(subject.split())[:200], body, settings.DEFAULT_FROM_EMAIL, [recipient.email]
    )
    try:
        message.send()
    except (OSError, SMTPException):
        # Not sent after all: let the task's retry claim it again.
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True
