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


@pytest.mark.parametrize(("username", "path"), PAGES)
def test_page_fits_320_pixels_without_sideways_scrolling(demo, page, login_as, username, path):
    page.set_viewport_size({"width": 320, "height": 640})
    login_as(page, username, password="spaning-demo")
    page.goto(path)
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{path} is {overflow}px wider than the 320px screen"


def test_signal_detail_and_history_fit_320_pixels(demo, page, login_as):
    page.set_viewport_size({"width": 320, "height": 640})
    login_as(page, "anna", password="spaning-demo")
    page.goto("/kungsbacka/signals/")
    page.locator("main table tbody th a").first.click()
    for url in (page.url, page.url.rstrip("/") + "/history/"):
        page.goto(url)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{url} is {overflow}px wider than the 320px screen"


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
