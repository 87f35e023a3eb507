"""The frame around every page: security headers, our own scripts only, start pages and menu."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import path, resolve
from django.utils import translation
from django.utils.translation import gettext

from config.urls import urlpatterns as site_urlpatterns
from organizations.roles import Role


def sv(message: str) -> str:
    with translation.override("sv"):
        return gettext(message)


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [path("test/broken/", broken), *site_urlpatterns]


# --- Headers and what the pages load ----------------------------------------------------------

PAGES = [
    ("anonymous", "/accounts/login/"),
    ("anonymous", "/accounts/password_reset/"),
    ("scanner", "/kungsbacka/"),
    ("management", "/kungsbacka/"),
    ("staff", "/kungsbacka/"),
    ("scanner", "/accounts/password_change/"),
    ("scanner", "/no-such-page/"),
]


@pytest.fixture(params=PAGES, ids=[f"{who}:{url}" for who, url in PAGES])
def any_page(request, client, members):
    who, url = request.param
    if who != "anonymous":
        client.force_login(members[who])
    return client.get(url)


def csp(response) -> dict[str, list[str]]:
    directives = [d.split() for d in response["Content-Security-Policy"].split(";")]
    return {d[0]: d[1:] for d in directives if d}


def test_every_page_forbids_inline_and_foreign_scripts_and_styles(any_page):
    policy = csp(any_page)

    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert "unsafe-inline" not in any_page["Content-Security-Policy"]


def test_no_page_can_be_framed(any_page):
    assert any_page["X-Frame-Options"] == "DENY"
    assert any_page["X-Content-Type-Options"] == "nosniff"


def test_pages_use_only_our_own_static_scripts_and_styles(any_page):
    html = any_page.content.decode()

    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.DOTALL)
    sources = [re.search(r'src="([^"]*)"', attributes).group(1) for attributes, _ in scripts]
    assert sources == ["/static/vendor/htmx/htmx.min.js", "/static/js/spaning.js"]
    assert all(body.strip() == "" for _, body in scripts)  # nothing inline
    assert re.findall(r'<link rel="stylesheet" href="([^"]*)"', html) == ["/static/css/spaning.css"]
    # The CSP would block these in the browser; they must not be in the markup either.
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)  # onclick=… and friends


def test_our_static_files_exist():
    for name in ["vendor/htmx/htmx.min.js", "js/spaning.js", "css/spaning.css"]:
        assert finders.find(name), name


def test_htmx_sends_the_csrf_token_and_may_not_evaluate_code(any_page):
    html = any_page.content.decode()

    assert re.search(r"""<body hx-headers='\{"X-CSRFToken": "[A-Za-z0-9]{64}"\}'>""", html)
    assert '"allowEval": false' in html
    assert '"includeIndicatorStyles": false' in html


def test_pages_start_with_a_skip_link_to_the_main_content(any_page):
    html = any_page.content.decode()
    body = html[html.index("<body") :]

    first_link = re.search(r"<a\b[^>]*>[^<]*</a>", body).group(0)
    assert 'href="#main"' in first_link
    assert sv("Skip to main content") in first_link
    assert '<main id="main"' in html


# --- Error pages ------------------------------------------------------------------------------


def test_an_unknown_address_gets_a_helpful_404(client_for, members):
    response = client_for(members["staff"]).get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert sv("The page could not be found") in html
    assert sv("Back to the start page") in html


@pytest.mark.urls(__name__)
def test_a_crash_gets_a_page_in_swedish_and_english(client, db):
    client.raise_request_exception = False

    response = client.get("/test/broken/")

    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert "Något gick fel" in html
    assert "a bug" not in html


# --- Start pages and menu ---------------------------------------------------------------------

START_PAGES = {
    Role.SCANNER: ("core/start_scanning.html", ["Recent signals", "Discussions"]),
    Role.EDITOR: ("core/start_scanning.html", ["Recent signals", "Discussions"]),
    Role.ADMIN: ("core/start_scanning.html", ["Recent signals", "Discussions"]),
    Role.MANAGEMENT: (
        "core/start_management.html",
        ["Recent signals", "Latest monthly report", "Discussions"],
    ),
    Role.STAFF: (
        "core/start_staff.html",
        ["Recent signals", "Latest monthly report", "Discussions"],
    ),
}
# What each role's start page offers first, before anything else in the page: (text, address).
PRIMARY_ACTIONS = {
    Role.SCANNER: ("Log a signal", "/kungsbacka/signals/new/"),
    Role.EDITOR: ("Log a signal", "/kungsbacka/signals/new/"),
    Role.ADMIN: ("Log a signal", "/kungsbacka/signals/new/"),
    Role.MANAGEMENT: ("Read the signals", "/kungsbacka/signals/"),
    Role.STAFF: ("Read the shared signals", "/kungsbacka/signals/"),
}
# Headings of sections for features that do not exist yet: no start page promises them.
PROMISES = ["Open discussions"]
ALL_HEADINGS = {heading for _, headings in START_PAGES.values() for heading in headings}


@pytest.mark.parametrize("role", Role.values)
def test_each_role_starts_where_its_work_is(
    client_for, members, role, django_assert_max_num_queries
):
    client = client_for(members[role])

    # Three for every page (session, user, memberships) and the bell's unread count; the
    # start pages' own lists (signals, discussions, the latest report, the member's own
    # actions and review reminders, the scanning group's blind spots) add one each, never one
    # per row.
    with django_assert_max_num_queries(15):
        response = client.get("/kungsbacka/")

    assert response.status_code == 200
    template, headings = START_PAGES[role]
    assert template in [t.name for t in response.templates]
    html = response.content.decode()
    assert sv("Welcome, %(name)s") % {"name": members[role].first_name} in html
    for heading in ALL_HEADINGS:
        assert (sv(heading) in html) == (heading in headings), heading
    # The header says who and where the user is.
    assert "Kungsbacka kommun" in html
    with translation.override("sv"):
        assert f'<span class="badge">{Role(role).label}</span>' in html


@pytest.mark.parametrize("role", Role.values)
def test_each_start_page_offers_its_primary_action_first(client_for, members, role):
    html = client_for(members[role]).get("/kungsbacka/").content.decode()

    main = html[html.index('<main id="main"') :]
    first_link = re.search(r'<a class="([^"]*)" href="([^"]*)">([^<]*)</a>', main)
    text, address = PRIMARY_ACTIONS[role]
    assert first_link.group(2, 3) == (address, sv(text))
    assert "button" in first_link.group(1).split()
    for promise in PROMISES:
        assert sv(promise) not in html


def test_the_scanning_group_is_asked_what_matters_for_its_own_organisation(client_for, members):
    html = client_for(members["scanner"]).get("/kungsbacka/").content.decode()

    assert sv("What have you seen that matters for %(org)s?") % {"org": "Kungsbacka"} in html


def nav_links(response) -> list[str]:
    html = response.content.decode()
    match = re.search(r'<nav class="site-nav".*?</nav>', html, flags=re.DOTALL)
    return re.findall(r'<a href="([^"]+)"', match.group(0)) if match else []


@pytest.mark.parametrize("role", Role.values)
def test_the_menu_links_only_to_pages_the_role_may_open(client_for, members, role):
    client = client_for(members[role])
    links = nav_links(client.get("/kungsbacka/"))

    assert "/kungsbacka/" in links
    for link in links:
        view = resolve(link.split("?")[0]).func
        capability = getattr(view, "required_capability", None)
        if capability:
            assert members[role].memberships.get().can(capability), link
        assert client.get(link).status_code == 200, link


def test_the_start_link_is_marked_as_the_current_page(client_for, members):
    html = client_for(members["staff"]).get("/kungsbacka/").content.decode()

    assert re.search(r'<a href="/kungsbacka/" aria-current="page">', html)


def test_site_administration_is_in_the_menu_only_for_superusers(client_for, members):
    admin = members["admin"]
    assert "/admin/" not in nav_links(client_for(admin).get("/kungsbacka/"))

    admin.is_staff = admin.is_superuser = True
    admin.save()

    assert "/admin/" in nav_links(client_for(admin).get("/kungsbacka/"))


def test_visitors_who_are_not_logged_in_see_no_menu(client, db):
    html = client.get("/accounts/login/").content.decode()

    assert nav_links(client.get("/accounts/login/")) == []
    assert sv("Log out") not in html


def test_opening_a_buttons_address_explains_itself_in_swedish(client_for, members, kommun):
    from .factories import SubscriptionFactory

    subscription = SubscriptionFactory(organization=kommun)
    response = client_for(members["scanner"]).get(
        f"/kungsbacka/scanning/feeds/{subscription.pk}/pause/"
    )
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    html = response.content.decode()
    assert "Adressen är en knapp, inte en sida" in html
    assert "<title>" in html
