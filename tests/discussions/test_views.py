"""The discussion pages, role by role and organisation by organisation: reading, posting with
and without JavaScript, refusals shown in words, moderation, opening discussions, the boxes on
report and signal pages, and a page whose queries do not grow with its comments."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from discussions.models import Comment, Notification, Thread, ThreadKind
from discussions.selectors import NOTIFICATIONS_PAGE_SIZE
from organizations.roles import Role

from ..factories import CommentFactory, NotificationFactory, ReportCycleFactory, ThreadFactory

HX = {"HX-Request": "true"}


def sv(message: str) -> str:
    with translation.override("sv"):
        return gettext(message)


def thread_url(thread, suffix="") -> str:
    return f"/{thread.organization.slug}/discussions/{thread.pk}/{suffix}"


# --- reading ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("subject", ["report_thread", "theme_thread"])
def test_every_member_reads_a_discussion(client_for, members, role, subject, request):
    thread = request.getfixturevalue(subject)
    CommentFactory(thread=thread, author=members["staff"], body="Intressant läsning")
    response = client_for(members[role]).get(thread_url(thread))
    assert response.status_code == 200
    assert "Intressant läsning" in response.content.decode()


def test_a_shared_signals_discussion_is_read_by_staff(client_for, members, shared_signal):
    thread = ThreadFactory(
        organization=shared_signal.organization, kind=ThreadKind.SIGNAL, signal=shared_signal
    )
    assert client_for(members["staff"]).get(thread_url(thread)).status_code == 200


@pytest.mark.parametrize("role", Role.values)
def test_another_organisation_sees_nothing(client_for, other_members, theme_thread, role):
    client = client_for(other_members[role])
    assert client.get(thread_url(theme_thread)).status_code == 404
    # Nor through its own address with the other organisation's thread id.
    assert client.get(f"/varberg/discussions/{theme_thread.pk}/").status_code == 404
    response = client.post(f"/varberg/discussions/{theme_thread.pk}/comments/", {"body": "Hej"})
    assert response.status_code == 404
    assert not Comment.objects.exists()


@pytest.mark.parametrize("role", Role.values)
def test_a_discussion_about_an_unpublished_report_is_read_by_no_one(
    client_for, kommun, members, role
):
    # Discussions open only on published reports; this one stands for a forged or broken row.
    thread = ThreadFactory(
        organization=kommun,
        kind=ThreadKind.REPORT,
        report_cycle=ReportCycleFactory(organization=kommun),
    )
    client = client_for(members[role])
    assert client.get(thread_url(thread)).status_code == 404
    assert client.post(thread_url(thread, "comments/"), {"body": "Får jag?"}).status_code == 404
    assert not Comment.objects.exists()


def test_the_page_runs_the_same_queries_for_3_and_60_comments(
    client_for, members, theme_thread, django_assert_max_num_queries
):
    client = client_for(members["staff"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(thread_url(theme_thread)).status_code == 200
        return len(captured)

    authors = [members[role] for role in Role.values]
    for number in range(3):
        CommentFactory(thread=theme_thread, author=authors[number], body=f"Kommentar {number}")
    queries()  # the first visit also notes the organisation as the one last used
    few = queries()
    for number in range(57):
        parent = Comment.objects.order_by("pk").first() if number % 3 else None
        CommentFactory(
            thread=theme_thread, author=authors[number % 5], parent=parent, body=f"Fler {number}"
        )
    assert queries() == few
    with django_assert_max_num_queries(12):
        client.get(thread_url(theme_thread))


def test_comment_text_is_shown_as_text(client_for, members, theme_thread):
    CommentFactory(
        thread=theme_thread,
        author=members["staff"],
        body='<script>alert(1)</script> se https://skr.se/rapport och <img src=x onerror="y">',
    )
    html = client_for(members["staff"]).get(thread_url(theme_thread)).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert 'href="https://skr.se/rapport"' in html


def test_the_people_a_comment_told_are_marked_where_it_names_them(
    client_for, members, theme_thread
):
    staff = members["staff"].username
    client_for(members["editor"]).post(
        thread_url(theme_thread, "comments/"),
        {
            "body": f"Hej @{staff}, och @ingen. Se [@{staff}](https://example.se/@{staff}) "
            f"och `@{staff}`, skriv till {staff}@example.se."
        },
    )
    html = client_for(members["staff"]).get(thread_url(theme_thread)).content.decode()
    # Once, where the text names them; not inside a link or code, not an e-mail address, and
    # not a name nobody answers to.
    assert html.count(f'<strong class="mention">@{staff}</strong>') == 1
    assert f'<strong class="mention">@{staff}</strong>, och @ingen.' in html
    assert f"<code>@{staff}</code>" in html


# --- posting -----------------------------------------------------------------------------------


def test_posting_without_javascript_goes_back_to_the_comment(client_for, members, theme_thread):
    response = client_for(members["staff"]).post(
        thread_url(theme_thread, "comments/"), {"body": "Vi borde prata om det här."}
    )
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == thread_url(theme_thread) + f"#comment-{comment.pk}"


def test_posting_with_htmx_answers_the_discussion_with_the_new_comment(
    client_for, members, theme_thread
):
    response = client_for(members["staff"]).post(
        thread_url(theme_thread, "comments/"), {"body": "Snabbt svar"}, headers=HX
    )
    html = response.content.decode()
    comment = Comment.objects.get()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="discussion"')
    assert "Snabbt svar" in html
    assert f'id="comment-{comment.pk}" tabindex="-1" autofocus' in html


def test_a_refusal_is_shown_in_words_and_the_text_is_kept(
    client_for, members, theme_thread, settings
):
    settings.DISCUSSIONS_COMMENTS_PER_MINUTE = 1
    client = client_for(members["staff"])
    client.post(thread_url(theme_thread, "comments/"), {"body": "Ett"})
    response = client.post(thread_url(theme_thread, "comments/"), {"body": "Två, för snabbt"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "error-summary" in html
    assert "Två, för snabbt" in html  # nothing typed is lost
    assert Comment.objects.count() == 1
    # With htmx the refusal comes back as the fragment, so that it is swapped in.
    response = client.post(thread_url(theme_thread, "comments/"), {"body": "Tre"}, headers=HX)
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()


def test_a_closed_discussion_refuses_comments_and_says_so(client_for, members, theme_thread):
    Thread.objects.filter(pk=theme_thread.pk).update(closed_at=timezone.now())
    client = client_for(members["staff"])
    page = client.get(thread_url(theme_thread)).content.decode()
    assert 'id="new-comment"' not in page
    response = client.post(thread_url(theme_thread, "comments/"), {"body": "Hallå?"})
    assert response.status_code == 400
    assert not Comment.objects.exists()


@pytest.mark.parametrize("parent", ["9999999999999999999999999", "abc", "-1", ""])
def test_a_forged_parent_is_a_message_not_a_500(client_for, members, theme_thread, parent):
    response = client_for(members["staff"]).post(
        thread_url(theme_thread, "comments/"), {"body": "Svar", "parent": parent}
    )
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_a_reply_to_another_organisations_comment_is_refused(
    client_for, members, other_kommun, other_members, theme_thread
):
    foreign = CommentFactory(
        thread=ThreadFactory(organization=other_kommun), author=other_members["staff"]
    )
    response = client_for(members["staff"]).post(
        thread_url(theme_thread, "comments/"), {"body": "Svar", "parent": str(foreign.pk)}
    )
    assert response.status_code == 400
    assert Comment.objects.count() == 1  # the foreign one


def test_reply_edit_and_delete_open_in_place(client_for, members, theme_thread):
    mine = CommentFactory(thread=theme_thread, author=members["staff"], body="Min text")
    client = client_for(members["staff"])
    reply = client.get(thread_url(theme_thread) + f"?reply={mine.pk}").content.decode()
    assert 'name="parent"' in reply and f'value="{mine.pk}"' in reply
    edit = client.get(thread_url(theme_thread) + f"?edit={mine.pk}", headers=HX).content.decode()
    assert f"/discussions/comments/{mine.pk}/edit/" in edit
    assert "Min text</textarea>" in edit
    response = client.post(f"/kungsbacka/discussions/comments/{mine.pk}/edit/", {"body": "Ny"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.body == "Ny" and mine.edited_at
    assert sv("edited") in client.get(thread_url(theme_thread)).content.decode()
    client.post(f"/kungsbacka/discussions/comments/{mine.pk}/delete/")
    mine.refresh_from_db()
    assert mine.deleted_at and mine.body == ""


def test_editing_someone_elses_comment_is_refused(client_for, members, theme_thread):
    theirs = CommentFactory(thread=theme_thread, author=members["management"], body="Deras")
    client = client_for(members["staff"])
    response = client.post(f"/kungsbacka/discussions/comments/{theirs.pk}/edit/", {"body": "X"})
    assert response.status_code == 400
    assert client.post(f"/kungsbacka/discussions/comments/{theirs.pk}/delete/").status_code == 400
    theirs.refresh_from_db()
    assert theirs.body == "Deras" and theirs.deleted_at is None


# --- moderation --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["scanner", "management", "staff"])
def test_only_editors_and_admins_moderate(client_for, members, theme_thread, role):
    comment = CommentFactory(thread=theme_thread, author=members["admin"])
    client = client_for(members[role])
    hide = client.post(f"/kungsbacka/discussions/comments/{comment.pk}/hide/", {"reason": "x"})
    assert hide.status_code == 403
    for action in ("close", "pin"):
        assert client.post(thread_url(theme_thread, f"{action}/")).status_code == 403
    theme_thread.refresh_from_db()
    assert theme_thread.closed_at is None and theme_thread.pinned_at is None


def test_a_hidden_comment_shows_its_author_why_and_others_only_that(
    client_for, members, theme_thread
):
    comment = CommentFactory(thread=theme_thread, author=members["staff"], body="Olämpligt")
    theme_thread.comment_count = 1
    theme_thread.save()
    response = client_for(members["editor"]).post(
        f"/kungsbacka/discussions/comments/{comment.pk}/hide/", {"reason": "Personuppgifter"}
    )
    assert response.status_code == 302
    author_view = client_for(members["staff"]).get(thread_url(theme_thread)).content.decode()
    assert "Personuppgifter" in author_view and "Olämpligt" in author_view
    other_view = client_for(members["management"]).get(thread_url(theme_thread)).content.decode()
    assert "Olämpligt" not in other_view and "Personuppgifter" not in other_view
    assert sv("A moderator hid this comment.") in other_view
    assert Notification.objects.filter(recipient=members["staff"]).exists()


def test_an_editor_closes_reopens_and_pins(client_for, members, theme_thread):
    client = client_for(members["editor"])
    client.post(thread_url(theme_thread, "close/"))
    theme_thread.refresh_from_db()
    assert theme_thread.is_closed
    client.post(thread_url(theme_thread, "reopen/"))
    client.post(thread_url(theme_thread, "pin/"))
    theme_thread.refresh_from_db()
    assert not theme_thread.is_closed and theme_thread.is_pinned


# --- the forum and opening discussions ---------------------------------------------------------


@pytest.mark.parametrize("role", Role.values)
def test_the_forum_lists_pinned_first_then_latest(
    client_for, kommun, members, role, django_assert_max_num_queries
):
    old = ThreadFactory(organization=kommun, title="Gammal men fäst", pinned_at=timezone.now())
    Thread.objects.filter(pk=old.pk).update(
        last_activity_at=timezone.now() - timezone.timedelta(days=30)
    )
    ThreadFactory(organization=kommun, title="Färsk")
    ThreadFactory(organization=ReportCycleFactory().organization, title="Annans")
    client = client_for(members[role])
    # The first visit to the organisation also notes it as the one last used (two writes).
    with django_assert_max_num_queries(12):
        html = client.get("/kungsbacka/discussions/").content.decode()
    assert html.index("Gammal men fäst") < html.index("Färsk")
    assert "Annans" not in html


def test_the_forum_filters_by_kind(client_for, members, report_thread, theme_thread):
    client = client_for(members["staff"])
    html = client.get("/kungsbacka/discussions/?kind=report").content.decode()
    assert report_thread.title in html and theme_thread.title not in html
    html = client.get("/kungsbacka/discussions/?kind=nonsense&page=99999999999999999999").content
    assert theme_thread.title in html.decode()


@pytest.mark.parametrize("role", ["management", "staff"])
def test_only_the_scanning_group_opens_discussions(client_for, members, role):
    client = client_for(members[role])
    assert client.get("/kungsbacka/discussions/new/").status_code == 403
    response = client.post("/kungsbacka/discussions/new/", {"title": "X", "theme_name": "Y"})
    assert response.status_code == 403
    assert not Thread.objects.exists()


def test_a_scanner_opens_a_theme_discussion(client_for, members):
    response = client_for(members["scanner"]).post(
        "/kungsbacka/discussions/new/",
        {"title": "Hur blir vi en smart stad?", "theme_name": "Smarta städer", "body": ""},
    )
    thread = Thread.objects.get()
    assert response.status_code == 302
    assert thread.theme.name == "Smarta städer"
    assert thread.opened_by == members["scanner"]


def test_opening_needs_a_title_and_a_theme(client_for, members):
    response = client_for(members["scanner"]).post(
        "/kungsbacka/discussions/new/", {"title": "", "theme_name": ""}
    )
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    assert not Thread.objects.exists()


def test_a_reports_discussion_opens_from_its_page_once(client_for, members, published):
    client = client_for(members["editor"])
    page = client.get(f"/kungsbacka/reports/published/{published.pk}/").content.decode()
    assert f"/kungsbacka/discussions/new/?report={published.cycle_id}" in page
    form = client.get(f"/kungsbacka/discussions/new/?report={published.cycle_id}")
    assert form.status_code == 200
    response = client.post(
        f"/kungsbacka/discussions/new/?report={published.cycle_id}",
        {"title": "Vad tycker ni om rapporten?", "body": "Kommentera gärna."},
    )
    thread = Thread.objects.get()
    assert response.status_code == 302
    assert thread.kind == ThreadKind.REPORT
    # Asking again goes to the discussion it already has.
    again = client.get(f"/kungsbacka/discussions/new/?report={published.cycle_id}")
    assert again["Location"] == f"/kungsbacka/discussions/{thread.pk}/"


def test_an_unpublished_report_gets_no_discussion(client_for, kommun, members):
    cycle = ReportCycleFactory(organization=kommun)
    response = client_for(members["editor"]).post(
        f"/kungsbacka/discussions/new/?report={cycle.pk}", {"title": "För tidigt"}
    )
    assert response.status_code == 400
    assert not Thread.objects.exists()


def test_the_report_page_shows_its_discussion_to_staff(
    client_for, members, published, report_thread
):
    CommentFactory(thread=report_thread, author=members["management"])
    Thread.objects.filter(pk=report_thread.pk).update(comment_count=1)
    page = client_for(members["staff"]).get(f"/kungsbacka/reports/published/{published.pk}/")
    html = page.content.decode()
    assert f"/kungsbacka/discussions/{report_thread.pk}/" in html
    assert "/discussions/new/" not in html


def test_a_signal_page_shows_its_discussion(client_for, members, shared_signal):
    client = client_for(members["scanner"])
    html = client.get(f"/kungsbacka/signals/{shared_signal.pk}/").content.decode()
    assert f"/kungsbacka/discussions/new/?signal={shared_signal.pk}" in html
    thread = ThreadFactory(
        organization=shared_signal.organization, kind=ThreadKind.SIGNAL, signal=shared_signal
    )
    html = client_for(members["staff"]).get(f"/kungsbacka/signals/{shared_signal.pk}/")
    assert f"/kungsbacka/discussions/{thread.pk}/" in html.content.decode()


def test_staff_start_page_points_to_the_newest_discussion(client_for, members, report_thread):
    html = client_for(members["staff"]).get("/kungsbacka/").content.decode()
    assert f"/kungsbacka/discussions/{report_thread.pk}/" in html
    assert sv("Take part in the discussion") in html


# --- notifications -----------------------------------------------------------------------------


def test_the_bell_counts_and_opening_goes_to_the_comment(client_for, members, theme_thread):
    client = client_for(members["editor"])
    client.post(thread_url(theme_thread, "comments/"), {"body": "@staff-kungsbacka titta"})
    comment = Comment.objects.get()
    staff = client_for(members["staff"])
    start = staff.get("/kungsbacka/").content.decode()
    assert 'class="notifications-link__count">1' in start
    page = staff.get("/account/notifications/").content.decode()
    notification = Notification.objects.get()
    assert f"/account/notifications/{notification.pk}/" in page
    response = staff.get(f"/account/notifications/{notification.pk}/")
    assert response["Location"] == thread_url(theme_thread) + f"#comment-{comment.pk}"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "notifications-link__count" not in staff.get("/kungsbacka/").content.decode()


def test_older_notifications_are_a_page_away(
    client_for, members, theme_thread, django_assert_max_num_queries
):
    staff = members["staff"]
    first = NotificationFactory(recipient=staff, thread=theme_thread)
    NotificationFactory.create_batch(NOTIFICATIONS_PAGE_SIZE, recipient=staff, thread=theme_thread)
    client = client_for(staff)
    client.get("/account/notifications/")

    with django_assert_max_num_queries(12):
        newest = client.get("/account/notifications/").content.decode()
    older = client.get("/account/notifications/?page=2").content.decode()

    assert f"/account/notifications/{first.pk}/" not in newest
    assert "?page=2" in newest
    assert f"/account/notifications/{first.pk}/" in older
    assert reverse("notifications_read") in older  # "Mark all as read": one is unread
    # A page past the end, or not a number, is the nearest page rather than an error.
    assert client.get("/account/notifications/?page=999999999999999999999").status_code == 200
    assert client.get("/account/notifications/?page=x").status_code == 200


def test_nobody_opens_someone_elses_notification(client_for, members, theme_thread):
    client_for(members["editor"]).post(
        thread_url(theme_thread, "comments/"), {"body": "@staff-kungsbacka"}
    )
    notification = Notification.objects.get()
    response = client_for(members["management"]).get(f"/account/notifications/{notification.pk}/")
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_email_can_be_turned_off_and_on(client_for, members):
    from discussions.notification_services import wants_email

    client = client_for(members["staff"])
    client.post("/account/notifications/email/", {})
    assert wants_email(members["staff"]) is False
    client.post("/account/notifications/email/", {"email": "on"})
    assert wants_email(members["staff"]) is True
