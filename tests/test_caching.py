"""What a signed-in user sees is not kept by caches: neither a shared proxy nor the browser's
disk (a shared municipal PC, the back button after logging out). Static files and pages for
people not signed in keep the caching they had."""

import pytest
from django.test import Client
from django.urls import reverse


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


@pytest.mark.parametrize("role", ["scanner", "management", "staff", "admin"])
def test_signed_in_pages_and_exports_are_private_and_not_stored(
    kommun, members, client_for, signal, role
):
    client = client_for(members[role])
    urls = [
        reverse("start", args=[kommun.slug]),
        reverse("signals:list", args=[kommun.slug]),
        reverse("signals:export", args=[kommun.slug]),
        reverse("signals:detail", args=[kommun.slug, signal.pk]),
        reverse("settings:members", args=[kommun.slug]),  # 403 for most: still not stored
        reverse("password_change"),
        "/no-such-page/",
    ]
    for url in urls:
        response = client.get(url)
        assert {"private", "no-store"} <= cache_control(response), url


def test_a_signed_in_users_redirects_are_not_stored_either(kommun, members, client_for):
    response = client_for(members["scanner"]).get("/")
    assert response.status_code == 302
    assert {"private", "no-store"} <= cache_control(response)


def test_pages_for_people_not_signed_in_keep_their_caching(client, kommun):
    reset = client.get(reverse("password_reset"))
    assert "no-store" not in cache_control(reset)
    # The login page: Django's own never_cache, as before.
    login = client.get(reverse("login"))
    assert cache_control(login) == {
        "max-age=0",
        "no-cache",
        "no-store",
        "must-revalidate",
        "private",
    }


def test_static_files_stay_cacheable_for_signed_in_users(members, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    client = Client()  # a new client: WhiteNoise reads its settings when it starts
    client.force_login(members["scanner"])
    response = client.get("/static/css/spaning.css")
    assert response.status_code == 200
    assert "no-store" not in cache_control(response)
    assert "private" not in cache_control(response)
