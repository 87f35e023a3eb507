"""The areas a member watches: the service, the member's own page, the start page's "Your
areas" card and the list's "only my areas" filter."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from organizations.models import Membership
from organizations.roles import Role
from signals.models import Area, AreaWatch, Status
from signals.watch_services import AREAS_INVALID, NOT_A_WATCHER, areas_watched_set

from ..factories import AreaWatchFactory, SignalFactory
from .test_browse import titles

pytestmark = pytest.mark.usefixtures("english")

SCANNING_GROUP = [Role.SCANNER, Role.EDITOR, Role.ADMIN]
OUTSIDE_IT = [Role.MANAGEMENT, Role.STAFF]


def membership(user, organization=None) -> Membership:
    memberships = user.memberships.all()
    return memberships.get(organization=organization) if organization else memberships.get()


def area(organization, name) -> Area:
    return Area.objects.get(organization=organization, name=name)


def watched(membership) -> list[str]:
    return sorted(w.area.name for w in AreaWatch.objects.filter(membership=membership))


def my_areas_url(organization) -> str:
    return reverse("signals:my_areas", args=[organization.slug])


def checkbox_labels(html: str) -> list[str]:
    return [label.strip() for label in re.findall(r'<input type="checkbox"[^>]*>\s*([^<]*)<', html)]


# --- the service ------------------------------------------------------------------------------


def test_setting_areas_replaces_what_the_member_watched(kommun, members):
    scanner = membership(members[Role.SCANNER])
    AreaWatchFactory(membership=scanner, area=area(kommun, "Digitalisering"))
    chosen = [area(kommun, "Klimat och miljö"), area(kommun, "Kompetensförsörjning")]
    result = areas_watched_set(membership=scanner, areas=chosen)
    assert [a.name for a in result] == ["Klimat och miljö", "Kompetensförsörjning"]
    assert watched(scanner) == ["Klimat och miljö", "Kompetensförsörjning"]
    assert areas_watched_set(membership=scanner, areas=[]) == []
    assert watched(scanner) == []


def test_another_organisations_area_is_refused_and_nothing_changes(kommun, other_kommun, members):
    scanner = membership(members[Role.SCANNER])
    AreaWatchFactory(membership=scanner, area=area(kommun, "Digitalisering"))
    with pytest.raises(ValidationError) as refused:
        areas_watched_set(
            membership=scanner,
            areas=[area(kommun, "Klimat och miljö"), area(other_kommun, "Klimat och miljö")],
        )
    assert refused.value.message_dict == {"areas": [str(AREAS_INVALID)]}
    assert watched(scanner) == ["Digitalisering"]


def test_a_retired_area_is_not_chosen_anew_but_may_be_kept(kommun, members):
    scanner, editor = membership(members[Role.SCANNER]), membership(members[Role.EDITOR])
    retired = area(kommun, "Samhällsbyggnad")
    AreaWatchFactory(membership=editor, area=retired)
    Area.objects.filter(pk=retired.pk).update(is_active=False)
    retired.refresh_from_db()
    with pytest.raises(ValidationError):
        areas_watched_set(membership=scanner, areas=[retired])
    areas_watched_set(membership=editor, areas=[retired, area(kommun, "Digitalisering")])
    assert watched(editor) == ["Digitalisering", "Samhällsbyggnad"]


@pytest.mark.parametrize("role", OUTSIDE_IT)
def test_only_the_scanning_group_watches_areas(kommun, members, role):
    with pytest.raises(ValidationError) as refused:
        areas_watched_set(
            membership=membership(members[role]), areas=[area(kommun, "Digitalisering")]
        )
    assert refused.value.message_dict == {"membership": [str(NOT_A_WATCHER)]}
    assert not AreaWatch.objects.exists()


# --- the member's own page --------------------------------------------------------------------


@pytest.mark.parametrize("role", SCANNING_GROUP)
def test_the_scanning_group_chooses_its_areas(client_for, kommun, members, role):
    client = client_for(members[role])
    page = client.get(my_areas_url(kommun))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<legend>Areas you watch:</legend>" in html
    assert "Digitalisering" in checkbox_labels(html)
    chosen = [area(kommun, "Digitalisering").pk, area(kommun, "Klimat och miljö").pk]
    response = client.post(my_areas_url(kommun), {"areas": chosen}, follow=True)
    assert response.redirect_chain == [(reverse("start", args=[kommun.slug]), 302)]
    assert "You now watch: Digitalisering, Klimat och miljö." in response.content.decode()
    assert watched(membership(members[role])) == ["Digitalisering", "Klimat och miljö"]


def test_the_page_ticks_what_the_member_watches_and_unticking_all_clears_them(
    client_for, kommun, members
):
    scanner = membership(members[Role.SCANNER])
    AreaWatchFactory(membership=scanner, area=area(kommun, "Digitalisering"))
    client = client_for(members[Role.SCANNER])
    html = client.get(my_areas_url(kommun)).content.decode()
    ticked = re.findall(r'<input type="checkbox"[^>]*checked[^>]*>\s*([^<]*)<', html)
    assert [label.strip() for label in ticked] == ["Digitalisering"]
    response = client.post(my_areas_url(kommun), {}, follow=True)
    assert "You watch no area now." in response.content.decode()
    assert watched(scanner) == []


@pytest.mark.parametrize("role", OUTSIDE_IT)
def test_management_and_staff_have_no_areas_page(client_for, kommun, members, role):
    client = client_for(members[role])
    assert client.get(my_areas_url(kommun)).status_code == 403
    assert client.post(my_areas_url(kommun), {"areas": [1]}).status_code == 403
    assert not AreaWatch.objects.exists()


def test_another_organisations_member_gets_a_404(client_for, kommun, other_members):
    assert client_for(other_members[Role.SCANNER]).get(my_areas_url(kommun)).status_code == 404


@pytest.mark.parametrize(
    "forged", ["another organisation", "huge", "not a number", "hostile", "retired"]
)
def test_a_forged_choice_is_explained_and_nothing_is_stored(
    client_for, kommun, other_kommun, members, forged
):
    scanner = membership(members[Role.SCANNER])
    AreaWatchFactory(membership=scanner, area=area(kommun, "Digitalisering"))
    Area.objects.filter(organization=kommun, name="Samhällsbyggnad").update(is_active=False)
    value = {
        "another organisation": area(other_kommun, "Klimat och miljö").pk,
        "huge": "9" * 30,
        "not a number": "abc",
        "hostile": "<script>alert(1)</script>",
        "retired": area(kommun, "Samhällsbyggnad").pk,
    }[forged]
    response = client_for(members[Role.SCANNER]).post(
        my_areas_url(kommun), {"areas": [area(kommun, "Klimat och miljö").pk, value]}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert "<script>alert(1)</script>" not in html
    assert watched(scanner) == ["Digitalisering"]


def test_a_retired_area_the_member_watches_stays_offered_and_is_kept(client_for, kommun, members):
    scanner = membership(members[Role.SCANNER])
    retired = area(kommun, "Samhällsbyggnad")
    AreaWatchFactory(membership=scanner, area=retired)
    Area.objects.filter(pk=retired.pk).update(is_active=False)
    client = client_for(members[Role.SCANNER])
    labels = checkbox_labels(client.get(my_areas_url(kommun)).content.decode())
    assert "Samhällsbyggnad (retired)" in labels
    client.post(my_areas_url(kommun), {"areas": [retired.pk, area(kommun, "Digitalisering").pk]})
    assert watched(scanner) == ["Digitalisering", "Samhällsbyggnad"]
    # Nobody else is offered it.
    other = checkbox_labels(
        client_for(members[Role.EDITOR]).get(my_areas_url(kommun)).content.decode()
    )
    assert not any(label.startswith("Samhällsbyggnad") for label in other)


# --- the start page ---------------------------------------------------------------------------


def start_url(organization) -> str:
    return reverse("start", args=[organization.slug])


def test_the_start_page_invites_a_member_who_watches_nothing(client_for, kommun, members):
    html = client_for(members[Role.SCANNER]).get(start_url(kommun)).content.decode()
    assert '<h2 id="watched-heading">Your areas</h2>' in html
    assert f'<a class="button" href="{my_areas_url(kommun)}">Choose your areas</a>' in html


def test_the_start_page_shows_the_latest_signals_in_the_members_areas(
    client_for, kommun, members, django_assert_max_num_queries
):
    scanner = membership(members[Role.SCANNER])
    AreaWatchFactory(membership=scanner, area=area(kommun, "Digitalisering"))
    AreaWatchFactory(membership=scanner, area=area(kommun, "Klimat och miljö"))
    for n in range(8):
        SignalFactory(organization=kommun, title=f"Digitalt {n}", area="Digitalisering")
    SignalFactory(
        organization=kommun, title="Klimatutkast", area="Klimat och miljö", status=Status.DRAFT
    )
    SignalFactory(
        organization=kommun,
        title="Arkiverat klimat",
        area="Klimat och miljö",
        status=Status.ARCHIVED,
    )
    SignalFactory(organization=kommun, title="Om välfärd", area="Välfärd och hälsa")
    client = client_for(members[Role.SCANNER])
    client.get(start_url(kommun))  # the session knows the organisation
    # Session, user, memberships; the recent signals; the watched areas and their signals; the
    # bell's unread count and the latest discussions; the blind spots (cached, one on a miss).
    with django_assert_max_num_queries(10):
        html = client.get(start_url(kommun)).content.decode()
    card = html.split('id="watched-heading"')[1].split("</section>")[0]
    assert "Digitalisering, Klimat och miljö" in card
    assert "Klimatutkast" in card  # the scanning group reads drafts
    assert "Arkiverat klimat" not in card
    assert "Om välfärd" not in card
    assert len(re.findall(r'<a href="/kungsbacka/signals/\d+/">', card)) == 5
    assert f'href="{reverse("signals:list", args=[kommun.slug])}?mine=1"' in card


@pytest.mark.parametrize("role", OUTSIDE_IT)
def test_management_and_staff_start_pages_have_no_areas_card(client_for, kommun, members, role):
    html = client_for(members[role]).get(start_url(kommun)).content.decode()
    assert "watched-heading" not in html


def test_another_organisations_watches_do_not_reach_the_start_page(
    client_for, kommun, other_kommun, members, other_members
):
    AreaWatchFactory(
        membership=membership(other_members[Role.SCANNER]),
        area=area(other_kommun, "Klimat och miljö"),
    )
    SignalFactory(organization=other_kommun, title="Varbergs klimat", area="Klimat och miljö")
    html = client_for(members[Role.SCANNER]).get(start_url(kommun)).content.decode()
    assert "Choose your areas" in html
    assert "Varbergs klimat" not in html


# --- the list's "only my areas" filter --------------------------------------------------------

LIST = reverse("signals:list", args=["kungsbacka"])


@pytest.fixture
def in_areas(kommun, members):
    """The scanner watches Digitalisering; signals in it, in another area and in none."""
    AreaWatchFactory(
        membership=membership(members[Role.SCANNER]), area=area(kommun, "Digitalisering")
    )
    SignalFactory(organization=kommun, title="Digitalt A", area="Digitalisering")
    SignalFactory(
        organization=kommun, title="Digitalt B", area="Digitalisering", status=Status.DRAFT
    )
    SignalFactory(organization=kommun, title="Klimat", area="Klimat och miljö")
    SignalFactory(organization=kommun, title="Utan område")


def test_only_my_areas_narrows_the_list(client_for, members, in_areas):
    client = client_for(members[Role.SCANNER])
    response = client.get(LIST, {"mine": "1"})
    assert sorted(titles(response)) == ["Digitalt A", "Digitalt B"]
    html = response.content.decode()
    assert "2 signals match the filters." in html
    assert re.search(r'<input type="checkbox" name="mine" value="1"[^>]*checked', html)
    assert '<label for="id_mine">Only my areas</label>' in html
    # Links carry it; the CSV too.
    assert "mine=1" in html.split('class="signal-export"')[1]
    assert len(client.get(LIST).context["signals"]) == 4


def test_only_my_areas_with_htmx_swaps_the_results_and_pushes_the_url(
    client_for, members, in_areas
):
    response = client_for(members[Role.SCANNER]).get(
        LIST, {"mine": "1", "level": ""}, headers={"HX-Request": "true"}
    )
    assert sorted(titles(response)) == ["Digitalt A", "Digitalt B"]
    assert response.headers["HX-Push-Url"] == f"{LIST}?mine=1"


def test_the_filter_adds_no_query(client_for, members, in_areas, django_assert_num_queries):
    client = client_for(members[Role.SCANNER])
    client.get(LIST)
    htmx = {"HX-Request": "true"}
    # As for an unfiltered htmx request (test_browse): the areas are a join, not a query.
    with django_assert_num_queries(6):
        response = client.get(LIST, {"mine": "1"}, headers=htmx)
    assert len(titles(response)) == 2


def test_a_member_who_watches_nothing_gets_an_empty_list(client_for, members, in_areas):
    response = client_for(members[Role.EDITOR]).get(LIST, {"mine": "1"})
    assert titles(response) == []
    assert "No signals match these filters." in response.content.decode()


def test_management_is_not_offered_the_filter_and_it_narrows_nothing(client_for, members, in_areas):
    response = client_for(members[Role.MANAGEMENT]).get(LIST, {"mine": "1"})
    html = response.content.decode()
    assert 'name="mine"' not in html
    assert sorted(titles(response)) == ["Digitalt A", "Klimat", "Utan område"]


def test_the_csv_follows_the_filter(client_for, members, in_areas):
    response = client_for(members[Role.SCANNER]).get(
        reverse("signals:export", args=["kungsbacka"]), {"mine": "1"}
    )
    body = b"".join(response.streaming_content).decode()
    assert "Digitalt A" in body
    assert "Klimat" not in body
