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
