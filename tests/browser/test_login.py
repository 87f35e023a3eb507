"""The demo people log in with a real browser, land where their work is, and can leave again."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext

# The section headings each role's start page shows, and the ones it must not show.
SCANNING = ["Recent signals", "Discussions"]
MANAGEMENT = ["Recent signals", "Latest monthly report", "Discussions"]
# Staff read the monthly report too: the point is that everyone gets the result.
STAFF = ["Recent signals", "Latest monthly report", "Discussions"]
START_PAGE_HEADINGS = {
    "anna": SCANNING,  # editor
    "bertil": SCANNING,  # scanner
    "admin": SCANNING,
    "lena": MANAGEMENT,
    "mats": STAFF,
}


def sv(message: str) -> str:
    with translation.override("sv"):
        return gettext(message)


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", "--force", stdout=io.StringIO())  # DEBUG is off in tests


def test_login_page_is_accessible(page, assert_accessible):
    page.goto("/accounts/login/")

    assert page.get_by_role("heading", level=1, name=sv("Log in to Spaning")).is_visible()
    assert_accessible(page)


def test_each_demo_user_lands_on_their_own_accessible_start_page(
    page, live_url, demo, login_as, assert_accessible
):
    # One after the other in one browser, on one demo organisation (seeding it costs more
    # than the rest of the test).
    every_heading = {h for headings in START_PAGE_HEADINGS.values() for h in headings}
    for username, expected in START_PAGE_HEADINGS.items():
        page.context.clear_cookies()
        login_as(page, username, settings.SPANING_DEMO_PASSWORD)

        assert page.url == f"{live_url}/kungsbacka/", username  # where they work
        for heading in expected:
            heading_shown = page.get_by_role("heading", level=2, name=sv(heading))
            assert heading_shown.is_visible(), (username, heading)
        for heading in every_heading - set(expected):
            assert page.get_by_role("heading", name=sv(heading)).count() == 0, (username, heading)
        assert_accessible(page)


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, members, login_as):
    login_as(page, members["scanner"].username)
    page.goto("/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name=sv("Skip to main content"))
    assert skip_link.evaluate("el => el === document.activeElement")
    assert skip_link.is_visible()
    assert skip_link.bounding_box()["y"] >= 0  # shown on screen once focused

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_log_out_ends_the_session(page, members, login_as):
    login_as(page, members["staff"].username)

    page.get_by_role("button", name=sv("Log out")).click()

    page.wait_for_url("**/accounts/login/")
    page.goto("/")
    assert "/accounts/login/" in page.url
    assert page.get_by_role("heading", level=1, name=sv("Log in to Spaning")).is_visible()
