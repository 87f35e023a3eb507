"""The overview in a real browser: every mark on the radar is reached with Tab and opens its
signal, a filter swaps the radar in place and the address follows, and axe finds no WCAG 2.1
AA violation on the radar or the dashboard."""

import re

from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from signals.models import Level, Trend

from ..factories import SignalFactory


def sv(message: str) -> str:
    with translation.override("sv"):
        return gettext(message)


def make_register(kommun):
    forces = ["Teknik", "Klimat", "Värderingar", "Globalisering"]
    horizons = ["now", "1-3", "3-10", "10+"]
    signals = []
    for n in range(12):
        trend = Trend.objects.filter(organization=kommun, driving_force__name=forces[n % 4]).first()
        signals.append(
            SignalFactory(
                organization=kommun,
                title=f"Signal {n:02d} om {forces[n % 4].lower()}",
                level=list(Level)[n % 3],
                time_horizon=horizons[(n // 2) % 4],
                impact=1 + n % 4,
                trends=[trend],
                area="Digitalisering",
            )
        )
    return signals


def test_every_radar_mark_is_reached_by_keyboard_and_opens_its_signal(
    page, kommun, members, login_as, assert_accessible
):
    signals = make_register(kommun)
    login_as(page, members["management"].username)
    page.goto("/kungsbacka/overview/radar/")
    assert_accessible(page)
    marks = page.locator(".radar__dot")
    expect(marks).to_have_count(len(signals))

    # From the skip link before the picture, Tab goes through every mark in order.
    page.locator(".radar__skip").focus()
    names = []
    for _ in signals:
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => document.activeElement.classList.contains('radar__dot') &&"
            " document.activeElement.getAttribute('aria-label')"
        )
        assert focused, "Tab left the radar's marks too early"
        names.append(focused.split(" – ")[0])
    assert sorted(names) == sorted(s.title for s in signals)
    # The focused mark is visible to a sighted keyboard user, and has its accessible name.
    focused = page.locator(".radar__dot:focus")
    expect(focused).to_have_accessible_name(re.compile(re.escape(names[-1])))
    target = next(s for s in signals if s.title == names[-1])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/kungsbacka/signals/{target.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(target.title)


def test_a_filter_swaps_the_radar_in_place(page, kommun, members, login_as, assert_accessible):
    make_register(kommun)
    login_as(page, members["scanner"].username)
    page.goto("/kungsbacka/overview/radar/")
    page.get_by_label(sv("Level"), exact=True).select_option("near")
    expect(page.locator(".radar__dot")).to_have_count(4)
    expect(page).to_have_url(re.compile(r"/kungsbacka/overview/radar/\?level=near$"))
    expect(page.locator("#radar-count")).to_contain_text("4")
    page.get_by_label(sv("Sectors")).select_option("area")
    expect(page).to_have_url(re.compile(r"by=area"))
    expect(page.locator(".radar__dot").first).to_have_attribute(
        "aria-label", re.compile("Digitalisering")
    )
    assert_accessible(page)


def test_the_dashboard_is_accessible(page, kommun, members, login_as, assert_accessible):
    make_register(kommun)
    login_as(page, members["editor"].username)
    page.goto("/kungsbacka/")
    expect(page.get_by_role("region", name=sv("Blind spots"))).to_be_visible()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name=sv("Overview"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Overview"))
    assert_accessible(page)
    page.get_by_text(sv("The figures as a table")).click()
    assert_accessible(page)
