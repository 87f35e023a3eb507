"""Watched areas in a real browser: a scanner chooses their areas from the start page by
keyboard, sees the latest signals in them, and narrows the list to them; the admin sets a
member's areas. axe finds no WCAG 2.1 AA violations on the way."""

import re

from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from signals.models import AreaWatch

from ..factories import SignalFactory


def sv(message: str) -> str:
    with translation.override("sv"):
        return gettext(message)


def test_a_scanner_chooses_their_areas_and_follows_them(
    page, kommun, members, login_as, assert_accessible
):
    SignalFactory(organization=kommun, title="Skyfall i Onsala", area="Klimat och miljö")
    SignalFactory(organization=kommun, title="Ny e-tjänst", area="Digitalisering")
    login_as(page, members["scanner"].username)
    page.goto("/kungsbacka/")
    card = page.get_by_role("region", name=sv("Your areas"))
    assert_accessible(page)

    with page.expect_navigation():
        card.get_by_role("link", name=sv("Choose your areas")).click()
    assert page.url.endswith("/kungsbacka/signals/my-areas/")
    assert_accessible(page)
    # By keyboard: focus the checkbox, tick it with the space bar, submit with Enter.
    klimat = page.get_by_role("checkbox", name="Klimat och miljö")
    klimat.focus()
    page.keyboard.press("Space")
    expect(klimat).to_be_checked()
    page.get_by_role("button", name=sv("Save my areas")).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url.endswith("/kungsbacka/")
    expect(page.locator(".message--success")).to_contain_text("Klimat och miljö")
    expect(card).to_contain_text("Skyfall i Onsala")
    expect(card).not_to_contain_text("Ny e-tjänst")
    assert_accessible(page)

    with page.expect_navigation():
        card.get_by_role("link", name=sv("All signals in your areas")).click()
    expect(page.get_by_role("checkbox", name=sv("Only my areas"))).to_be_checked()
    titles = page.locator("#results .signal-table__title > a")
    expect(titles).to_have_text(["Skyfall i Onsala"])
    assert_accessible(page)

    # Unticking it widens the list in place (htmx) and the address follows.
    page.get_by_role("checkbox", name=sv("Only my areas")).uncheck()
    expect(titles).to_have_count(2)
    expect(page).to_have_url(re.compile(r"/kungsbacka/signals/$"))


def test_the_admin_sets_a_members_areas(page, kommun, members, login_as, assert_accessible):
    scanner = members["scanner"].memberships.get()
    login_as(page, members["admin"].username)
    page.goto("/kungsbacka/settings/members/")
    assert_accessible(page)
    name = members["scanner"].first_name
    with page.expect_navigation():
        page.get_by_role(
            "link", name=f"{sv('Areas')} {sv('%(name)s watches') % {'name': name}}"
        ).click()
    assert page.url.endswith(f"/kungsbacka/settings/members/{scanner.pk}/areas/")
    assert_accessible(page)
    page.get_by_role("checkbox", name="Digitalisering").check()
    with page.expect_navigation():
        page.get_by_role("button", name=sv("Save areas")).click()
    assert page.url.endswith("/kungsbacka/settings/members/")
    assert [w.area.name for w in AreaWatch.objects.filter(membership=scanner)] == ["Digitalisering"]

    page.goto("/kungsbacka/settings/areas/")
    summary = page.get_by_role("region", name=sv("Areas nobody watches"))
    expect(summary).not_to_contain_text("Digitalisering")
    expect(summary).to_contain_text("Klimat och miljö")
    assert_accessible(page)
