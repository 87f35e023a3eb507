"""A scanner logs a signal with the keyboard alone, sees it, and edits it inline; axe finds no
WCAG 2.1 AA violations on the form (empty and with errors) or on the detail page."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from signals.models import Level, Signal, Status
from signals.services import SourceData, signal_update

from ..factories import SignalFactory


def tab_to(page, selector: str, limit: int = 100):
    """Press Tab until the element is focused, as a keyboard user would; fail if it never is."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{selector} cannot be reached with Tab")


def wait_for_focus(page, selector: str):
    page.wait_for_function(
        "selector => document.activeElement === document.querySelector(selector)", arg=selector
    )


def test_the_empty_form_and_its_errors_are_accessible(page, members, login_as, assert_accessible):
    login_as(page, members["scanner"].username)
    page.goto("/kungsbacka/signals/new/")
    assert_accessible(page)

    tab_to(page, "form.signal-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    wait_for_focus(page, ".error-summary")
    assert page.locator("#id_motivation[aria-invalid=true]").count() == 1
    assert not Signal.objects.exists()
    assert_accessible(page)


def test_a_scanner_logs_a_signal_by_keyboard_and_edits_it_inline(
    page, kommun, members, login_as, assert_accessible
):
    login_as(page, members["scanner"].username)
    page.goto("/kungsbacka/signals/new/")

    tab_to(page, "#id_title")
    page.keyboard.type("Region Halland inför AI-stöd i skolan")
    tab_to(page, "#id_sources-0-url")
    page.keyboard.type("https://www.regionhalland.se/nyheter/ai-i-skolan")
    tab_to(page, "#id_sources-0-name")
    page.keyboard.type("Region Halland")
    tab_to(page, "#id_description")
    page.keyboard.type("Regionen testar **AI-stöd** för lärare i tre kommuner.")
    tab_to(page, "#id_motivation")
    page.keyboard.type("Våra skolor står inför samma beslut inom ett par år.")
    tab_to(page, "#id_level_0")
    page.keyboard.press("ArrowDown")  # Närvärld: the region
    tab_to(page, "#id_tags")
    page.keyboard.type("AI, skola")
    tab_to(page, "#id_trends_0")
    page.keyboard.press("Space")
    tab_to(page, "form.signal-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    signal = Signal.objects.get()
    assert page.url.endswith(f"/kungsbacka/signals/{signal.pk}/")
    assert signal.created_by == members["scanner"]
    assert signal.level == Level.NEAR
    assert signal.status == Status.LOGGED
    assert signal.trends.count() == 1
    assert sorted(signal.tags.values_list("name", flat=True)) == ["AI", "skola"]
    assert signal.sources.get().url == "https://www.regionhalland.se/nyheter/ai-i-skolan"
    assert page.locator("h1").inner_text() == "Region Halland inför AI-stöd i skolan"
    assert page.locator(".message--success").is_visible()
    assert page.locator(".prose strong").inner_text() == "AI-stöd"
    assert_accessible(page)

    # Open two inline forms at once, save one, then the other: the second must not be
    # mistaken for a conflict (the first save hands the new version to every open form).
    tab_to(page, "#signal-field-motivation a.edit-link")
    page.keyboard.press("Enter")
    wait_for_focus(page, "#signal-field-motivation textarea")
    tab_to(page, "#signal-field-title a.edit-link")
    page.keyboard.press("Enter")
    wait_for_focus(page, "#signal-field-title input[name=title]")
    # The page keeps its heading while the title is edited.
    assert page.locator("h1").inner_text() == "Region Halland inför AI-stöd i skolan"
    assert_accessible(page)

    tab_to(page, "#signal-field-motivation textarea")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("Kungsbackas skolor planerar en liknande pilot till hösten.")
    tab_to(page, "#signal-field-motivation button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#signal-field-motivation a.edit-link")
    assert "liknande pilot" in page.locator("#signal-field-motivation").inner_text()

    tab_to(page, "#signal-field-title input[name=title]")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("AI-stöd i Hallands skolor")
    page.keyboard.press("Enter")
    page.wait_for_selector("#signal-field-title form", state="detached")
    page.wait_for_selector("#signal-field-title h1")
    assert page.locator("h1").inner_text() == "AI-stöd i Hallands skolor"
    wait_for_focus(page, "#signal-field-title a.edit-link")

    signal.refresh_from_db()
    assert signal.title == "AI-stöd i Hallands skolor"
    assert signal.motivation == "Kungsbackas skolor planerar en liknande pilot till hösten."
    assert signal.version == 3

    # The history names the change.
    with translation.override("sv"):
        see_changes = gettext("See all changes")
    tab_to(page, f"text={see_changes}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Region Halland inför AI-stöd i skolan" in page.locator("main").inner_text()
    assert_accessible(page)

    # And the register finds it among others: search from the keyboard, open the result.
    SignalFactory(
        organization=kommun,
        created_by=members["editor"],
        title="Ny busslinje till Särö",
        motivation="Fler reser kollektivt till kusten.",
        level=Level.INNER,
        sources=[SourceData(name="Hallandstrafiken")],
    )
    page.goto("/kungsbacka/signals/")
    assert page.locator("main table tbody th a").count() == 2
    with translation.override("sv"):
        search_label = gettext("Search")
    page.get_by_label(search_label, exact=True).focus()
    page.keyboard.type("skolor")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=skolor"))
    page.wait_for_function("document.querySelectorAll('main table tbody th a').length === 1")
    result = page.locator("main table tbody th a")
    assert result.all_inner_texts() == ["AI-stöd i Hallands skolor"]
    tab_to(page, "main table tbody th a")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/kungsbacka/signals/{signal.pk}/")


def test_a_form_opened_before_a_colleagues_save_tells_of_the_conflict(
    page, kommun, members, login_as
):
    """Anna opens the motivation; Bertil saves a new motivation; Anna opens and saves the
    title; Anna saves her motivation: she is told, and Bertil's text stays."""
    signal = SignalFactory(
        organization=kommun,
        created_by=members["scanner"],
        title="Regionen inför AI-stöd i skolan",
        motivation="Våra skolor står inför samma beslut.",
        level=Level.NEAR,
        sources=[SourceData(name="Region Halland")],
    )
    login_as(page, members["editor"].username)
    page.goto(f"/kungsbacka/signals/{signal.pk}/")
    page.locator("#signal-field-motivation a.edit-link").click()
    wait_for_focus(page, "#signal-field-motivation textarea")

    signal_update(
        signal=signal, user=members["scanner"], expected_version=1, motivation="Bertils text."
    )

    page.locator("#signal-field-title a.edit-link").click()
    wait_for_focus(page, "#signal-field-title input[name=title]")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("Annas rubrik")
    page.keyboard.press("Enter")
    page.wait_for_selector("#signal-field-title form", state="detached")

    page.locator("#signal-field-motivation textarea").fill("Annas gamla text.")
    page.locator("#signal-field-motivation button[type=submit]").click()
    conflict = page.locator("#signal-field-motivation .conflict")
    conflict.wait_for()
    assert "Bertils text." in conflict.inner_text()
    assert page.locator("#signal-field-motivation textarea").input_value() == "Annas gamla text."
    signal.refresh_from_db()
    assert (signal.title, signal.motivation) == ("Annas rubrik", "Bertils text.")


@pytest.fixture
def article(page_server):
    return page_server.add(
        "/artikel", "<html><head><title>Skolverket: nya riktlinjer</title></head></html>"
    )


def test_a_suggested_title_is_used_only_when_asked(
    page, members, login_as, assert_accessible, article
):
    login_as(page, members["scanner"].username)
    page.goto("/kungsbacka/signals/new/")
    tab_to(page, "#id_title")
    page.keyboard.type("Min egen rubrik")
    tab_to(page, "#id_sources-0-url")
    page.keyboard.type(article)
    with translation.override("sv"):
        use_it = gettext("Use this title")
    button = page.get_by_role("button", name=use_it)
    button.wait_for()
    assert "Skolverket: nya riktlinjer" in page.locator("#title-suggestion").inner_text()
    assert page.locator("#id_title").input_value() == "Min egen rubrik"  # typed text stays
    assert_accessible(page)

    tab_to(page, "#title-suggestion button")
    page.keyboard.press("Enter")
    assert page.locator("#id_title").input_value() == "Skolverket: nya riktlinjer"
    wait_for_focus(page, "#id_title")
