"""The editor orders the shortlist on the ranking board by dragging, with a mouse and with a
finger: the new order is saved, said in the status region, and there after a reload; Escape
or a lost connection puts the list back. The Up and Down buttons still do the same from the
keyboard. axe finds nothing on the board, before or after."""

import pytest
from django.utils import timezone

from reports.models import Candidate, Decision
from reports.services import candidate_decide, cycle_open

from ..factories import SignalFactory

TITLES = [f"Vald signal {number}" for number in range(1, 6)]


@pytest.fixture
def cycle(kommun, members):
    for title in TITLES:
        SignalFactory(organization=kommun, title=title)
    cycle = cycle_open(organization=kommun, month=timezone.localdate())
    for candidate in Candidate.objects.filter(cycle=cycle).order_by("signal__title"):
        candidate_decide(
            candidate=candidate,
            user=members["editor"],
            decision=Decision.IN,
            expected_version=candidate.version,
        )
    return cycle


def saved_order(cycle) -> list[str]:
    chosen = Candidate.objects.filter(cycle=cycle, decision=Decision.IN).order_by("position")
    return [candidate.signal.title for candidate in chosen.select_related("signal")]


def shown_order(page) -> list[str]:
    return page.locator("#shortlist .shortlist__title").all_inner_texts()


def centre(locator) -> tuple[float, float]:
    box = locator.bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def is_order_post(response) -> bool:
    return "/shortlist/order/" in response.url and response.request.method == "POST"


def test_the_editor_drags_a_signal_to_the_top_with_the_mouse(
    page, members, cycle, login_as, assert_accessible
):
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 1280, "height": 900})
    login_as(page, members["editor"].username)
    page.goto(f"/kungsbacka/reports/{cycle.pk}/board/")
    handles = page.locator("#shortlist [data-drag-handle]")
    assert handles.count() == 5 and handles.first.is_visible()
    assert page.locator("[data-drag-hint]").is_visible()
    assert_accessible(page)

    last = page.locator("#shortlist li").nth(4)
    start_x, start_y = centre(last.locator("[data-drag-handle]"))
    _, top_y = centre(page.locator("#shortlist li").first)
    page.mouse.move(start_x, start_y)
    page.mouse.down()
    with page.expect_response(is_order_post):
        page.mouse.move(start_x, top_y - 10, steps=12)
        assert page.locator("#shortlist li.is-dragging").count() == 1
        page.mouse.up()
    status = page.locator("#board-status")
    status.filter(has_text="”Vald signal 5” är nu nummer 1.").wait_for()
    assert status.get_attribute("aria-live") == "polite"
    assert shown_order(page)[0] == "Vald signal 5"
    assert saved_order(cycle) == ["Vald signal 5", *TITLES[:4]]
    assert_accessible(page)

    page.reload()
    assert shown_order(page) == ["Vald signal 5", *TITLES[:4]]

    # Escape while dragging puts the list back and saves nothing.
    first = page.locator("#shortlist li").first
    x, y = centre(first.locator("[data-drag-handle]"))
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y + 150, steps=8)
    page.keyboard.press("Escape")
    page.mouse.up()
    assert shown_order(page) == ["Vald signal 5", *TITLES[:4]]
    assert saved_order(cycle) == ["Vald signal 5", *TITLES[:4]]

    # The keyboard's way: the Up button, focus kept on the moved signal's button.
    page.get_by_role("button", name="Flytta upp: Vald signal 2").focus()
    with page.expect_response(lambda r: "/move/" in r.url):
        page.keyboard.press("Enter")
    status.filter(has_text="”Vald signal 2” är nu nummer 2.").wait_for()
    expect(page.get_by_role("button", name="Flytta upp: Vald signal 2")).to_be_focused()
    now = ["Vald signal 5", "Vald signal 2", "Vald signal 1", *TITLES[2:4]]
    assert saved_order(cycle) == now

    # The connection drops: the list goes back as it was, and the status region says so.
    page.route("**/shortlist/order/", lambda route: route.abort())
    x, y = centre(page.locator("#shortlist li").first.locator("[data-drag-handle]"))
    _, bottom_y = centre(page.locator("#shortlist li").last)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, bottom_y + 10, steps=12)
    page.mouse.up()
    status.filter(has_text="Den nya ordningen kunde inte sparas").wait_for()
    assert shown_order(page) == now and saved_order(cycle) == now
    assert_accessible(page)


def test_the_editor_drags_a_signal_with_a_finger(browser, live_url, members, cycle, login_as):
    context = browser.new_context(
        locale="sv-SE",
        base_url=live_url,
        reduced_motion="reduce",
        viewport={"width": 375, "height": 740},
        has_touch=True,
        is_mobile=True,
    )
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        login_as(page, members["editor"].username)
        page.goto(f"/kungsbacka/reports/{cycle.pk}/board/")
        handle = page.locator("#shortlist li").first.locator("[data-drag-handle]")
        handle.scroll_into_view_if_needed()
        x, y = centre(handle)
        _, target_y = centre(page.locator("#shortlist li").nth(2))
        finger = context.new_cdp_session(page)

        def touch(kind: str, *points: dict) -> None:
            finger.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": list(points)})

        touch("touchStart", {"x": x, "y": y})
        with page.expect_response(is_order_post):
            for step in range(1, 11):
                touch("touchMove", {"x": x, "y": y + (target_y + 10 - y) * step / 10})
            touch("touchEnd")
        page.locator("#board-status", has_text="”Vald signal 1” är nu nummer 3.").wait_for()
        moved = ["Vald signal 2", "Vald signal 3", "Vald signal 1", *TITLES[3:]]
        assert saved_order(cycle) == moved
        page.reload()
        assert shown_order(page) == moved
        assert errors == []
    finally:
        context.close()
