"""The radar page, its htmx fragment and its SVG file: who sees which signals, the filters in
the URL, bad input, and a constant number of queries."""

import re

import pytest
from django.urls import resolve, reverse

from organizations.roles import Role
from signals.models import Trend

from ..factories import SignalFactory

RADAR = reverse("overview:radar", args=["kungsbacka"])
SVG = reverse("overview:radar_svg", args=["kungsbacka"])

pytestmark = pytest.mark.usefixtures("english")


def dots(response) -> list[str]:
    """The accessible names of the radar's links, in their order."""
    html = response.content.decode()
    svg = re.search(r"<svg[^>]*radar__image.*?</svg>", html, re.S)
    assert svg, "no radar on the page"
    return re.findall(r'<a href="[^"]+" class="radar__dot" aria-label="([^"]*)"', svg[0])


def titles(response) -> set[str]:
    return {name.split(" – ")[0] for name in dots(response)}


def trend(kommun, force: str) -> Trend:
    return Trend.objects.filter(organization=kommun, driving_force__name=force).first()


# --- who sees what -----------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    for url in (RADAR, SVG):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", [Role.SCANNER, Role.EDITOR, Role.ADMIN])
def test_the_scanning_group_sees_its_working_register(client_for, members, register, foreign, role):
    response = client_for(members[role]).get(RADAR)
    assert response.status_code == 200
    assert titles(response) == {"Loggad om AI", "Delad om klimatet", "Utkast om skolan"}
    assert "Utan horisont" in response.content.decode()  # listed, not drawn


def test_management_sees_only_logged_signals(client_for, members, register, foreign):
    response = client_for(members[Role.MANAGEMENT]).get(RADAR)
    assert titles(response) == {"Loggad om AI", "Delad om klimatet"}
    # Asking for drafts by URL shows none: the status is not theirs to choose.
    response = client_for(members[Role.MANAGEMENT]).get(RADAR, {"status": "draft"})
    assert response.status_code == 200
    assert "Utkast" not in response.content.decode()


def test_staff_see_only_what_was_shared_with_them(client_for, members, register, foreign):
    response = client_for(members[Role.STAFF]).get(RADAR)
    assert titles(response) == {"Delad om klimatet"}
    assert "Loggad om AI" not in response.content.decode()


@pytest.mark.parametrize("url", [RADAR, SVG])
def test_another_organisations_member_gets_404(client_for, other_members, register, url):
    for role in Role.values:
        assert client_for(other_members[role]).get(url).status_code == 404


@pytest.mark.parametrize("role", Role.values)
def test_another_organisations_signals_never_appear(client_for, members, register, foreign, role):
    response = client_for(members[role]).get(RADAR, {"period": "all", "status": ""})
    assert "Varbergs signal" not in response.content.decode()


# --- the picture -------------------------------------------------------------------------------


def test_each_dot_links_to_its_signal_with_a_name(client_for, members, register):
    response = client_for(members[Role.SCANNER]).get(RADAR)
    html = response.content.decode()
    links = re.findall(r'<a href="([^"]+)" class="radar__dot" aria-label="([^"]*)"><title>', html)
    assert len(links) == 3
    for href, name in links:
        match = resolve(href)
        assert match.view_name == "signals:detail"
        signal = next(s for s in register.values() if s.pk == match.kwargs["pk"])
        assert name.startswith(signal.title + " – ")
    loggad = next(name for _, name in links if name.startswith("Loggad"))
    assert loggad == "Loggad om AI – Outer world, 1–3 years, impact: large, driving force: Teknik"


def test_the_sectors_are_driving_forces_areas_or_levels(client_for, members, register):
    client = client_for(members[Role.SCANNER])
    forces = client.get(RADAR).content.decode()
    assert "driving force: Teknik" in forces and "driving force: Klimat" in forces
    areas = client.get(RADAR, {"by": "area"}).content.decode()
    assert "area: Digitalisering" in areas and "area: No area" in areas
    levels = client.get(RADAR, {"by": "level"}).content.decode()
    assert "level: Inner world" in levels


