"""Posting, replying, editing, deleting and hiding comments: the rules every caller meets."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from discussions import comment_services as rules
from discussions.comment_services import (
    comment_delete,
    comment_edit,
    comment_hide,
    comment_post,
    comment_unhide,
)
from discussions.models import Comment, Thread
from organizations.models import Membership

from ..factories import CommentFactory, ThreadFactory


def membership(user, organization) -> Membership:
    return Membership.objects.select_related("organization").get(
        user=user, organization=organization
    )


def messages_of(refused: pytest.ExceptionInfo) -> str:
    return " ".join(refused.value.messages)


def test_a_comment_is_stored_and_counted(kommun, members, theme_thread):
    before = theme_thread.last_activity_at
    comment = comment_post(
        membership=membership(members["staff"], kommun), thread=theme_thread, body="  Bra!  "
    )
    theme_thread.refresh_from_db()
    assert comment.body == "Bra!"
    assert theme_thread.comment_count == 1
    assert theme_thread.last_activity_at > before


@pytest.mark.parametrize("body", ["", "   \n\t  ", "\u202e\u2066"])
def test_an_empty_comment_is_refused(kommun, members, theme_thread, body):
    with pytest.raises(ValidationError) as refused:
        comment_post(
            membership=membership(members["staff"], kommun), thread=theme_thread, body=body
        )
    assert str(rules.EMPTY) in messages_of(refused)
    assert not Comment.objects.exists()


def test_a_50_kb_comment_is_refused_with_its_length(kommun, members, theme_thread):
    with pytest.raises(ValidationError) as refused:
        comment_post(
            membership=membership(members["staff"], kommun),
            thread=theme_thread,
            body="a" * 50_000,
        )
    assert "50000" in messages_of(refused)
    assert "5000" in messages_of(refused)
    assert not Comment.objects.exists()


def test_html_is_kept_as_the_text_it_is(kommun, members, theme_thread):
    body = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    comment = comment_post(
        membership=membership(members["staff"], kommun), thread=theme_thread, body=body
    )
    assert comment.body == body  # stored as typed; the page escapes it (test_thread_page)


def test_bidirectional_overrides_are_removed(kommun, members, theme_thread):
    comment = comment_post(
        membership=membership(members["staff"], kommun),
        thread=theme_thread,
        body="Rapport \u202efdp.exe",
    )
    assert comment.body == "Rapport fdp.exe"


def test_a_closed_thread_takes_no_comments(kommun, members, theme_thread):
    Thread.objects.filter(pk=theme_thread.pk).update(closed_at=timezone.now())
    with pytest.raises(ValidationError) as refused:
        comment_post(
            membership=membership(members["editor"], kommun), thread=theme_thread, body="Hej"
        )
    assert str(rules.CLOSED) in messages_of(refused)


def test_another_organisations_member_cannot_post(other_kommun, other_members, theme_thread):
    with pytest.raises(ValidationError):
        comment_post(
            membership=membership(other_members["admin"], other_kommun),
            thread=theme_thread,
            body="Hej",
        )
    assert not Comment.objects.exists()


def test_twenty_comments_a_minute_are_refused_after_the_fifth(
    kommun, members, theme_thread, settings
):
    settings.DISCUSSIONS_COMMENTS_PER_MINUTE = 5
    staff = membership(members["staff"], kommun)
    refusals = []
    for number in range(20):
        try:
            comment_post(membership=staff, thread=theme_thread, body=f"Nummer {number}")
        except ValidationError as refused:
            refusals.append(" ".join(refused.messages))
    assert Comment.objects.count() == 5
    assert len(refusals) == 15
    assert refusals[0] == str(rules.TOO_MANY % {"count": 5})
    # A minute later the pace allows more.
    Comment.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    comment_post(membership=staff, thread=theme_thread, body="Nu igen")
    assert Comment.objects.count() == 6


def test_a_reply_to_a_reply_joins_the_comment_it_answers(kommun, members, theme_thread):
    staff = membership(members["staff"], kommun)
    top = comment_post(membership=staff, thread=theme_thread, body="Första")
    reply = comment_post(
        membership=membership(members["scanner"], kommun),
        thread=theme_thread,
        body="Svar",
        parent=top,
    )
    again = comment_post(membership=staff, thread=theme_thread, body="Svar på svar", parent=reply)
    assert reply.parent == top
    assert again.parent == top


def test_a_reply_to_a_comment_of_another_thread_is_refused(kommun, members, theme_thread):
    elsewhere = CommentFactory(thread=ThreadFactory(organization=kommun))
    with pytest.raises(ValidationError) as refused:
        comment_post(
            membership=membership(members["staff"], kommun),
            thread=theme_thread,
            body="Svar",
            parent=elsewhere,
        )
    assert str(rules.WRONG_PARENT) in messages_of(refused)


def test_a_reply_to_a_deleted_comment_is_refused(kommun, members, theme_thread):
    staff = membership(members["staff"], kommun)
    top = comment_post(membership=staff, thread=theme_thread, body="Första")
    comment_delete(membership=staff, comment=top)
    with pytest.raises(ValidationError) as refused:
        comment_post(
            membership=membership(members["scanner"], kommun),
            thread=theme_thread,
            body="Svar",
            parent=top,
        )
    assert str(rules.PARENT_GONE) in messages_of(refused)


def test_the_author_edits_within_the_window_and_it_is_marked(kommun, members, theme_thread):
    staff = membership(members["staff"], kommun)
    comment = comment_post(membership=staff, thread=theme_thread, body="Frst")
    edited = comment_edit(membership=staff, comment=comment, body="Först")
    assert edited.body == "Först"
    assert edited.edited_at is not None


def test_editing_after_the_window_is_refused(kommun, members, theme_thread, settings):
    settings.DISCUSSIONS_EDIT_MINUTES = 15
    staff = membership(members["staff"], kommun)
    comment = comment_post(membership=staff, thread=theme_thread, body="Gammal")
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    comment.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        comment_edit(membership=staff, comment=comment, body="Ny")
    assert messages_of(refused) == str(rules.EDIT_TIME_OVER % {"minutes": 15})
    comment.refresh_from_db()
    assert comment.body == "Gammal"


def test_nobody_edits_or_deletes_someone_elses_comment(kommun, members, theme_thread):
    comment = comment_post(
        membership=membership(members["staff"], kommun), thread=theme_thread, body="Min"
    )
    admin = membership(members["admin"], kommun)
    with pytest.raises(ValidationError) as refused:
        comment_edit(membership=admin, comment=comment, body="Din")
    assert str(rules.NOT_AUTHOR) in messages_of(refused)
    with pytest.raises(ValidationError):
        comment_delete(membership=admin, comment=comment)
    comment.refresh_from_db()
    assert comment.body == "Min" and comment.deleted_at is None


def test_deleting_removes_the_text_and_keeps_the_replies(kommun, members, theme_thread):
    staff = membership(members["staff"], kommun)
    top = comment_post(membership=staff, thread=theme_thread, body="Hemligt")
    comment_post(
        membership=membership(members["scanner"], kommun),
        thread=theme_thread,
        body="Svar",
        parent=top,
    )
    comment_delete(membership=staff, comment=top)
    top.refresh_from_db()
    theme_thread.refresh_from_db()
    assert top.body == "" and top.deleted_at is not None
    assert top.replies.count() == 1
    assert theme_thread.comment_count == 1


def test_a_moderator_hides_with_a_reason_and_shows_again(kommun, members, theme_thread):
    comment = comment_post(
        membership=membership(members["staff"], kommun), thread=theme_thread, body="Olämpligt"
    )
    editor = membership(members["editor"], kommun)
    with pytest.raises(ValidationError) as refused:
        comment_hide(membership=editor, comment=comment, reason="  ")
    assert str(rules.REASON_REQUIRED) in messages_of(refused)
    comment_hide(membership=editor, comment=comment, reason="Personuppgifter")
    comment.refresh_from_db()
    theme_thread.refresh_from_db()
    assert comment.hidden_reason == "Personuppgifter"
    assert comment.body == "Olämpligt"  # kept for its author and the moderators
    assert theme_thread.comment_count == 0
    comment_unhide(membership=editor, comment=comment)
    theme_thread.refresh_from_db()
    assert theme_thread.comment_count == 1


@pytest.mark.parametrize("role", ["scanner", "management", "staff"])
def test_only_editors_and_admins_hide(kommun, members, theme_thread, role):
    comment = comment_post(
        membership=membership(members["staff"], kommun), thread=theme_thread, body="Text"
    )
    with pytest.raises(ValidationError):
        comment_hide(membership=membership(members[role], kommun), comment=comment, reason="Nej")
    comment.refresh_from_db()
    assert comment.hidden_at is None
