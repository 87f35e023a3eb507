"""From a reported signal to an action, and the action done: Lena (management) opens the
published report, follows it up, answers the three questions in place and adds an action
(a past due date is refused beside the field first); Anna (editor), its owner, finds it on her
start page and marks it done in place, with a note that the history keeps. axe finds nothing
on any page on the way."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from followup.models import Action, ActionStatus
from reports.models import Decision
from signals.models import Level

from ..conftest import make_member
from ..factories import CandidateFactory, PublishedReportFactory, ReportCycleFactory, SignalFactory


def label(text: str) -> re.Pattern:
    return re.compile(rf"^{re.escape(text)}:?$")


@pytest.fixture
def report(kommun):
    month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    cycle = ReportCycleFactory(organization=kommun, month=month, state="published")
    for position, title in enumerate(
        ("Färre barn föds – förskolor står halvtomma", "EU:s AI-förordning börjar gälla"),
        start=1,
    ):
        CandidateFactory(
            cycle=cycle,
            signal=SignalFactory(
                organization=kommun,
                title=title,
                level=Level.OUTER,
                shared_with_staff=True,
                time_horizon="1-3",  # on the report's radar, which axe checks with the page
            ),
            decision=Decision.IN,
            position=position,
        )
    return PublishedReportFactory(cycle=cycle)


@pytest.fixture
def people(kommun):
    return {
        "lena": make_member(kommun, "management", "lena"),
        "anna": make_member(kommun, "editor", "anna"),
    }


def test_management_adds_an_action_and_its_owner_marks_it_done(
    page, browser, live_url, login_as, assert_accessible, report, people
):
    login_as(page, "lena")
    page.goto(f"/kungsbacka/reports/published/{report.pk}/")
    assert page.locator("section.report-radar .radar__dot").count() == 2
    panel = page.locator(".followup-panel")
    assert "Inget har beslutats" in panel.inner_text()
    assert_accessible(page)
    panel.get_by_role("link", name="Följ upp rapporten").click()
    page.get_by_role("heading", level=1, name=re.compile("Uppföljning av rapporten")).wait_for()
    assert_accessible(page)

    # The three questions open and save in place.
    first = page.locator("section.followup-signal").first
    first.get_by_role("link", name=re.compile("^Svara på de tre frågorna")).click()
    page.get_by_label(label("Vilken risk eller möjlighet är detta?")).fill(
        "En möjlighet: färre barn ger lokaler till annat."
    )
    assert_accessible(page)
    first.get_by_role("button", name="Spara svaren").click()
    first.get_by_text("Svaren är sparade.").wait_for()
    assert "En möjlighet: färre barn ger lokaler till annat." in first.inner_text()
    assert "/questions/" not in page.url  # stayed on the page

    first.get_by_role("link", name=re.compile("^Lägg till en åtgärd")).click()
    page.get_by_role("heading", level=1, name="Lägg till en åtgärd").wait_for()
    assert_accessible(page)
    page.get_by_label(label("Vad ska göras?")).fill("Utred flexibla lokaler i Kolla")
    page.get_by_label("Utredning").check()
    page.get_by_label(label("Ansvarig")).select_option(label="Anna")
    yesterday = timezone.localdate() - timedelta(days=1)
    page.get_by_label(label("Klart senast")).fill(yesterday.isoformat())
    page.get_by_label(label("Status")).select_option(label="Beslutad")
    page.get_by_role("button", name="Lägg till åtgärden").click()
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert "Datumet har redan passerat" in summary.inner_text()
    assert_accessible(page)
    in_a_month = timezone.localdate() + timedelta(days=30)
    page.get_by_label(label("Klart senast")).fill(in_a_month.isoformat())
    page.get_by_role("button", name="Lägg till åtgärden").click()
    page.get_by_text("Åtgärden är tillagd.").wait_for()
    first = page.locator("section.followup-signal").first
    assert "Utred flexibla lokaler i Kolla" in first.inner_text()
    assert_accessible(page)
    action = Action.objects.get()
    assert (action.owner, action.status, action.created_by) == (
        people["anna"],
        ActionStatus.AGREED,
        people["lena"],
    )

    # Anna, the owner, in a browser of her own.
    context = browser.new_context(locale="sv-SE", base_url=live_url, reduced_motion="reduce")
    anna = context.new_page()
    try:
        login_as(anna, "anna")
        card = anna.locator("section", has=anna.get_by_role("heading", name="Din uppföljning"))
        assert_accessible(anna)
        card.get_by_role("link", name="Utred flexibla lokaler i Kolla").click()
        anna.get_by_role("heading", level=1, name="Utred flexibla lokaler i Kolla").wait_for()
        assert_accessible(anna)
        anna.get_by_label(label("Status")).select_option(label="Klar")
        anna.get_by_label(label("Anteckning")).fill("Utredningen är klar och skickad.")
        anna.get_by_role("button", name="Spara statusen").click()
        anna.get_by_text("Statusen är sparad.").wait_for()
        history = anna.locator(".history-list")
        assert "ändrade status" in history.inner_text()
        assert "Utredningen är klar och skickad." in history.inner_text()
        assert_accessible(anna)
        action.refresh_from_db()
        assert action.status == ActionStatus.DONE
        assert action.note == "Utredningen är klar och skickad."
        assert action.history.first().history_user == people["anna"]
        # Done: no longer among the open actions.
        anna.get_by_role("link", name="Uppföljning", exact=True).click()
        anna.get_by_text("0 pågående åtgärder").wait_for()
        assert_accessible(anna)
        # The archive shows, under the report, what came of each signal.
        anna.goto("/kungsbacka/reports/published/")
        anna.get_by_text("Vad det ledde till").click()
        came_of_it = anna.locator(".followup-archive")
        assert "Utred flexibla lokaler i Kolla Klar" in came_of_it.inner_text()
        assert_accessible(anna)
    finally:
        context.close()
