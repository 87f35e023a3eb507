"""Mats (staff) finds the discussion of the latest report from his start page and comments in
place; Anna (editor) replies and mentions him; Mats sees the unread count in the header, opens
his notifications and lands at her reply. axe finds nothing on the start page, the discussion
(after the htmx swap) and the notifications page. Without JavaScript the same form posts and
comes back to the comment."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from discussions.models import Comment
from discussions.services import thread_open
from organizations.models import Membership
from organizations.roles import Role

from ..conftest import make_member
from ..factories import PublishedReportFactory, ReportCycleFactory

MATS_SAYS = "Vi på förskolan i norr känner igen bilden: färre barn, men ändå svårt att rekrytera."
ANNA_SAYS = "@mats Tack! HR tar fram en modell för studier med lön, vi återkommer om den."


def sv(message: str) -> str:
    """The interface's text as the Swedish page shows it (the source text while untranslated)."""
    with translation.override("sv"):
        return gettext(message)


def label(text: str) -> re.Pattern:
    """A field's label as Django renders it: the text, then the label suffix (":")."""
    return re.compile(rf"^{re.escape(sv(text))}:?$")


@pytest.fixture
def people(kommun):
    return {
        "mats": make_member(kommun, Role.STAFF, "mats"),
        "anna": make_member(kommun, Role.EDITOR, "anna"),
    }


@pytest.fixture
def thread(kommun, people):
    """Last month's report, published, and its discussion opened by Anna."""
    cycle = ReportCycleFactory(organization=kommun, state="published")
    published = PublishedReportFactory(cycle=cycle)
    anna = Membership.objects.select_related("organization").get(
        user=people["anna"], organization=kommun
    )
    return thread_open(
        membership=anna,
        title="Månadens rapport: vad betyder den för oss?",
        body="Känner ni igen bilden?",
        report_cycle=published.cycle,
    )


def log_out(page) -> None:
    page.context.clear_cookies()


def test_staff_comment_editor_replies_and_staff_follows_the_notification(
    page, people, thread, login_as, assert_accessible
):
    # Mats starts on his start page, which points to the newest discussion.
    login_as(page, "mats")
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name=sv("Take part in the discussion")).click()
    page.wait_for_url(f"**/kungsbacka/discussions/{thread.pk}/")

    # He comments: the comment appears in place, without a reload, and has the focus.
    page.evaluate("window.notReloaded = true")
    page.get_by_label(label("Your comment")).fill(MATS_SAYS)
    page.get_by_role("button", name=sv("Post comment")).click()
    posted = page.locator("article.comment", has_text=MATS_SAYS)
    posted.wait_for()
    comment = Comment.objects.get(thread=thread, author=people["mats"])
    assert posted.get_attribute("id") == f"comment-{comment.pk}"
    expect(posted).to_be_focused()
    assert page.evaluate("window.notReloaded") is True
    assert page.get_by_label(label("Your comment")).input_value() == ""
    assert_accessible(page)

    # Anna replies to his comment and mentions him.
    log_out(page)
    login_as(page, "anna")
    page.goto(f"/kungsbacka/discussions/{thread.pk}/")
    posted.get_by_role("link", name=re.compile(rf"^{re.escape(sv('Reply'))}\b")).click()
    reply_field = page.locator("#action-form").get_by_label(label("Your reply"))
    expect(reply_field).to_be_focused()
    assert_accessible(page)
    reply_field.fill(ANNA_SAYS)
    page.get_by_role("button", name=sv("Post reply")).click()
    reply = page.locator(".comment-replies article.comment", has_text="HR tar fram")
    reply.wait_for()
    answer = Comment.objects.get(thread=thread, author=people["anna"])
    assert answer.parent_id == comment.pk
    assert list(answer.mentions.all()) == [people["mats"]]

    # Mats sees one unread notification in the header, opens the list and follows it.
    log_out(page)
    login_as(page, "mats")
    page.goto("/")
    bell = page.locator(".site-header").get_by_role(
        "link", name=re.compile(rf"^{re.escape(sv('Notifications'))}")
    )
    expect(bell.locator(".notifications-link__count")).to_have_text(re.compile(r"^1\b"))
    bell.click()
    page.wait_for_url("**/notifications/")
    assert_accessible(page)
    notice = page.locator(".notification--unread a", has_text=thread.title)
    expect(notice).to_have_count(1)
    notice.click()
    page.wait_for_url(f"**/kungsbacka/discussions/{thread.pk}/#comment-{answer.pk}")
    landed = page.locator(f"#comment-{answer.pk}")
    expect(landed).to_contain_text("HR tar fram")
    expect(landed).to_be_in_viewport()
    # Read now: the header shows no count.
    expect(page.locator(".notifications-link__count")).to_have_count(0)


def test_without_javascript_a_comment_posts_and_comes_back_to_it(
    browser, live_url, people, thread, login_as
):
    context = browser.new_context(
        locale="sv-SE", base_url=live_url, java_script_enabled=False, reduced_motion="reduce"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        login_as(page, "mats")
        page.goto(f"/kungsbacka/discussions/{thread.pk}/")
        page.get_by_label(label("Your comment")).fill(MATS_SAYS)
        with page.expect_navigation():
            page.get_by_role("button", name=sv("Post comment")).click()
        comment = Comment.objects.get(thread=thread, author=people["mats"])
        assert page.url.endswith(f"/kungsbacka/discussions/{thread.pk}/#comment-{comment.pk}")
        expect(page.locator(f"#comment-{comment.pk}")).to_contain_text(MATS_SAYS)
        expect(page.locator(".messages")).to_contain_text(sv("Your comment is posted."))

        # Replying opens its form on the page, and posts the same way.
        page.locator(f"#comment-{comment.pk}").get_by_role(
            "link", name=re.compile(rf"^{re.escape(sv('Reply'))}\b")
        ).click()
        page.wait_for_url(f"**?reply={comment.pk}#action-form")
        page.locator("#action-form").get_by_label(label("Your reply")).fill("Och en sak till.")
        with page.expect_navigation():
            page.get_by_role("button", name=sv("Post reply")).click()
        reply = Comment.objects.get(thread=thread, parent=comment)
        assert page.url.endswith(f"#comment-{reply.pk}")
        expect(page.locator(f"#comment-{reply.pk}")).to_contain_text("Och en sak till.")
    finally:
        context.close()
