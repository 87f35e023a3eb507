"""WCAG 1.4.10 Reflow: at 320 CSS pixels wide (a phone, or 400 % zoom) no page scrolls
sideways, the tables included."""

from io import StringIO

import pytest
from django.core.management import call_command

PAGES = [
    ("bertil", "/"),
    ("bertil", "/kungsbacka/signals/"),
    ("bertil", "/kungsbacka/signals/new/"),
    ("lena", "/"),
    ("lena", "/kungsbacka/overview/"),
    ("admin", "/kungsbacka/settings/members/"),
    ("admin", "/kungsbacka/settings/areas/"),
    ("admin", "/kungsbacka/settings/trends/"),
    ("admin", "/kungsbacka/settings/tags/"),
]


@pytest.fixture
def demo(live_url):
    call_command("seed_demo", "--force", stdout=StringIO())


def _overflow(page) -> int:
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_every_page_fits_320_pixels_without_sideways_scrolling(demo, page, login_as):
    # Every page in one test, on one demo organisation: seeding it costs more than the rest.
    page.set_viewport_size({"width": 320, "height": 640})
    too_wide = []
    user = None
    for username, path in PAGES:
        if username != user:
            page.context.clear_cookies()
            login_as(page, username, password="spaning-demo")
            user = username
        page.goto(path)
        if (overflow := _overflow(page)) > 0:
            too_wide.append(f"{path} ({username}) is {overflow}px wider than the 320px screen")
    # A signal's detail and its history, as an editor sees them.
    page.context.clear_cookies()
    login_as(page, "anna", password="spaning-demo")
    page.goto("/kungsbacka/signals/")
    page.locator("main table tbody th a").first.click()
    for url in (page.url, page.url.rstrip("/") + "/history/"):
        page.goto(url)
        if (overflow := _overflow(page)) > 0:
            too_wide.append(f"{url} is {overflow}px wider than the 320px screen")
    assert too_wide == []


def test_tables_of_figures_keep_their_headings_on_a_phone(demo, page, login_as):
    # A figure means nothing without its column's heading: the dashboard's tables keep their
    # grid (and scroll sideways in their own region) where other tables become cards.
    page.set_viewport_size({"width": 320, "height": 640})
    login_as(page, "lena", password="spaning-demo")
    page.goto("/kungsbacka/overview/")
    for table in page.locator("main table.figures").all()[:3]:
        heading = table.locator("thead th").nth(1)
        heading.scroll_into_view_if_needed()
        box = heading.bounding_box()
        assert box and box["width"] > 1 and box["height"] > 1, "a column heading is hidden"
        row = table.locator("tbody tr").first
        assert row.evaluate("tr => getComputedStyle(tr).display") == "table-row"
