"""Browser-test harness: headless Chromium through Playwright against pytest-django's live server.

Every test in tests/browser is marked ``browser`` (``pytest -m "not browser"`` skips them).

Fixtures:

- ``browser``: one Chromium for the whole session (Debian's /usr/bin/chromium).
- ``page``: a fresh context (locale sv-SE, ``base_url`` = the live server) and its page, so
  ``page.goto("/accounts/login/")`` works. A Content-Security-Policy violation on the page fails
  the test: it means a script or style did not load.
- ``live_url``: the live server's address, e.g. ``http://localhost:41234``. Requesting ``page``
  or ``live_url`` gives the test ``transactional_db`` (the server runs in another thread).
- ``login_as(page, username, password="pw-for-tests")``: logs in through the login form.
- ``assert_accessible(page)``: runs axe-core's WCAG 2.0/2.1 A and AA rules and fails with a
  readable list of violations.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.forms import AuthenticationForm
from django.utils import translation
from django.utils.translation import gettext

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TEST_PASSWORD = "pw-for-tests"
BROWSER_TESTS = Path(__file__).parent

# Playwright's sync API keeps an asyncio loop in this thread for as long as the browser is
# open, and Django refuses ORM calls from a thread with a running loop. The calls are in fact
# synchronous (the test and the live server thread), so tell Django so.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if BROWSER_TESTS in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        reason = f"Browser tests need Chromium at {CHROMIUM} (apt-get install chromium)."
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def live_url(live_server, transactional_db):
    return live_server.url


@pytest.fixture
def page(browser, live_url):
    # Reduced motion: no CSS transitions, so nothing is ever caught half-faded.
    context = browser.new_context(locale="sv-SE", base_url=live_url, reduced_motion="reduce")
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    yield page
    context.close()
    if problems:
        pytest.fail("The page reported errors:\n" + "\n".join(problems))


def _label(text: str) -> re.Pattern:
    """A field's label as Django renders it: the text, then the form's label suffix (":")."""
    return re.compile(rf"^{re.escape(text)}:?$")


def _language(page) -> str:
    return page.locator("html").get_attribute("lang") or "sv"


@pytest.fixture
def login_as():
    """login_as(page, username, password="pw-for-tests"): log in through the form, by its labels.

    Fails the test, quoting the page's error summary, if the user is not logged in afterwards.
    """

    def login(page, username: str, password: str = TEST_PASSWORD):
        page.goto("/accounts/login/")
        with translation.override(_language(page)):
            form = AuthenticationForm()
            username_label = str(form.fields["username"].label)
            password_label = str(form.fields["password"].label)
            submit = gettext("Log in")
        page.get_by_label(_label(username_label)).fill(username)
        page.get_by_label(_label(password_label)).fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name=submit, exact=True).click()
        if "/accounts/login/" in page.url:
            errors = page.locator(".error-summary")
            detail = errors.inner_text() if errors.count() else page.title()
            pytest.fail(f"Logging in as {username!r} failed: {detail}")
        return page

    return login


def _violation_report(violations: list[dict]) -> str:
    lines = [f"{len(violations)} accessibility violation(s) (axe-core, WCAG 2.1 A/AA):"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'unknown impact'}): "
            f"{violation['help']} <{violation.get('helpUrl', '')}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}: {node.get('html', '')[:200]}")
    return "\n".join(lines)


@pytest.fixture
def assert_accessible():
    """assert_accessible(page): fail with rule id, impact, help and selectors on any violation."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        # Check the settled page: not while an htmx request is on its way (its indicator
        # is on screen then; the context's reduced motion means it never fades half-way).
        # (A locator, not wait_for_function: the page's CSP forbids evaluating strings.)
        page.locator(".htmx-request").first.wait_for(state="detached")
        results = axe.run(
            page,
            options={
                "runOnly": {"type": "tag", "values": WCAG_TAGS},
                "resultTypes": ["violations"],
            },
        )
        violations = results.response["violations"]
        if violations:
            pytest.fail(f"{page.url}\n{_violation_report(violations)}", pytrace=False)

    return check
