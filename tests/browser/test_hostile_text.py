"""Hostile text in the browser: a 250-character word in a title (the most a title holds) wraps
at 320 CSS pixels instead of making the detail, list, history or start page scroll sideways
(WCAG 1.4.10), and text people wrote is isolated from the text around it."""

import pytest

from signals.models import Level, Tag

from ..factories import SignalFactory

WORD = "Omvärldsbevakningsrapport" * 10  # 250 characters, no space to break at


@pytest.fixture
def long_word_signal(kommun, members):
    return SignalFactory(
        organization=kommun,
        created_by=members["scanner"],
        title=WORD,
        motivation=WORD,
        level=Level.OUTER,
        sources=[(f"https://example.se/{WORD}", WORD[:200])],
        tags=[WORD[:60]],
    )


def _overflow(page) -> int:
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_a_250_character_word_wraps_at_320_pixels(page, login_as, members, long_word_signal):
    page.set_viewport_size({"width": 320, "height": 640})
    login_as(page, members["scanner"].username)
    detail = long_word_signal.get_absolute_url()
    for path in (detail, f"{detail}history/", "/kungsbacka/signals/", "/kungsbacka/"):
        page.goto(path)
        assert WORD in page.locator("main").inner_text()
        assert _overflow(page) <= 0, f"{path} is {_overflow(page)}px wider than the screen"


def test_a_long_tag_name_wraps_on_the_settings_page(page, login_as, members, long_word_signal):
    page.set_viewport_size({"width": 320, "height": 640})
    login_as(page, members["admin"].username)
    tag = Tag.objects.get(signals=long_word_signal)
    for path in ("/kungsbacka/settings/tags/", f"/kungsbacka/settings/tags/{tag.pk}/"):
        page.goto(path)
        assert _overflow(page) <= 0, f"{path} is {_overflow(page)}px wider than the screen"


def test_user_text_is_isolated(page, login_as, members, signal, assert_accessible):
    login_as(page, members["scanner"].username)
    page.goto("/kungsbacka/signals/")
    title_link = page.locator(".signal-table__title a").first
    assert title_link.evaluate("e => getComputedStyle(e).unicodeBidi") == "isolate"
    assert (
        page.locator(".tag-list li").first.evaluate("e => getComputedStyle(e).unicodeBidi")
        == "isolate"
    )
    page.goto(signal.get_absolute_url() + "history/")
    assert page.locator("h1 bdi").inner_text() == signal.title
    assert_accessible(page)


def test_a_long_feed_name_wraps_on_the_scanning_pages(page, kommun, login_as, members):
    from scanning.models import TriageState

    from ..factories import EntryFactory, KeywordRuleFactory, SubscriptionFactory, TriageItemFactory

    name = WORD[:200]  # the most a feed's name holds
    subscription = SubscriptionFactory(organization=kommun, name=name)
    KeywordRuleFactory(organization=kommun, subscription=subscription, phrase=WORD[:200])
    TriageItemFactory(
        organization=kommun,
        subscription=subscription,
        entry=EntryFactory(feed=subscription.feed, title=WORD),
    )
    TriageItemFactory(
        organization=kommun,
        subscription=subscription,
        entry=EntryFactory(feed=subscription.feed, title="Avfärdad"),
        state=TriageState.DISMISSED,
        decided_by=members["scanner"],
    )
    page.set_viewport_size({"width": 320, "height": 640})
    login_as(page, members["scanner"].username)
    for path in ("feeds/", "feeds/rules/", "", "items/dismissed/"):
        page.goto(f"/kungsbacka/scanning/{path}")
        assert name in page.locator("main").inner_text()
        assert _overflow(page) <= 0, f"{path} is {_overflow(page)}px wider than the screen"
    # A message that quotes the name: pausing the feed, said on its card.
    page.goto("/kungsbacka/scanning/feeds/")
    page.locator("main form[action$='/pause/'] button[type=submit]").first.click()
    page.wait_for_load_state()
    assert name in page.locator(f"#feed-{subscription.pk} [role=status]").inner_text()
    assert _overflow(page) <= 0, f"the message is {_overflow(page)}px wider than the screen"
