"""Who is told what: replies, mentions, new discussions on followed themes, hidden comments; the
e-mail sent by the task (once, and only when wanted); marking read."""

import pytest
from django.core import mail

from discussions.comment_services import comment_edit, comment_hide, comment_post
from discussions.models import Notification, NotificationKind, ThreadKind
from discussions.notification_services import (
    notification_email_send,
    notification_settings_set,
    notifications_mark_read,
)
from discussions.selectors import unread_count
from discussions.services import theme_follow, thread_open
from organizations.models import Membership

from ..factories import MembershipFactory, ReportCycleFactory, SignalFactory, ThreadFactory


def membership(user, organization=None) -> Membership:
    memberships = Membership.objects.select_related("organization").filter(user=user)
    if organization is not None:
        memberships = memberships.filter(organization=organization)
    return memberships.get()


def told(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_a_mention_tells_the_member_in_the_app_and_by_email(
    kommun, members, theme_thread, django_capture_on_commit_callbacks
):
    staff = members["staff"]
    staff.email = "mats@kungsbacka.se"
    staff.save()
    # The e-mail task is enqueued once the comment is committed.
    with django_capture_on_commit_callbacks(execute=True):
        comment_post(
            membership=membership(members["editor"]),
            thread=theme_thread,
            body=f"Vad tycker du, @{staff.username}?",
            base_url="https://spaning.example.se",
        )
    assert told(staff) == [NotificationKind.MENTION]
    assert unread_count(staff, [membership(staff)]) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mats@kungsbacka.se"]
    assert theme_thread.title in message.subject
    assert f"https://spaning.example.se/kungsbacka/discussions/{theme_thread.pk}/#comment-" in (
        message.body
    )


@pytest.mark.parametrize(
    "text",
    [
        "Skriv till staff-kungsbacka@kommun.se",  # an e-mail address is no mention
        "@nobody-here, hallå?",
        "@staff-varberg är inte med här",  # a member of another organisation
    ],
)
def test_no_one_outside_is_told(kommun, members, other_members, theme_thread, text):
    comment_post(membership=membership(members["editor"]), thread=theme_thread, body=text)
    assert not Notification.objects.exists()
    assert not mail.outbox


def test_trailing_punctuation_is_not_part_of_the_name(kommun, members, theme_thread):
    comment_post(
        membership=membership(members["editor"]),
        thread=theme_thread,
        body="Tack, @staff-kungsbacka.",
    )
    assert told(members["staff"]) == [NotificationKind.MENTION]


def test_a_pending_invitation_is_not_told(kommun, members, theme_thread):
    invited = MembershipFactory(
        organization=kommun, role="staff", accepted_at=None, user__username="ny-person"
    ).user
    comment_post(membership=membership(members["editor"]), thread=theme_thread, body="@ny-person")
    assert told(invited) == []


def test_a_reply_tells_the_author_and_a_reply_with_mention_tells_once(
    kommun, members, theme_thread
):
    staff = membership(members["staff"])
    top = comment_post(membership=staff, thread=theme_thread, body="Min fråga")
    comment_post(
        membership=membership(members["editor"]),
        thread=theme_thread,
        body="@staff-kungsbacka bra fråga",
        parent=top,
    )
    assert told(members["staff"]) == [NotificationKind.MENTION]
    # One's own reply to oneself tells no one.
    comment_post(membership=staff, thread=theme_thread, body="Och mer", parent=top)
    assert Notification.objects.count() == 1
    # A plain reply from someone else is a reply notification.
    comment_post(
        membership=membership(members["management"]),
        thread=theme_thread,
        body="Håller med",
        parent=top,
    )
    assert sorted(told(members["staff"])) == [NotificationKind.MENTION, NotificationKind.REPLY]


def test_mentioning_oneself_tells_no_one(kommun, members, theme_thread):
    comment_post(
        membership=membership(members["editor"]), thread=theme_thread, body="@editor-kungsbacka"
    )
    assert not Notification.objects.exists()


def test_an_edit_tells_only_the_newly_mentioned(kommun, members, theme_thread):
    editor = membership(members["editor"])
    comment = comment_post(membership=editor, thread=theme_thread, body="@staff-kungsbacka")
    comment_edit(
        membership=editor,
        comment=comment,
        body="@staff-kungsbacka och @management-kungsbacka",
    )
    assert told(members["staff"]) == [NotificationKind.MENTION]
    assert told(members["management"]) == [NotificationKind.MENTION]


def test_staff_mentioned_on_a_discussion_they_cannot_read_are_not_told(kommun, members):
    # A discussion about a report no staff member may read (never published).
    cycle = ReportCycleFactory(organization=kommun)
    thread = ThreadFactory(organization=kommun, kind=ThreadKind.REPORT, report_cycle=cycle)
    comment_post(
        membership=membership(members["editor"]), thread=thread, body="@staff-kungsbacka titta"
    )
    assert told(members["staff"]) == []


def test_followers_hear_of_a_new_discussion_on_their_theme(kommun, members, theme):
    for role in ("staff", "management"):
        theme_follow(membership=membership(members[role]), theme=theme)
    theme_follow(membership=membership(members["scanner"]), theme=theme)
    thread = thread_open(membership=membership(members["scanner"]), title="Ny fråga", theme=theme)
    assert told(members["staff"]) == [NotificationKind.NEW_THREAD]
    assert told(members["management"]) == [NotificationKind.NEW_THREAD]
    assert told(members["scanner"]) == []  # the one who opened it
    assert Notification.objects.filter(thread=thread).count() == 2


def test_the_author_of_a_hidden_comment_is_told(kommun, members, theme_thread):
    comment = comment_post(membership=membership(members["staff"]), thread=theme_thread, body="X")
    comment_hide(membership=membership(members["admin"]), comment=comment, reason="Fel tråd")
    assert told(members["staff"]) == [NotificationKind.HIDDEN]


def test_no_email_for_someone_who_turned_them_off(
    kommun, members, theme_thread, django_capture_on_commit_callbacks
):
    staff = members["staff"]
    staff.email = "mats@kungsbacka.se"
    staff.save()
    notification_settings_set(user=staff, email=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        comment_post(
            membership=membership(members["editor"]),
            thread=theme_thread,
            body="@staff-kungsbacka",
        )
    assert len(callbacks) == 1  # the task ran, and chose not to send
    assert told(staff) == [NotificationKind.MENTION]  # still in the app
    assert not mail.outbox


def test_the_email_task_sends_once_however_often_it_runs(
    kommun, members, theme_thread, django_capture_on_commit_callbacks
):
    staff = members["staff"]
    staff.email = "mats@kungsbacka.se"
    staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        comment_post(
            membership=membership(members["editor"]),
            thread=theme_thread,
            body="@staff-kungsbacka",
        )
    notification = Notification.objects.get()
    assert len(mail.outbox) == 1
    assert notification_email_send(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1


def test_someone_who_left_keeps_their_comments_and_hears_nothing(kommun, members, theme_thread):
    staff = members["staff"]
    comment = comment_post(membership=membership(staff), thread=theme_thread, body="Jag var här")
    Membership.objects.filter(user=staff, organization=kommun).delete()
    comment_post(
        membership=membership(members["editor"]),
        thread=theme_thread,
        body="@staff-kungsbacka?",
        parent=comment,
    )
    assert told(staff) == []
    comment.refresh_from_db()
    assert comment.author == staff


def test_marking_read(kommun, members, theme_thread):
    staff = members["staff"]
    for number in range(3):
        comment_post(
            membership=membership(members["editor"]),
            thread=theme_thread,
            body=f"@staff-kungsbacka {number}",
        )
    assert unread_count(staff, [membership(staff)]) == 3
    first = Notification.objects.filter(recipient=staff).first()
    assert notifications_mark_read(user=staff, notifications=[first]) == 1
    assert unread_count(staff, [membership(staff)]) == 2
    assert notifications_mark_read(user=staff) == 2
    assert unread_count(staff, [membership(staff)]) == 0


def test_a_signal_discussion_opens_only_on_a_shared_signal(kommun, members):
    from django.core.exceptions import ValidationError

    unshared = SignalFactory(organization=kommun)
    with pytest.raises(ValidationError):
        thread_open(membership=membership(members["scanner"]), title="X", signal=unshared)
    shared = SignalFactory(organization=kommun, shared_with_staff=True)
    thread = thread_open(membership=membership(members["scanner"]), title="X", signal=shared)
    assert thread.kind == ThreadKind.SIGNAL
    with pytest.raises(ValidationError):
        thread_open(membership=membership(members["editor"]), title="Igen", signal=shared)
