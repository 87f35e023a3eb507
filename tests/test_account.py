"""The signed-in person's own account: the name they choose, which every organisation of theirs
shows, while until then each organisation names them as its admin typed."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from core.lib.people import name_in_organization
from organizations.services import account_rename

from .conftest import in_english
from .factories import MembershipFactory, SignalFactory, UserFactory

User = get_user_model()


@pytest.fixture(autouse=True)
def _english(english):
    """Pages in English (the shared english fixture)."""


@pytest.fixture
def nora(kommun, other_kommun):
    """An account made by an invitation: no name of its own; each organisation typed one."""
    user = UserFactory(username="nora.n", first_name="", email="nora@example.se")
    MembershipFactory(user=user, organization=kommun, invited_name="Nora Nyström")
    MembershipFactory(user=user, organization=other_kommun, invited_name="N. Nyström")
    return user


@pytest.fixture
def noras_signal(kommun, nora):
    return SignalFactory(organization=kommun, created_by=nora, title="Nora loggade detta")


def pages(client, kommun, signal) -> dict[str, str]:
    """Every page of Kungsbacka that names the person who logged the signal."""
    urls = {
        "start": reverse("start", args=[kommun.slug]),
        "list": reverse("signals:list", args=[kommun.slug]),
        "detail": reverse("signals:detail", args=[kommun.slug, signal.pk]),
        "history": reverse("signals:history", args=[kommun.slug, signal.pk]),
        "members": reverse("settings:members", args=[kommun.slug]),
    }
    return {name: client.get(url).content.decode() for name, url in urls.items()}


def exported_author(client, kommun) -> str:
    response = client.get(reverse("signals:export", args=[kommun.slug]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(text), delimiter=";")
    return row["Logged by"]


def test_each_organisation_names_the_person_as_it_typed(
    client_for, kommun, other_kommun, members, other_members, nora, noras_signal
):
    client = client_for(members["admin"])
    for name, html in pages(client, kommun, noras_signal).items():
        assert "Nora Nyström" in html, name
        assert "N. Nyström" not in html, name
    assert exported_author(client, kommun) == "Nora Nyström"
    assert (
        "Nora Nyström"
        in client.get(reverse("signals:list", args=[kommun.slug]))
        .context["form"]
        .fields["author"]
        .choices[-1][1:]
    )

    varberg = in_english(client_for(other_members["admin"])).get(
        reverse("settings:members", args=[other_kommun.slug])
    )
    assert "N. Nyström" in varberg.content.decode()
    assert "Nora Nyström" not in varberg.content.decode()


def test_once_the_person_sets_their_name_every_organisation_shows_it(
    client_for, kommun, other_kommun, members, other_members, nora, noras_signal
):
    person = client_for(nora)
    response = person.post(reverse("account"), {"first_name": " Nora ", "last_name": "Nyberg"})
    assert response.status_code == 302
    assert [str(m) for m in person.get(response.url).context["messages"]] == [
        "Your name was saved."
    ]

    client = client_for(members["admin"])
    for name, html in pages(client, kommun, noras_signal).items():
        assert "Nora Nyberg" in html, name
        assert "Nyström" not in html, name
    assert exported_author(client, kommun) == "Nora Nyberg"
    varberg = client_for(other_members["admin"]).get(
        reverse("settings:members", args=[other_kommun.slug])
    )
    assert "Nora Nyberg" in varberg.content.decode()

    # Emptying the name again hands each organisation back its own.
    account_rename(user=nora, first_name="", last_name="")
    assert "Nora Nyström" in pages(client_for(members["admin"]), kommun, noras_signal)["list"]


def test_the_account_page_shows_the_account_and_needs_a_login(client, client_for, nora):
    assert client.get(reverse("account")).url.startswith("/accounts/login/")

    page = client_for(nora).get(reverse("account"))

    assert page.status_code == 200
    html = page.content.decode()
    assert "nora.n" in html
    assert "nora@example.se" in html
    assert 'href="/accounts/password_change/"' in html


@pytest.mark.parametrize(
    "data",
    [
        {"first_name": "x" * 151, "last_name": "Nyberg"},
        {"first_name": "Nora", "last_name": "y" * 5000},
        {"first_name": "No\x00ra", "last_name": ""},
    ],
)
def test_a_name_that_does_not_fit_is_refused_and_nothing_is_stored(client_for, nora, data):
    response = client_for(nora).post(reverse("account"), data)

    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()
    nora.refresh_from_db()
    assert nora.get_full_name() == ""


def test_the_service_refuses_a_name_too_long_by_field(nora):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        account_rename(user=nora, first_name="Nora", last_name="y" * 151)
    assert list(refused.value.message_dict) == ["last_name"]


def test_the_account_page_takes_a_constant_number_of_queries(
    client_for, nora, django_assert_max_num_queries
):
    client = client_for(nora)
    with django_assert_max_num_queries(4):
        assert client.get(reverse("account")).status_code == 200


def test_the_header_links_to_the_account_page(client_for, members, kommun):
    html = client_for(members["staff"]).get(reverse("start", args=[kommun.slug])).content
    assert b'href="/account/"' in html


def test_an_organisation_names_someone_by_own_name_then_typed_then_username():
    assert name_in_organization(User(username="u", first_name="Eget"), "Skrivet") == "Eget"
    assert name_in_organization(User(username="u"), "Skrivet") == "Skrivet"
    assert name_in_organization(User(username="u"), "") == "u"
    assert name_in_organization(None, "Skrivet") == ""
