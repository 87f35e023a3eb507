"""Answering an invitation in a real browser: the notice on the start page leads to the
invitations, each answered by a button named after the organisation, from the keyboard; the
pages have no axe violations."""

from django.utils import translation
from django.utils.translation import gettext

from organizations.models import Membership

from ..factories import MembershipFactory


def sv(message: str) -> str:
    with translation.override("sv"):
        return gettext(message)


def test_accepting_an_invitation_from_the_start_page(
    page, kommun, other_kommun, other_members, login_as, assert_accessible
):
    kim = other_members["editor"]
    MembershipFactory(user=kim, organization=kommun, role="staff", pending=True)
    login_as(page, kim.username)

    page.goto("/")
    page.get_by_role("link", name=sv("See your invitations")).click()
    page.wait_for_url("**/invitations/")
    assert_accessible(page)

    accept = page.get_by_role("button", name=f"{sv('Accept')} till inbjudan till Kungsbacka kommun")
    accept.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/kungsbacka/")

    assert "Kungsbacka kommun" in page.locator("main").inner_text()
    assert not Membership.objects.get(user=kim, organization=kommun).is_pending
    assert_accessible(page)


def test_the_account_page_and_an_empty_invitations_page_have_no_violations(
    page, members, login_as, assert_accessible
):
    login_as(page, members["staff"].username)
    for path in ("/account/", "/invitations/"):
        page.goto(path)
        assert_accessible(page)
    page.goto("/account/")
    page.get_by_label(sv("First name")).fill("Kim")
    page.get_by_role("button", name=sv("Save name")).click()
    page.get_by_text(sv("Your name was saved.")).wait_for()
    assert_accessible(page)
