"""The signal list in a real browser: a scanner narrows it by level and searches from the
keyboard, the results and the announced count update in place with the address following
along, and axe finds no WCAG 2.1 AA violations."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext
from playwright.sync_api import expect

from signals.models import Level, Status

from ..factories import SignalFactory


@pytest.fixture
def register(kommun, members):
    scanner = members["scanner"]
    SignalFactory(
        organization=kommun,
        title="Ny förskola i Hede",
        level=Level.INNER,
        area="Samhällsbyggnad",
        tags=["förskola"],
        created_by=scanner,
    )
    SignalFactory(
        organization=kommun,
        title="Halland bygger ut förskolorna",
        level=Level.NEAR,
        description="Regionen räknar med fler barn i förskola.",
        created_by=scanner,
    )
    SignalFactory(
        organization=kommun,
        title="Bussar på vätgas i Göteborg",
        level=Level.NEAR,
        created_by=scanner,
    )
    SignalFactory(
        organization=kommun,
        title="EU:s AI-förordning",
        level=Level.OUTER,
        status=Status.DRAFT,
        created_by=scanner,
    )


def results(page):
    return page.locator("#results .signal-table__title > a")


def wait_for_htmx(page):
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def test_a_scanner_filters_by_level_and_searches_by_keyboard(
    page, members, register, login_as, assert_accessible
):
    login_as(page, members["scanner"].username)
    page.goto("/kungsbacka/signals/")
    with translation.override("sv"):
        level_label = gettext("Level")
        search_label = gettext("Search")
        near = str(Level.NEAR.label)
        one_match = ngettext(
            "%(counter)s signal matches the filters.",
            "%(counter)s signals match the filters.",
            1,
        ) % {"counter": 1}
    expect(results(page)).to_have_count(4)
    assert_accessible(page)

    # Choosing a level updates the results in place; the page is not reloaded.
    page.evaluate("window.notReloaded = true")
    page.get_by_label(level_label, exact=True).select_option(label=near)
    expect(results(page)).to_have_text(
        ["Bussar på vätgas i Göteborg", "Halland bygger ut förskolorna"]
    )
    expect(page).to_have_url(re.compile(r"/signals/\?level=near$"))
    assert page.evaluate("window.notReloaded") is True

    # Search from the keyboard: focus the field, type, Enter.
    search = page.get_by_label(search_label, exact=True)
    search.focus()
    page.keyboard.type("förskola")
    page.keyboard.press("Enter")
    expect(results(page)).to_have_text(["Halland bygger ut förskolorna"])
    expect(page).to_have_url(re.compile(r"q=f%C3%B6rskola"))
    # The count is announced through the page's polite live region.
    expect(page.locator("#result-count[role=status]")).to_have_text(one_match)
    # Focus stays where the user typed.
    assert search.evaluate("element => element === document.activeElement")
    assert page.evaluate("window.notReloaded") is True
    wait_for_htmx(page)
    assert_accessible(page)

    # The address is the state: reloading it shows the same list and the same form.
    page.reload()
    expect(results(page)).to_have_text(["Halland bygger ut förskolorna"])
    expect(page.get_by_label(level_label, exact=True)).to_have_value("near")
    expect(search).to_have_value("förskola")


def test_pages_follow_by_keyboard_and_focus_moves_to_the_new_page(
    page, kommun, members, login_as, assert_accessible
):
    for n in range(30):
        SignalFactory(organization=kommun, title=f"Signal {n:02d}", created_by=members["scanner"])
    login_as(page, members["scanner"].username)
    page.goto("/kungsbacka/signals/")
    expect(results(page)).to_have_count(25)
    page.locator("#page-next").focus()
    page.keyboard.press("Enter")
    expect(results(page)).to_have_count(5)
    expect(page).to_have_url(re.compile(r"/signals/\?page=2$"))
    # The link pressed is gone; focus goes to the new page's table (its caption is read).
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.matches('table.signal-table')"
    )
    assert_accessible(page)


def test_the_list_works_without_javascript(browser, live_url, members, register, login_as):
    context = browser.new_context(locale="sv-SE", base_url=live_url, java_script_enabled=False)
    page = context.new_page()
    try:
        login_as(page, members["scanner"].username)
        page.goto("/kungsbacka/signals/?level=near")
        expect(results(page)).to_have_count(2)
        with translation.override("sv"):
            search_label = gettext("Search")
        page.get_by_label(search_label, exact=True).fill("vätgas")
        with page.expect_navigation():
            page.get_by_label(search_label, exact=True).press("Enter")
        expect(results(page)).to_have_text(["Bussar på vätgas i Göteborg"])
        assert "q=v%C3%A4tgas" in page.url
    finally:
        context.close()


def test_each_level_pill_has_an_even_frame_and_a_dot_of_its_levels_colour(
    page, members, register, login_as
):
    # Issue 7: the level pills showed a grey wedge (a thick grey left border cut by the
    # rounded corner). Each pill's frame is now the same on every side, and its level is a
    # dot in the level's own colour.
    login_as(page, members["scanner"].username)
    page.goto("/kungsbacka/signals/")
    pills = page.locator(".level-counts a.level")
    expect(pills).to_have_count(3)
    dots = set()
    for index in range(3):
        frame, dot = pills.nth(index).evaluate(
            """pill => {
                const style = getComputedStyle(pill);
                const sides = ["top", "right", "bottom", "left"];
                return [
                    sides.map(s => style[`border-${s}-width`] + " " + style[`border-${s}-color`]),
                    getComputedStyle(pill, "::before").backgroundColor,
                ];
            }"""
        )
        assert len(set(frame)) == 1, frame
        dots.add(dot)
    # Three colours, none of them the grey of no level.
    grey = page.evaluate(
        """() => {
            const probe = document.body.appendChild(document.createElement("span"));
            probe.style.background = "var(--muted)";
            return getComputedStyle(probe).backgroundColor;
        }"""
    )
    assert len(dots) == 3 and grey not in dots, (dots, grey)
