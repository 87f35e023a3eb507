"""A scanner triages ten items by keyboard alone: moves with j/k, dismisses with d, undoes
with u, selects with x and dismisses the selection with Shift+D, opens the promote form with
p and logs the signal by typing only the motivation. axe finds nothing on the queue, the
shortcut dialog or the promote form; with the shortcuts turned off the keys do nothing."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from scanning.models import ShortcutPreference, TriageItem, TriageState
from signals.models import Signal

from ..factories import EntryFactory, SubscriptionFactory, TriageItemFactory

QUEUE = "/kungsbacka/scanning/"


@pytest.fixture
def ten(kommun):
    subscription = SubscriptionFactory(organization=kommun, name="SKR nyheter")
    now = timezone.now()
    return [
        TriageItemFactory(
            organization=kommun,
            subscription=subscription,
            entry=EntryFactory(
                feed=subscription.feed,
                title=f"Nyhet {n} om kommunens omvärld",
                link=f"https://example.se/nyheter/{n}",
                published_at=now - timedelta(hours=n),
            ),
        )
        for n in range(1, 11)
    ]


def focused_item(page) -> str | None:
    return page.evaluate(
        "() => document.activeElement && document.activeElement.closest('.queue-item')"
        " ? document.activeElement.closest('.queue-item').dataset.item : null"
    )


def wait_for_focus(page, pk):
    # A locator, not wait_for_function: the page's CSP forbids evaluating strings.
    page.locator(f'.queue-item[data-item="{pk}"]:focus').wait_for()


def settle(page):
    page.locator(".htmx-request").first.wait_for(state="detached")


def press(page, key):
    page.keyboard.press(key)
    settle(page)


def state(item) -> str:
    item.refresh_from_db()
    return item.state


def test_a_scanner_triages_ten_items_by_keyboard(page, members, ten, login_as, assert_accessible):
    login_as(page, members["scanner"].username)
    page.goto(QUEUE)
    assert page.locator(".queue-item").count() == 10
    assert_accessible(page)

    # j moves to the first item, j again to the second, k back.
    press(page, "j")
    assert focused_item(page) == str(ten[0].pk)
    press(page, "j")
    assert focused_item(page) == str(ten[1].pk)
    press(page, "k")
    assert focused_item(page) == str(ten[0].pk)

    # d dismisses it: the row leaves, focus moves to the next one, the status offers Undo.
    with page.expect_response(lambda r: "/dismiss/" in r.url):
        press(page, "d")
    page.locator(f'.queue-item[data-item="{ten[0].pk}"]').wait_for(state="detached")
    wait_for_focus(page, ten[1].pk)
    assert state(ten[0]) == TriageState.DISMISSED
    assert page.locator("#queue-status [data-undo]").is_visible()
    assert page.locator("#queue-count").inner_text().startswith("9")
    assert_accessible(page)

    # u undoes it: the item is back, and focused.
    with page.expect_response(lambda r: "/undo/" in r.url):
        press(page, "u")
    page.locator(f'.queue-item[data-item="{ten[0].pk}"]').wait_for()
    wait_for_focus(page, ten[0].pk)
    assert state(ten[0]) == TriageState.NEW

    # x selects this one and the next two; Shift+D dismisses the three.
    press(page, "x")
    press(page, "j")
    press(page, "x")
    press(page, "j")
    press(page, "x")
    assert page.locator("[data-select]:checked").count() == 3
    with page.expect_response(lambda r: "/items/dismiss/" in r.url):
        press(page, "Shift+D")
    page.locator(".queue-item").nth(6).wait_for()
    settle(page)
    assert page.locator(".queue-item").count() == 7
    assert [state(item) for item in ten[:3]] == [TriageState.DISMISSED] * 3

    # d on two more, each time focus stays in the list.
    press(page, "j")
    for _ in range(2):
        before = focused_item(page)
        with page.expect_response(lambda r: "/dismiss/" in r.url):
            press(page, "d")
        page.locator(f'.queue-item[data-item="{before}"]').wait_for(state="detached")
        page.locator(".queue-item:focus").wait_for()
    assert page.locator(".queue-item").count() == 5

    # ? opens the shortcut list in a dialog; Escape closes it.
    page.keyboard.press("?")
    dialog = page.locator("#shortcut-help")
    dialog.wait_for(state="visible")
    assert_accessible(page)
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")

    # p on the current item opens the promote form, filled in; only the motivation is typed.
    page.keyboard.press("j")
    target = focused_item(page)
    after_target = page.locator(f'.queue-item[data-item="{target}"]').evaluate(
        "item => item.closest('li').nextElementSibling.querySelector('.queue-item').dataset.item"
    )
    with page.expect_navigation():
        page.keyboard.press("p")
    assert f"/scanning/items/{target}/promote/?next=" in page.url
    assert_accessible(page)
    page.locator("#id_motivation:focus").wait_for()
    page.keyboard.type("Våra förvaltningar frågar efter just detta.")
    for _ in range(100):
        page.keyboard.press("Tab")
        if page.evaluate(
            "() => document.activeElement.matches('form.signal-form button[type=submit]')"
        ):
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")

    signal = Signal.objects.get()
    promoted = TriageItem.objects.get(pk=target)
    assert promoted.state == TriageState.PROMOTED and promoted.signal == signal
    assert signal.motivation == "Våra förvaltningar frågar efter just detta."
    assert signal.sources.get().url == promoted.entry.link
    # Back in the queue, where the triage goes on, the new signal a link away.
    assert page.url.endswith(QUEUE)
    page.locator(f'.messages a[href="/kungsbacka/signals/{signal.pk}/"]').wait_for()
    assert page.locator(".queue-item").count() == 4
    # The triage goes on from the item after the promoted one, not from the top.
    wait_for_focus(page, after_target)
    assert_accessible(page)

    # The items dismissed on the way can all be put back, not only the last.
    page.goto(QUEUE + "items/dismissed/")
    assert page.locator(".dismissed-item").count() == 5
    assert_accessible(page)
    with page.expect_navigation():
        page.locator(".dismissed-item button").last.click()
    assert page.locator(".dismissed-item").count() == 4


def test_back_from_the_promote_form_the_reader_is_where_they_were(page, members, ten, login_as):
    login_as(page, members["scanner"].username)
    page.goto(QUEUE)
    for _ in range(3):
        press(page, "j")
    assert focused_item(page) == str(ten[2].pk)
    with page.expect_navigation():
        page.keyboard.press("p")
    with page.expect_navigation():
        page.get_by_role("link", name="Tillbaka till inkorgen").first.click()
    wait_for_focus(page, ten[2].pk)
    press(page, "j")
    assert focused_item(page) == str(ten[3].pk)


def test_dismissing_an_item_whose_feed_was_removed_meanwhile_says_it_is_gone(
    page, members, ten, login_as
):
    login_as(page, members["scanner"].username)
    page.goto(QUEUE)
    press(page, "j")
    TriageItem.objects.filter(pk=ten[0].pk).delete()  # its feed removed in another tab
    with page.expect_response(lambda r: "/dismiss/" in r.url):
        press(page, "d")
    page.locator(f'.queue-item[data-item="{ten[0].pk}"]').wait_for(state="detached")
    assert "finns inte längre i inkorgen" in page.locator("#queue-status").inner_text()
    wait_for_focus(page, ten[1].pk)


def test_with_shortcuts_off_the_keys_do_nothing(page, members, ten, login_as, assert_accessible):
    ShortcutPreference.objects.create(user=members["scanner"], keyboard_shortcuts=False)
    login_as(page, members["scanner"].username)
    page.goto(QUEUE)
    assert page.locator("#queue[data-shortcuts=off]").count() == 1
    assert_accessible(page)
    page.locator(".queue-item").first.focus()
    for key in ("j", "d", "x", "Shift+D", "?"):
        page.keyboard.press(key)
    settle(page)
    assert not page.locator("#shortcut-help").count()
    assert page.locator(".queue-item").count() == 10
    assert page.locator("[data-select]:checked").count() == 0
    assert all(state(item) == TriageState.NEW for item in ten)

    # The page says how to turn them on again, and the button does.
    with page.expect_navigation():
        page.get_by_role("button", name="Slå på dem").click()
    assert page.locator("#queue[data-shortcuts=on]").count() == 1


def test_dismissing_the_last_item_says_the_queue_is_empty(page, members, ten, login_as):
    for item in ten[1:]:
        item.state = TriageState.DISMISSED
        item.save()
    login_as(page, members["scanner"].username)
    page.goto(QUEUE)
    # The list's refill answers after the dismissal's own swap has settled, as on a busy
    # server: focus still reaches the sentence saying why the list is empty.
    page.route(f"**{QUEUE}", lambda route: (time.sleep(0.3), route.continue_()))

    page.locator("[data-dismiss]").click()

    empty = page.get_by_text("Inkorgen är tom: alla poster är omhändertagna.")
    empty.wait_for()
    assert page.locator(".queue-item").count() == 0
    page.locator("#queue-results .empty:focus").wait_for()  # focus is not lost to <body>
    # Undo is still offered, and brings the item back.
    page.get_by_role("button", name="Ångra").click()
    page.locator(f'.queue-item[data-item="{ten[0].pk}"]').wait_for()
    assert state(ten[0]) == TriageState.NEW


def test_a_page_of_older_items_starts_at_its_first_item_said_aloud(
    page, kommun, members, login_as, assert_accessible
):
    subscription = SubscriptionFactory(organization=kommun, name="SKR nyheter")
    now = timezone.now()
    items = [
        TriageItemFactory(
            organization=kommun,
            subscription=subscription,
            entry=EntryFactory(
                feed=subscription.feed, title=f"Post {n}", published_at=now - timedelta(hours=n)
            ),
        )
        for n in range(1, 31)
    ]
    login_as(page, members["scanner"].username)
    page.goto(QUEUE)

    older = page.get_by_role("link", name="Äldre poster")
    older.scroll_into_view_if_needed()
    with page.expect_response(lambda r: "before=" in r.url):
        older.click()
    settle(page)

    wait_for_focus(page, items[25].pk)  # the 26th newest: the second page's first
    assert page.locator("#queue-status").inner_text() == "Äldre poster visas."
    top = page.evaluate("() => document.querySelector('.queue-list').getBoundingClientRect().top")
    assert 0 <= top < 200
    assert_accessible(page)


def test_shift_d_with_nothing_selected_says_to_select_first(page, members, ten, login_as):
    login_as(page, members["scanner"].username)
    page.goto(QUEUE)
    press(page, "j")

    with page.expect_response(lambda r: "/items/dismiss/" in r.url):
        press(page, "Shift+D")

    page.get_by_text("Markera först de poster som ska avfärdas.").wait_for()
    assert page.locator(".queue-item").count() == 10