def test_the_table_holds_the_same_signals_as_the_picture(client_for, members, register):
    response = client_for(members[Role.SCANNER]).get(RADAR)
    html = response.content.decode()
    table = re.search(r'<table class="signal-table radar-table".*?</table>', html, re.S)[0]
    rows = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>', table)
    assert rows == [name.split(" – ")[0] for name in dots(response)]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"level": "near"}, {"Delad om klimatet"}),
        ({"status": "archived"}, {"Arkiverad om vatten"}),
        ({"status": "draft"}, {"Utkast om skolan"}),
        ({"period": "all"}, {"Loggad om AI", "Delad om klimatet", "Utkast om skolan",
                             "Gammal om vägar"}),
        ({"period": "3"}, {"Loggad om AI", "Delad om klimatet", "Utkast om skolan"}),
    ],
)  # fmt: skip
def test_filters_change_the_set(client_for, members, register, params, expected):
    response = client_for(members[Role.SCANNER]).get(RADAR, params)
    assert titles(response) == expected


def test_filters_by_area_trend_and_tag(client_for, kommun, members, register):
    client = client_for(members[Role.SCANNER])
    area = register["logged"].area
    assert titles(client.get(RADAR, {"area": area.pk})) == {"Loggad om AI"}
    klimat = trend(kommun, "Klimat")
    assert titles(client.get(RADAR, {"trend": klimat.pk})) == {"Delad om klimatet"}
    tag = register["logged"].tags.get()
    assert titles(client.get(RADAR, {"tag": tag.pk})) == {"Loggad om AI"}


@pytest.mark.parametrize(
    "params",
    [
        {"level": "zzz"},
        {"area": "abc"},
        {"trend": "99999999999999999"},
        {"tag": "-1"},
        {"by": "people"},
        {"period": "7"},
        {"status": "deleted"},
        {"area": "\x00"},
    ],
)
def test_bad_input_is_reported_and_left_out(client_for, members, register, params):
    response = client_for(members[Role.SCANNER]).get(RADAR, params)
    assert response.status_code == 200
    assert "could not be understood" in response.content.decode()
    assert titles(response) == {"Loggad om AI", "Delad om klimatet", "Utkast om skolan"}
    assert client_for(members[Role.SCANNER]).get(SVG, params).status_code == 200


def test_another_organisations_area_is_not_a_filter(client_for, members, register, foreign):
    response = client_for(members[Role.SCANNER]).get(RADAR, {"area": foreign.area_id or 0})
    assert response.status_code == 200


def test_htmx_gets_the_fragment_and_the_address(client_for, members, register):
    response = client_for(members[Role.SCANNER]).get(
        RADAR, {"level": "near", "period": "12", "by": "force"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html and "radar__image" in html
    assert 'hx-swap-oob="innerHTML"' in html
    # Only what differs from the defaults is in the address.
    assert response["HX-Push-Url"] == RADAR + "?level=near"
    assert "HX-Request" in response["Vary"]


def test_the_page_works_without_javascript(client_for, members, register):
    html = client_for(members[Role.SCANNER]).get(RADAR).content.decode()
    form = re.search(r'<form id="radar-filters"[^>]*>', html)[0]
    assert f'action="{RADAR}"' in form and 'method="get"' in form
    assert "<script" not in re.search(r"<svg.*?</svg>", html, re.S)[0]


def test_the_svg_file(client_for, members, register):
    response = client_for(members[Role.SCANNER]).get(SVG, {"level": "outer"})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="signalradar-kungsbacka-'
    )
    body = response.content.decode()
    assert body.startswith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"'
    )
    detail = reverse("signals:detail", args=["kungsbacka", register["logged"].pk])
    assert f'href="http://testserver{detail}"' in body
    assert "Utkast om skolan" not in body  # the filter holds
    assert "Rings, from the centre out" in body  # the legend travels with it


def test_the_svg_is_well_formed_xml(client_for, members, register):
    from xml.etree import ElementTree

    SignalFactory(
        organization=register["logged"].organization, title="<b>&\"'ö", time_horizon="now"
    )
    response = client_for(members[Role.SCANNER]).get(SVG)
    root = ElementTree.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"


def test_the_number_of_queries_does_not_grow_with_the_signals(
    client_for, kommun, members, register, django_assert_max_num_queries
):
    client = client_for(members[Role.SCANNER])
    client.get(RADAR)  # the session's first request writes its organisation
    teknik = trend(kommun, "Teknik")
    for n in range(40):
        SignalFactory(
            organization=kommun, title=f"Fler {n}", time_horizon="1-3", trends=[teknik],
            tags=["fler"],
        )  # fmt: skip
    with django_assert_max_num_queries(11):
        response = client.get(RADAR)
    assert len(dots(response)) == 43
    with django_assert_max_num_queries(11):
        client.get(RADAR, {"by": "area", "tag": register["logged"].tags.get().pk})
