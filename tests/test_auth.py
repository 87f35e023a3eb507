"""Logging in and out, throttling, and changing or resetting a password."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

PASSWORD = "pw-for-tests"
START = "/kungsbacka/"


def sv(message: str) -> str:
    with translation.override("sv"):
        return gettext(message)


def log_in(client, username, password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password, **extra})


def test_logging_in_leads_to_the_start_page(client, members):
    response = log_in(client, members["scanner"].username)

    assert response.status_code == 302
    assert response.url == "/"
    assert client.get("/", follow=True).status_code == 200


def test_logging_in_returns_to_the_page_first_asked_for(client, members):
    response = log_in(client, members["scanner"].username, next="/accounts/password_change/")

    assert response.url == "/accounts/password_change/"


def test_logging_in_never_sends_the_user_to_another_site(client, members):
    response = log_in(client, members["scanner"].username, next="https://evil.example/")

    assert response.url == "/"


def test_a_wrong_password_shows_the_error_and_keeps_the_user_out(client, members):
    response = log_in(client, members["scanner"].username, password="wrong")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert sv("Please correct the following") in html
    assert client.get("/").status_code == 302


def test_logging_out_is_a_post_and_ends_the_session(client_for, members):
    client = client_for(members["staff"])

    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    assert client.get("/").status_code == 302


def test_a_session_ends_when_the_account_is_deactivated_or_the_session_expires(client, members):
    # Every request reads the session and the person anew (core.sessions, core.auth).
    user = members["scanner"]
    log_in(client, user.username)
    assert client.get(START).status_code == 200
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    assert client.get(START).status_code == 302

    get_user_model().objects.filter(pk=user.pk).update(is_active=True)
    log_in(client, user.username)
    assert client.get(START).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get(START).status_code == 302


@pytest.mark.parametrize("cookie", ["abcdefgh\x00ijkl", "ABCDEFGHIJKL", "a" * 5000, "åäöåäöåäö"])
def test_a_forged_session_cookie_is_no_session_not_an_error(client, members, cookie):
    client.cookies["sessionid"] = cookie
    response = client.get(START)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_a_new_password_ends_the_persons_other_sessions(client, members):
    user = members["scanner"]
    log_in(client, user.username)
    elsewhere = Client()
    log_in(elsewhere, user.username)
    assert client.get(START).status_code == elsewhere.get(START).status_code == 200
    elsewhere.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
    )
    assert elsewhere.get(START).status_code == 200
    assert client.get(START).status_code == 302


# --- Throttling -----------------------------------------------------------------------------


@pytest.fixture
def throttled(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5


def test_five_failed_logins_lock_the_account_even_against_the_right_password(
    client, members, throttled
):
    username = members["scanner"].username
    for _attempt in range(4):
        assert log_in(client, username, password="guess").status_code == 200
    # The fifth failure already says why the form stops answering.
    assert log_in(client, username, password="guess").status_code == 429

    response = log_in(client, username)

    assert response.status_code == 429
    html = response.content.decode()
    assert sv("Too many failed login attempts") in html
    assert sv("Reset your password") in html
    assert client.get("/").status_code == 302  # not logged in


def test_a_locked_account_does_not_lock_out_anyone_else(client, members, throttled):
    for _attempt in range(5):
        log_in(client, members["scanner"].username, password="guess")

    response = log_in(client, members["editor"].username)

    assert response.status_code == 302
    assert response.url == "/"


def test_a_successful_login_forgives_earlier_mistakes(client, members, throttled):
    username = members["scanner"].username
    for _attempt in range(4):
        log_in(client, username, password="guess")
    assert log_in(client, username).status_code == 302
    client.post("/accounts/logout/")

    for _attempt in range(4):
        log_in(client, username, password="guess")

    assert log_in(client, username).status_code == 302


# --- Password change ------------------------------------------------------------------------


def test_changing_the_password(client_for, members):
    user = members["scanner"]
    client = client_for(user)

    form = client.get("/accounts/password_change/")
    assert form.status_code == 200
    assert sv("Change password") in form.content.decode()

    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/accounts/password_change/done/"
    assert sv("Your password has been changed.") in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("a-new-long-passphrase")
    # The session that changed it stays logged in.
    assert client.get("/", follow=True).status_code == 200


def test_changing_the_password_needs_the_old_one(client_for, members):
    user = members["scanner"]

    response = client_for(user).post(
        "/accounts/password_change/",
        {
            "old_password": "not-it",
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
    )

    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_changing_the_password_requires_login(client, db):
    response = client.get("/accounts/password_change/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


# --- Password reset -------------------------------------------------------------------------


@pytest.fixture
def lena(members):
    user = members["management"]
    user.email = "lena@kungsbacka.example"
    user.save()
    return user


def test_resetting_a_forgotten_password_by_e_mail(client, lena, mailoutbox):
    form = client.get("/accounts/password_reset/")
    assert form.status_code == 200
    assert sv("Reset password") in form.content.decode()

    response = client.post(
        "/accounts/password_reset/", {"email": "lena@kungsbacka.example"}, follow=True
    )
    assert sv("Check your e-mail") in response.content.decode()

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["lena@kungsbacka.example"]
    assert message.subject == sv("Choose a new password for Spaning")
    assert lena.username in message.body
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)

    page = client.get(link, follow=True)
    assert sv("Choose a new password") in page.content.decode()
    set_password_url = page.redirect_chain[-1][0]
    response = client.post(
        set_password_url,
        {"new_password1": "another-long-passphrase", "new_password2": "another-long-passphrase"},
        follow=True,
    )
    assert sv("Password saved") in response.content.decode()

    assert log_in(client, lena.username, password="another-long-passphrase").status_code == 302

    # The link works once.
    client.post("/accounts/logout/")
    again = client.get(link, follow=True)
    assert sv("The link is no longer valid") in again.content.decode()


def test_resetting_for_an_unknown_address_reveals_nothing_and_sends_nothing(
    client, lena, mailoutbox
):
    response = client.post(
        "/accounts/password_reset/", {"email": "nobody@kungsbacka.example"}, follow=True
    )

    assert response.status_code == 200
    assert sv("Check your e-mail") in response.content.decode()
    assert mailoutbox == []


def test_an_inactive_user_gets_no_reset_mail(client, lena, mailoutbox):
    get_user_model().objects.filter(pk=lena.pk).update(is_active=False)

    client.post("/accounts/password_reset/", {"email": lena.email})

    assert mailoutbox == []


def test_resetting_the_password_lifts_the_lockout(client, lena, throttled, mailoutbox):
    """The lockout page recommends a reset: after it, the new password lets the owner in at
    once, from the address that was locked."""
    for _attempt in range(5):
        log_in(client, lena.username, password="guess")
    assert log_in(client, lena.username).status_code == 429

    client.post("/accounts/password_reset/", {"email": lena.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mailoutbox[0].body).group(1)
    page = client.get(link, follow=True)
    client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "another-long-passphrase", "new_password2": "another-long-passphrase"},
    )

    response = log_in(client, lena.username, password="another-long-passphrase")
    assert response.status_code == 302
    assert response.url == "/"


def test_a_reset_that_is_not_completed_keeps_the_lockout(client, lena, throttled, mailoutbox):
    for _attempt in range(5):
        log_in(client, lena.username, password="guess")

    client.post("/accounts/password_reset/", {"email": lena.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mailoutbox[0].body).group(1)
    page = client.get(link, follow=True)
    client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "another-long-passphrase", "new_password2": "does-not-match"},
    )

    assert log_in(client, lena.username).status_code == 429
