"""The editor writes the report: an analysis saves itself as it is typed ("Sparat"), is there
after a reload, and a colleague's save in between is offered back rather than overwritten.
axe finds nothing on the compose page, with or without the conflict message."""

import re

import pytest
from django.utils import timezone

from reports.compose_services import candidate_analysis_save
from reports.models import Candidate, Decision
from reports.services import candidate_decide, cycle_open

from ..factories import SignalFactory

# "Sparat 14:03", not "Inte sparat: …".
SAVED = re.compile(r"^Sparat \d")


@pytest.fixture
def cycle(kommun, members):
    for number in range(1, 6):
        SignalFactory(organization=kommun, title=f"Vald signal {number}")
    cycle = cycle_open(organization=kommun, month=timezone.localdate())
    for candidate in Candidate.objects.filter(cycle=cycle).order_by("pk"):
        candidate_decide(
            candidate=candidate,
            user=members["editor"],
            decision=Decision.IN,
            expected_version=candidate.version,
        )
    return cycle


def test_the_editor_writes_an_analysis_that_saves_as_typed(
    page, members, cycle, login_as, assert_accessible
):
    login_as(page, members["editor"].username)
    page.goto(f"/kungsbacka/reports/{cycle.pk}/compose/")
    assert page.locator("li.compose-signal").count() == 5
    assert_accessible(page)

    first = Candidate.objects.filter(cycle=cycle).order_by("position").first()
    meaning = page.locator(f"#candidate-{first.pk}-meaning")
    meaning.fill("Fler äldre i Kungsbacka: hemtjänsten behöver växa.")
    page.locator(f"#candidate-{first.pk}-status", has_text=SAVED).wait_for()
    first.refresh_from_db()
    assert first.meaning == "Fler äldre i Kungsbacka: hemtjänsten behöver växa."

    # Typing on after the save carries the new version: no conflict with oneself.
    meaning.press("End")
    meaning.type(" Och fler undersköterskor.")
    page.locator(f'#candidate-{first.pk}-version[value="{first.version + 1}"]').wait_for(
        state="attached"
    )
    page.reload()
    assert (
        page.locator(f"#candidate-{first.pk}-meaning")
        .input_value()
        .endswith("Och fler undersköterskor.")
    )

    # A colleague saves in between: the editor's next save is shown their text instead.
    first.refresh_from_db()
    candidate_analysis_save(
        candidate=first,
        user=members["admin"],
        expected_version=first.version,
        audience="Kollegans mottagare",
    )
    audience = page.locator(f"#candidate-{first.pk}-audience")
    audience.fill("Mina mottagare")
    conflict = page.locator(f"#candidate-{first.pk}-feedback .conflict")
    conflict.wait_for()
    assert "Kollegans mottagare" in conflict.inner_text()
    assert_accessible(page)
    conflict.get_by_role("button", name="Skriv över med min").click()
    page.locator(f"#candidate-{first.pk}-status", has_text=SAVED).wait_for()
    first.refresh_from_db()
    assert first.audience == "Mina mottagare"
