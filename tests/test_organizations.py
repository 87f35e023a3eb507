"""Working in several organisations: the organisation is in the address, so a page, a link or a
form always means one organisation, whatever else is open in another tab."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from organizations.models import Organization
from organizations.roles import Role
from signals.models import Area, Signal
from tests.conftest import make_member
from tests.factories import MembershipFactory, OrganizationFactory


def sv(message: str) -> str:
    with translation.override("sv"):
        return gettext(message)


@pytest.fixture
def both(kommun, other_kommun):
    """A scanner in Kungsbacka who is also a scanner in Varberg."""
    user = make_member(kommun, Role.SCANNER, username="both")
    MembershipFactory(user=user, organization=other_kommun, role=Role.SCANNER)
    return user


def brand(response) -> str:
    html = response.content.decode()
    start = html.index('class="brand"')
    return html[start : html.index("</a>", start)]


def signal_data(organization, title):
    area = Area.objects.filter(organization=organization).first()
    return {
        "title": title,
        "motivation": "Det påverkar oss.",
        "level": "outer",
        "area": area.pk,
        "status": "logged",
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "0",
        "sources-MIN_NUM_FORMS": "1",
        "sources-MAX_NUM_FORMS": "20",
        "sources-0-url": "https://www.skr.se/",
        "sources-0-name": "SKR",
    }


def test_a_form_opened_in_one_organisation_writes_there_after_switching_in_another_tab(
    client_for, both, kommun, other_kommun
):
    """The tab-switching case: open "Log a signal" in Kungsbacka, open Varberg in a second
    tab, submit the first form. The signal lands in Kungsbacka, where the form came from."""
    client = client_for(both)
    create_in_kungsbacka = reverse("signals:create", args=[kommun.slug])
    assert client.get(create_in_kungsbacka).status_code == 200
    assert client.get(reverse("start", args=[other_kommun.slug])).status_code == 200

    response = client.post(create_in_kungsbacka, signal_data(kommun, "Från första fliken"))

    assert response.status_code == 302
    signal = Signal.objects.get(title="Från första fliken")
    assert signal.organization == kommun
    assert response.url == reverse("signals:detail", args=[kommun.slug, signal.pk])


def test_a_form_posted_to_one_organisation_cannot_use_another_organisations_choices(
    client_for, both, kommun, other_kommun
):
    client = client_for(both)
    data = signal_data(other_kommun, "Med Varbergs område")  # Varberg's area id…

    response = client.post(reverse("signals:create", args=[kommun.slug]), data)  # …in Kungsbacka

    assert response.status_code == 200
    assert not Signal.objects.filter(title="Med Varbergs område").exists()


def test_each_organisation_has_its_own_addresses(client_for, both, kommun, other_kommun):
    client = client_for(both)

    assert "Kungsbacka kommun" in brand(client.get(reverse("start", args=[kommun.slug])))
    assert "Varbergs kommun" in brand(client.get(reverse("start", args=[other_kommun.slug])))


def test_after_login_the_start_page_is_the_organisation_last_used(client, both, other_kommun):
    """Varberg sorts after Kungsbacka; having worked there last, that is where one starts."""
    client.force_login(both)
    client.get(reverse("start", args=[other_kommun.slug]))
    client.logout()

    client.force_login(both)
    response = client.get("/")

    assert response.status_code == 302
    assert response.url == reverse("start", args=[other_kommun.slug])


def test_someone_who_never_chose_starts_in_the_first_by_name(client_for, both, kommun):
    response = client_for(both).get("/")

    assert response.url == reverse("start", args=[kommun.slug])


def test_the_switcher_links_to_each_of_the_users_own_organisations(client_for, both, db):
    OrganizationFactory(slug="falkenberg", name="Falkenbergs kommun", perspective_name="Falkenberg")

    html = client_for(both).get("/kungsbacka/").content.decode()

    assert '<a href="/kungsbacka/" aria-current="true">Kungsbacka kommun</a>' in html
    assert '<a href="/varberg/">Varbergs kommun</a>' in html
    assert "Falkenbergs kommun" not in html


def test_a_member_of_one_organisation_sees_no_switcher(client_for, members):
    html = client_for(members["admin"]).get("/kungsbacka/").content.decode()

    assert sv("Switch organisation") not in html


def test_the_role_shown_is_the_one_held_in_that_organisation(client_for, kommun, other_kommun):
    user = make_member(kommun, Role.SCANNER, username="two-roles")
    MembershipFactory(user=user, organization=other_kommun, role=Role.STAFF)
    client = client_for(user)

    assert sv("Log a signal") in client.get("/kungsbacka/").content.decode()
    html = client.get("/varberg/").content.decode()
    assert sv("Read the shared signals") in html
    assert sv("Log a signal") not in html
    assert client.get(reverse("signals:create", args=[other_kommun.slug])).status_code == 403


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/signals/", "/varberg/signals/"),
        ("/signals/?q=skola&level=inner", "/varberg/signals/?q=skola&level=inner"),
        ("/signals/new/", "/varberg/signals/new/"),
        ("/signals/12/history/", "/varberg/signals/12/history/"),
        ("/signals/settings/areas/", "/varberg/settings/areas/"),
        ("/organisation/members/", "/varberg/settings/members/"),
    ],
)
def test_old_addresses_lead_to_the_organisation_worked_in(client_for, both, other_kommun, old, new):
    client = client_for(both)
    client.get(reverse("start", args=[other_kommun.slug]))

    response = client.get(old)

    assert response.status_code == 302
    assert response.url == new


def test_a_form_posted_to_an_old_address_writes_nothing(client_for, both, kommun):
    response = client_for(both).post("/signals/new/", signal_data(kommun, "Till gammal adress"))

    assert response.status_code == 405
    assert not Signal.objects.filter(title="Till gammal adress").exists()


def test_a_slug_may_not_be_one_of_the_sites_own_addresses(db):
    organization = Organization(name="Signals", slug="signals", perspective_name="Signals")

    with pytest.raises(ValidationError) as refused:
        organization.full_clean()
    with translation.override("en"):
        assert "one of the site's own addresses" in str(refused.value.message_dict["slug"])
