"""Swedish first: the browser's language never decides, only the user's own choice."""

import pytest
from django.utils import translation
from django.utils.translation import gettext


def translated(message: str, language: str) -> str:
    with translation.override(language):
        return gettext(message)


def html_lang(response) -> str:
    html = response.content.decode()
    start = html.index("<html")
    return html[start : html.index(">", start) + 1]


@pytest.mark.parametrize("accept_language", ["en", "en-GB,en;q=0.9", "de", ""])
def test_pages_are_swedish_whatever_the_browser_asks_for(client, db, accept_language):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=accept_language)

    assert response["Content-Language"] == "sv"
    assert html_lang(response) == '<html lang="sv">'
    html = response.content.decode()
    assert translated("Log in to Spaning", "sv") in html
    assert "Logga in" in html  # needs the Swedish .mo in locale/


def test_the_language_depends_on_the_cookie_and_says_so_to_caches(client, db):
    response = client.get("/accounts/login/")

    vary = [part.strip() for part in response["Vary"].split(",")]
    assert vary.count("Cookie") == 1


def choose(client, language: str, next_url: str = "/accounts/login/"):
    return client.post("/i18n/setlang/", {"language": language, "next": next_url})


def test_choosing_english_with_the_language_switcher(client, db):
    swedish = client.get("/accounts/login/").content.decode()
    assert 'name="language" value="en"' in swedish  # the switcher offers English

    response = choose(client, "en")

    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    english = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="sv")
    assert english["Content-Language"] == "en"
    assert html_lang(english) == '<html lang="en">'
    html = english.content.decode()
    assert "Log in to Spaning" in html
    assert "Logga in" not in html
    # …and offers Swedish back, labelled in Swedish.
    assert 'value="sv" class="link-button" lang="sv">Svenska</button>' in html


def test_choosing_swedish_again(client, db):
    choose(client, "en")
    choose(client, "sv")

    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")

    assert html_lang(response) == '<html lang="sv">'
    assert translated("Log in to Spaning", "sv") in response.content.decode()


def test_the_choice_holds_after_logging_in(client, members):
    choose(client, "en")
    client.post("/accounts/login/", {"username": "scanner-kungsbacka", "password": "pw-for-tests"})

    response = client.get("/", follow=True)

    assert html_lang(response) == '<html lang="en">'
    assert "Log a signal" in response.content.decode()


def test_a_language_we_do_not_offer_falls_back_to_swedish(client, db):
    client.cookies["django_language"] = "de"

    response = client.get("/accounts/login/")

    assert response["Content-Language"] == "sv"
    assert html_lang(response) == '<html lang="sv">'


def test_the_switcher_does_not_send_the_user_to_another_site(client, db):
    response = choose(client, "en", next_url="https://evil.example/")

    assert response.status_code == 302
    assert "evil.example" not in response.url
