"""A scanner scores three candidates by keyboard alone: j/k move between them, 1–3 sets
relevance and Shift+1–3 urgency, and the row saves itself once both are set, showing the
group's scores only then. axe finds nothing on the scoring page or the board."""

import pytest
from django.utils import timezone

from reports.models import Candidate, Score
from reports.services import cycle_open, score_set

from ..factories import SignalFactory


@pytest.fixture
def cycle(kommun, members):
    for number in range(1, 5):
        SignalFactory(organization=kommun, title=f"Kandidat {number} om skolan")
    cycle = cycle_open(organization=kommun, month=timezone.localdate())
    for candidate in Candidate.objects.filter(cycle=cycle):
        score_set(candidate=candidate, user=members["editor"], relevance=3, urgency=1)
    return cycle


def settle(page):
    page.locator(".htmx-request").first.wait_for(state="detached")


def test_a_scanner_scores_three_candidates_by_keyboard(
    page, members, cycle, login_as, assert_accessible
):
    login_as(page, members["scanner"].username)
    page.goto(f"/kungsbacka/reports/{cycle.pk}/score/")
    rows = page.locator(".score-row")
    assert rows.count() == 4
    assert page.locator(".opinions:not(.opinions--hidden)").count() == 0
    assert_accessible(page)

    page.keyboard.press("j")
    for place, (relevance, urgency) in enumerate([("1", "3"), ("2", "2"), ("3", "1")]):
        pk = rows.nth(place).get_attribute("data-candidate")
        page.locator(f'.score-row[data-candidate="{pk}"]:focus').wait_for()
        page.keyboard.press(relevance)
        with page.expect_response(lambda r: "/score/" in r.url and r.request.method == "POST"):
            page.keyboard.press(f"Shift+Digit{urgency}")
        settle(page)
        page.locator(
            f'.score-row[data-candidate="{pk}"] .opinions:not(.opinions--hidden)'
        ).wait_for()
        page.locator(f'.score-row[data-candidate="{pk}"]:focus').wait_for()
        page.keyboard.press("j")

    scores = Score.objects.filter(user=members["scanner"]).order_by("candidate__signal__created_at")
    assert scores.count() == 3
    assert page.locator("#score-progress").inner_text().startswith("3")
    assert page.locator(".opinions:not(.opinions--hidden)").count() == 3
    assert_accessible(page)

    page.keyboard.press("k")
    page.keyboard.press("?")
    page.locator("#shortcut-help[open]").wait_for()
    assert_accessible(page)
    page.keyboard.press("Escape")

    page.goto(f"/kungsbacka/reports/{cycle.pk}/board/")
    assert page.locator("table.board tr.board-row").count() == 4
    # The one left unscored shows none of the group's scores (no anchoring).
    assert page.get_by_text("Bedöm den först för att se gruppens bedömningar").count() == 1
    assert_accessible(page)
