"""The admin's side of watched areas: setting a member's areas from the members list, and the
areas page saying who watches each area and which areas nobody watches."""

import re

import pytest
from django.urls import reverse

from organizations.models import Membership
from organizations.roles import Role
from signals.models import Area, AreaWatch

from ..conftest import make_member
from ..factories import AreaWatchFactory, MembershipFactory, SignalFactory
from .conftest import messages_of


def membership(user, organization) -> Membership:
    return Membership.objects.get(user=user, organization=organization)


def area(organization, name) -> Area:
    return Area.objects.get(organization=organization, name=name)


def watched(membership) -> list[str]:
    return sorted(w.area.name for w in AreaWatch.objects.filter(membership=membership))


def member_areas_url(organization, membership) -> str:
    return reverse("settings:member_areas", args=[organization.slug, membership.pk])


# --- the members list links to each member's areas -------------------------------------------


def test_the_members_list_links_the_scanning_groups_areas(admin_client, kommun, members):
    html = admin_client.get(reverse("settings:members", args=[kommun.slug])).content.decode()
    for role in Role.values:
        url = member_areas_url(kommun, membership(members[role], kommun))
        assert (f'href="{url}"' in html) == (role in {Role.SCANNER, Role.EDITOR, Role.ADMIN})
    name = members[Role.SCANNER].first_name
    assert f'Areas<span class="visually-hidden"> {name} watches</span>' in html


# --- the admin sets a member's areas ---------------------------------------------------------


def test_the_admin_sets_a_members_areas(admin_client, kommun, members):
    scanner = membership(members[Role.SCANNER], kommun)
    AreaWatchFactory(membership=scanner, area=area(kommun, "Digitalisering"))
    url = member_areas_url(kommun, scanner)
    html = admin_client.get(url).content.decode()
    name = members[Role.SCANNER].first_name
    assert f"<h1>Areas {name} watches</h1>" in html
    assert re.search(r'<input type="checkbox"[^>]*checked[^>]*>\s*Digitalisering', html)
    response = admin_client.post(url, {"areas": [area(kommun, "Klimat och miljö").pk]})
    assert response.status_code == 302
    assert response.url == reverse("settings:members", args=[kommun.slug])
    assert messages_of(response) == [f"{name} now watches: Klimat och miljö."]
    assert watched(scanner) == ["Klimat och miljö"]


def test_a_pending_member_can_be_given_areas_by_the_name_the_admin_typed(admin_client, kommun):
    pending = MembershipFactory(
        organization=kommun, role=Role.SCANNER, pending=True, invited_name="Nya Nisse"
    )
    response = admin_client.post(
        member_areas_url(kommun, pending), {"areas": [area(kommun, "Digitalisering").pk]}
    )
    assert messages_of(response) == ["Nya Nisse now watches: Digitalisering."]
    assert watched(pending) == ["Digitalisering"]


@pytest.mark.parametrize("role", [Role.MANAGEMENT, Role.STAFF])
def test_management_and_staff_are_not_given_areas(admin_client, kommun, members, role):
    target = membership(members[role], kommun)
    url = member_areas_url(kommun, target)
    html = admin_client.get(url).content.decode()
    assert "only members of the scanning group watch areas" in html
    assert 'type="checkbox"' not in html
    response = admin_client.post(url, {"areas": [area(kommun, "Digitalisering").pk]})
    assert response.status_code == 200
    assert not AreaWatch.objects.exists()


@pytest.mark.parametrize("role", [Role.SCANNER, Role.EDITOR, Role.MANAGEMENT, Role.STAFF])
def test_only_the_admin_sets_someone_elses_areas(client_for, kommun, members, role):
    url = member_areas_url(kommun, membership(members[Role.SCANNER], kommun))
    client = client_for(members[role])
    assert client.get(url).status_code == 403
    assert client.post(url, {"areas": [area(kommun, "Digitalisering").pk]}).status_code == 403
    assert not AreaWatch.objects.exists()


def test_another_organisations_member_is_a_404(admin_client, kommun, other_kommun, other_members):
    foreign = membership(other_members[Role.SCANNER], other_kommun)
    url = member_areas_url(kommun, foreign)
    assert admin_client.get(url).status_code == 404
    assert admin_client.post(url, {"areas": [area(kommun, "Digitalisering").pk]}).status_code == 404
    huge = f"/{kommun.slug}/settings/members/{'9' * 30}/areas/"
    assert admin_client.get(huge).status_code == 404
    assert not AreaWatch.objects.exists()


