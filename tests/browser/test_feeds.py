"""Feeds in a real browser: a scanner adds a feed by the address of the page that announces it
(served by the test page server), sees it listed with its health, and tries a keyword rule
with htmx. axe finds no WCAG 2.1 AA violations on the way."""

from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from scanning.models import Subscription

from ..factories import SubscriptionFactory
from ..scanning.feed_bodies import RSS_TYPE, page_announcing, rss


def sv(message: str) -> str:
    with translation.override("sv"):
        return gettext(message)


def test_a_scanner_adds_a_feed_by_its_page_and_sees_its_health(
    page, kommun, members, login_as, assert_accessible, page_server
):
    page_server.add("/nyheter.rss", rss("Länsstyrelsen Halland"), content_type=RSS_TYPE)
    page_url = page_server.add("/nyheter/", page_announcing("/nyheter.rss"))
    login_as(page, members["scanner"].username)
    page.goto("/kungsbacka/")
    with page.expect_navigation():
        page.get_by_role("navigation", name=sv("Main menu")).get_by_role(
            "link", name=sv("Feeds")
        ).click()
    assert page.url.endswith("/kungsbacka/scanning/feeds/")
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_role("link", name=sv("Add a feed")).click()
    assert_accessible(page)
    page.get_by_label(sv("Address of the feed or of a web page")).fill(page_url)
    with page.expect_navigation():
        page.get_by_role("button", name=sv("Add feed")).click()

    assert page.url.endswith("/kungsbacka/scanning/feeds/")
    expect(page.locator(".message--success")).to_contain_text("Länsstyrelsen Halland")
    feed = page.locator(".feed").first
    expect(feed.get_by_role("heading", name="Länsstyrelsen Halland")).to_be_visible()
    expect(feed).to_contain_text(page_server.url("/nyheter.rss"))
    expect(feed).to_contain_text(sv("Polled"))
    expect(feed).to_contain_text(sv("Entries per week"))
    assert Subscription.objects.get(organization=kommun).feed.url == page_server.url("/nyheter.rss")
    assert_accessible(page)


def test_pausing_a_feed_far_down_the_page_keeps_the_reader_at_its_card(
    page, kommun, members, login_as, assert_accessible
):
    for n in range(8):
        SubscriptionFactory(organization=kommun, name=f"Flöde {n}")
    last = SubscriptionFactory(organization=kommun, name="Ö-flödet")
    login_as(page, members["scanner"].username)
    page.goto("/kungsbacka/scanning/feeds/")
    card = page.locator(f"#feed-{last.pk}")
    with page.expect_navigation():
        card.get_by_role("button", name=f"{sv('Pause')} «Ö-flödet»").click()
    expect(page.locator(f"#feed-{last.pk}")).to_be_focused()
    expect(page.locator(f"#feed-{last.pk} [role=status]")).to_contain_text("Ö-flödet")
    expect(page.locator(f"#feed-{last.pk} [role=status]")).to_be_in_viewport()
    assert_accessible(page)


def test_trying_a_keyword_rule(page, kommun, members, login_as, assert_accessible):
    login_as(page, members["scanner"].username)
    page.goto("/kungsbacka/scanning/feeds/rules/")
    assert_accessible(page)
    page.get_by_label(sv("Word or phrase")).fill("fotboll")
    page.get_by_role("button", name=sv("Try it")).click()
    expect(page.locator("#rule-tryout")).to_contain_text("0")
    assert page.url.endswith("/kungsbacka/scanning/feeds/rules/")
    assert_accessible(page)
