"""The harness itself: the live server serves our static files under our CSP."""

from django.utils import translation
from django.utils.translation import gettext


def test_login_page_loads_css_and_htmx_under_the_csp(page):
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto("/accounts/login/")

    static = {r.url.split("/static/", 1)[1]: r.status for r in responses if "/static/" in r.url}
    assert static == {
        "css/spaning.css": 200,
        "vendor/htmx/htmx.min.js": 200,
        "js/spaning.js": 200,
    }
    assert page.evaluate("typeof window.htmx") == "object"
    # The stylesheet is applied: the skip link is moved out of sight until focused.
    skip_link = page.locator(".skip-link")
    assert skip_link.evaluate("el => getComputedStyle(el).position") != "static"


def test_login_as_logs_in_through_the_form(page, members, login_as):
    login_as(page, members["scanner"].username)

    with translation.override("sv"):
        log_out = gettext("Log out")
    assert page.get_by_role("button", name=log_out).is_visible()


def test_assert_accessible_passes_on_the_login_page(page, assert_accessible):
    page.goto("/accounts/login/")
    assert_accessible(page)
