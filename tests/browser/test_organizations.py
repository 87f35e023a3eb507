"""Working in two organisations, as a person would: the switcher is a list of links, each
organisation keeps its own address, and the next login starts where the person left off."""

from django.utils import translation
from django.utils.translation import gettext

from organizations.roles import Role

from ..factories import MembershipFactory


def sv(message: str) -> str:
    with translation.override("sv"):
        return gettext(message)


def test_switching_organisation_is_following_a_link_and_the_next_login_starts_there(
    page, live_url, kommun, other_kommun, members, login_as, assert_accessible
):
    scanner = members[Role.SCANNER]
    MembershipFactory(user=scanner, organization=other_kommun, role=Role.STAFF)
    login_as(page, scanner.username)
    assert page.url == f"{live_url}/kungsbacka/"

    page.get_by_text(sv("Switch organisation")).click()
    assert_accessible(page)  # with the list of organisations open
    page.get_by_role("link", name="Varbergs kommun").click()

    page.wait_for_url(f"{live_url}/varberg/")
    assert page.locator(".brand").inner_text().endswith("Varbergs kommun")
    # In Varberg the person is staff: the role shown is the one held there.
    with translation.override("sv"):
        assert page.locator(".user-menu .badge").inner_text() == str(Role.STAFF.label)

    page.get_by_role("button", name=sv("Log out")).click()
    page.wait_for_url("**/accounts/login/")
    login_as(page, scanner.username)
    assert page.url == f"{live_url}/varberg/"