def test_another_organisations_admin_cannot_reach_the_page(
    client_for, kommun, members, other_members
):
    url = member_areas_url(kommun, membership(members[Role.SCANNER], kommun))
    assert client_for(other_members[Role.ADMIN]).get(url).status_code == 404


def test_another_organisations_area_is_refused(admin_client, kommun, other_kommun, members):
    scanner = membership(members[Role.SCANNER], kommun)
    response = admin_client.post(
        member_areas_url(kommun, scanner), {"areas": [area(other_kommun, "Digitalisering").pk]}
    )
    assert response.status_code == 200
    assert "Choose among your organisation&#x27;s areas in use." in response.content.decode()
    assert not AreaWatch.objects.exists()


# --- the areas page: who watches what, and the blind spots ------------------------------------


def test_the_areas_page_shows_who_watches_each_area_and_what_nobody_watches(
    admin_client, kommun, members, other_kommun, other_members
):
    AreaWatchFactory(
        membership=membership(members[Role.SCANNER], kommun), area=area(kommun, "Digitalisering")
    )
    AreaWatchFactory(
        membership=membership(members[Role.EDITOR], kommun), area=area(kommun, "Digitalisering")
    )
    for name in ("Klimat och miljö", "Välfärd och hälsa"):
        AreaWatchFactory(
            membership=membership(members[Role.ADMIN], kommun), area=area(kommun, name)
        )
    # Varberg's scanner watches Kompetensförsörjning there: it says nothing about Kungsbacka.
    AreaWatchFactory(
        membership=membership(other_members[Role.SCANNER], other_kommun),
        area=area(other_kommun, "Kompetensförsörjning"),
    )
    response = admin_client.get(reverse("settings:areas", args=[kommun.slug]))
    # By name, as the areas table is.
    assert [a.name for a in response.context["unwatched"]] == [
        "Demokrati och delaktighet",
        "Kompetensförsörjning",
        "Samhällsbyggnad",
    ]
    html = response.content.decode()
    assert '<h2 id="unwatched-heading">Areas nobody watches</h2>' in html
    assert "No member of the scanning group watches these 3 areas" in html
    assert "Editor-kungsbacka, Scanner-kungsbacka" in html
    assert "Scanner-varberg" not in html
    assert html.count('<span class="unwatched">Nobody</span>') == 3


def test_a_watcher_moved_out_of_the_scanning_group_no_longer_counts(admin_client, kommun, members):
    scanner = membership(members[Role.SCANNER], kommun)
    AreaWatchFactory(membership=scanner, area=area(kommun, "Digitalisering"))
    Membership.objects.filter(pk=scanner.pk).update(role=Role.MANAGEMENT)
    response = admin_client.get(reverse("settings:areas", args=[kommun.slug]))
    assert "Digitalisering" in [a.name for a in response.context["unwatched"]]


def test_when_every_area_is_watched_the_page_says_so(admin_client, kommun, members):
    admin = membership(members[Role.ADMIN], kommun)
    for watched_area in Area.objects.filter(organization=kommun):
        AreaWatchFactory(membership=admin, area=watched_area)
    html = admin_client.get(reverse("settings:areas", args=[kommun.slug])).content.decode()
    assert "Every area in use is watched by someone in the scanning group." in html


def test_the_areas_page_keeps_a_constant_number_of_queries(
    admin_client, kommun, members, django_assert_max_num_queries
):
    people = [make_member(kommun, Role.SCANNER, username=f"bevakare{n}") for n in range(10)]
    for number in range(30):
        new_area = Area.objects.create(organization=kommun, name=f"Område {number}")
        SignalFactory(organization=kommun, created_by=members["scanner"], area=new_area)
        for person in people[: number % 4]:
            AreaWatchFactory(membership=membership(person, kommun), area=new_area)
    # The areas page's budget (test_areas.py) holds: the watchers are one prefetch.
    with django_assert_max_num_queries(6):
        response = admin_client.get(reverse("settings:areas", args=[kommun.slug]))
    assert len(response.context["active"]) == 36
    assert len(response.context["unwatched"]) == 6 + 8
