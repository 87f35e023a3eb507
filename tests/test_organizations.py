"""Working in one of several organisations: the switcher, and what it changes."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from organizations.models import Membership
from organizations.roles import Role
from tests.conftest import make_member
from tests.factories import MembershipFactory, OrganizationFactory


def sv(message: str) -> str:
    with translation.override("sv"):
        return gettext(message)


@pytest.fixture
def both(kommun, other_kommun):
    """A scanner in Kungsbacka who is also staff in Varberg."""
    user = make_member(kommun, Role.SCANNER, username="both")
    MembershipFactory(user=user, organization=other_kommun, role=Role.STAFF)
    return user


def brand(response) -> str:
    html = response.content.decode()
    start = html.index('class="brand"')
    return html[start : html.index("</a>", start)]


def test_a_member_of_two_organisations_starts_in_the_first_one(client_for, both):
    response = client_for(both).get("/")

    assert "Kungsbacka kommun" in brand(response)
    assert sv("Triage queue") in response.content.decode()


def test_switching_shows_the_other_organisation_and_the_role_held_there(client_for, both):
    client = client_for(both)

    response = client.post(
        "/organisation/switch/", {"organization": "varberg", "next": "/"}, follow=True
    )

    assert response.redirect_chain == [("/", 302)]
    assert "Varbergs kommun" in brand(response)
    html = response.content.decode()
    assert sv("You are now working in %(name)s.") % {"name": "Varbergs kommun"} in html
    # In Varberg the user is staff: the staff start page, not the scanning group's.
    assert sv("Open discussions") in html
    assert sv("Triage queue") not in html
    # …and it stays that way on the next page.
    assert "Varbergs kommun" in brand(client.get("/"))


def test_the_switcher_lists_only_the_users_own_organisations(client_for, both, db):
    OrganizationFactory(slug="falkenberg", name="Falkenbergs kommun", perspective_name="Falkenberg")

    html = client_for(both).get("/").content.decode()

    assert 'value="kungsbacka" selected' in html
    assert 'value="varberg"' in html
    assert "Falkenbergs kommun" not in html


def test_a_member_of_one_organisation_sees_no_switcher(client_for, members):
    html = client_for(members["admin"]).get("/").content.decode()

    assert 'action="/organisation/switch/"' not in html


def test_switching_is_post_only(client_for, both):
    client = client_for(both)

    response = client.get("/organisation/switch/?organization=varberg")

    assert response.status_code == 405
    assert "Kungsbacka kommun" in brand(client.get("/"))


def test_switching_to_an_organisation_one_is_not_a_member_of_changes_nothing(
    client_for, members, other_kommun
):
    client = client_for(members["admin"])

    response = client.post("/organisation/switch/", {"organization": "varberg"}, follow=True)

    html = response.content.decode()
    assert sv("You are not a member of that organisation.") in html
    assert "Kungsbacka kommun" in brand(response)
    assert "Varbergs kommun" not in html


def test_switching_returns_to_the_page_asked_for(client_for, both):
    response = client_for(both).post(
        "/organisation/switch/", {"organization": "varberg", "next": "/accounts/password_change/"}
    )

    assert response.status_code == 302
    assert response.url == "/accounts/password_change/"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "https:///evil.example/"]
)
def test_switching_never_sends_the_user_to_another_site(client_for, both, next_url):
    response = client_for(both).post(
        "/organisation/switch/", {"organization": "varberg", "next": next_url}
    )

    assert response.status_code == 302
    assert response.url == "/"


def test_switching_requires_login(client, db):
    response = client.post("/organisation/switch/", {"organization": "varberg"})

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_losing_the_chosen_membership_falls_back_to_another(client_for, both, other_kommun):
    client = client_for(both)
    client.post("/organisation/switch/", {"organization": "varberg"})

    Membership.objects.filter(user=both, organization=other_kommun).delete()

    response = client.get("/")
    assert response.status_code == 200
    assert "Kungsbacka kommun" in brand(response)
