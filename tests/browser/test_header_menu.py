"""On a phone the header is one compact line with a menu button; the menu opens and closes
with it (and Escape), and every page stays accessible. On a desktop the menu is just there."""

import pytest
from django.utils import translation
from django.utils.translation import gettext


def sv(message: str) -> str:
    with translation.override("sv"):
        return gettext(message)


@pytest.mark.parametrize("width", [320, 375, 390])
def test_the_phone_header_folds_into_a_menu(page, members, login_as, assert_accessible, width):
    page.set_viewport_size({"width": width, "height": 700})
    login_as(page, members["scanner"].username)
    page.goto("/kungsbacka/")

    header = page.locator(".site-header")
    assert header.bounding_box()["height"] <= 80  # not a fifth of the screen
    button = page.get_by_role("button", name=sv("Menu"))
    signals_link = page.get_by_role("link", name=sv("Signals"), exact=True)
    assert button.is_visible()
    assert button.get_attribute("aria-expanded") == "false"
    assert not signals_link.is_visible()
    assert_accessible(page)

    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    assert signals_link.is_visible()
    assert page.get_by_role("button", name=sv("Log out")).is_visible()
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    assert_accessible(page)

    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert button.evaluate("el => el === document.activeElement")
    assert not signals_link.is_visible()


def test_the_menu_opens_from_the_keyboard(page, members, login_as):
    page.set_viewport_size({"width": 375, "height": 700})
    login_as(page, members["scanner"].username)
    page.goto("/kungsbacka/")

    page.get_by_role("button", name=sv("Menu")).focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")

    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == sv("Start")


def test_on_a_desktop_the_menu_has_no_button(page, members, login_as):
    page.set_viewport_size({"width": 1280, "height": 800})
    login_as(page, members["scanner"].username)
    page.goto("/kungsbacka/")

    assert not page.get_by_role("button", name=sv("Menu")).is_visible()
    assert page.get_by_role("link", name=sv("Signals"), exact=True).is_visible()


def test_the_list_folds_its_filters_and_sorts_beside_the_results(
    page, members, login_as, assert_accessible, signal
):
    page.set_viewport_size({"width": 375, "height": 700})
    login_as(page, members["scanner"].username)
    page.goto("/kungsbacka/signals/")

    area = page.get_by_label(sv("Area"), exact=False).first
    assert not area.is_visible()
    assert_accessible(page)
    page.get_by_text(sv("More filters")).click()
    assert area.is_visible()

    page.locator("select[name=sort]").select_option("title")
    page.wait_for_url("**/kungsbacka/signals/?sort=title")
    assert page.get_by_role("link", name=signal.title).is_visible()
