"""The organisation admin's settings pages in a real browser: no axe violations, and the
actions are buttons named after what they act on, usable from the keyboard."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext

from signals.models import Area, Tag

from ..factories import MembershipFactory, SignalFactory

PAGES = [
    "/kungsbacka/settings/areas/",
    "/kungsbacka/settings/areas/new/",
    "/kungsbacka/settings/trends/",
    "/kungsbacka/settings/trends/new/",
    "/kungsbacka/settings/driving-forces/",
    "/kungsbacka/settings/driving-forces/new/",
    "/kungsbacka/settings/tags/",
    "/kungsbacka/settings/members/",
    "/kungsbacka/settings/members/add/",
]


@pytest.fixture
def lived_in(kommun, members):
    """Retired areas, used and unused tags and a pending invitation, so every table has rows."""
    Area.objects.filter(organization=kommun, name="Samhällsbyggnad").update(is_active=False)
    used = Tag.objects.create(organization=kommun, name="förskola")
    Tag.objects.create(organization=kommun, name="oanvänd")
    SignalFactory(organization=kommun, created_by=members["scanner"], tags=[used])
    invited = get_user_model().objects.create_user("ny", email="ny@kungsbacka.se")
    invited.set_unusable_password()
    invited.save()
    MembershipFactory(user=invited, organization=kommun, role="scanner")
    return used


@pytest.mark.parametrize("path", PAGES)
def test_settings_pages_have_no_accessibility_violations(
    page, members, lived_in, login_as, assert_accessible, path
):
    login_as(page, members["admin"].username)
    page.goto(path)
    assert_accessible(page)


def test_tag_page_and_a_form_with_errors_have_no_violations(
    page, members, lived_in, login_as, assert_accessible
):
    login_as(page, members["admin"].username)
    page.goto(f"/kungsbacka/settings/tags/{lived_in.pk}/")
    assert_accessible(page)
    page.goto("/kungsbacka/settings/areas/new/")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator(".error-summary").is_visible()
    # The error summary takes focus, so keyboard and screen-reader users hear it first.
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert_accessible(page)


def test_retiring_an_area_by_keyboard(page, kommun, members, login_as):
    login_as(page, members["admin"].username)
    page.goto("/kungsbacka/settings/areas/")
    with translation.override("sv"):
        retire = f"{gettext('Retire')} «Digitalisering»"
    button = page.get_by_role("button", name=retire, exact=True)
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/kungsbacka/settings/areas/")
    assert not Area.objects.get(organization=kommun, name="Digitalisering").is_active
    assert page.locator(".message--success").is_visible()
