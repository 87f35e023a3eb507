"""The dashboard (signals per month, trends gaining evidence) and the blind spots on the
scanning group's start page."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from organizations.roles import Role
from overview.selectors import blind_spots, dashboard, months_before
from signals.models import Area, Level, Status, Trend

from ..factories import SignalFactory

DASHBOARD = reverse("overview:dashboard", args=["kungsbacka"])
START = reverse("start", args=["kungsbacka"])
STOCKHOLM = ZoneInfo("Europe/Stockholm")
# "Today" in these tests: the middle of November 2026, in the year's fourth quarter.
TODAY = datetime(2026, 11, 15, 12, tzinfo=STOCKHOLM)

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(TODAY, tick=False)


def at(year, month, day=10):
    return datetime(year, month, day, 12, tzinfo=STOCKHOLM)


def membership(user):
    return user.memberships.get()


def trend(kommun, name_part):
    return Trend.objects.get(organization=kommun, name__contains=name_part)


def test_months_before_keeps_the_day_or_the_months_last():
    assert months_before(datetime(2026, 3, 31).date(), 1).isoformat() == "2026-02-28"
    assert months_before(datetime(2026, 1, 15).date(), 2).isoformat() == "2025-11-15"


def test_signals_per_month_by_level(kommun, other_kommun, members):
    SignalFactory(organization=kommun, level=Level.INNER, created_at=at(2026, 11))
    SignalFactory(organization=kommun, level=Level.INNER, created_at=at(2026, 11, 1))
    SignalFactory(organization=kommun, level=Level.OUTER, created_at=at(2026, 9, 30))
    SignalFactory(organization=kommun, level=Level.NEAR, created_at=at(2025, 12, 1))
    SignalFactory(organization=kommun, level=Level.NEAR, created_at=at(2025, 11, 30))  # too old
    SignalFactory(organization=kommun, level=Level.NEAR, status=Status.DRAFT)  # not yet a signal
    SignalFactory(organization=other_kommun, level=Level.INNER, created_at=at(2026, 11))

    board = dashboard(membership(members[Role.SCANNER]))

    assert [m.isoformat() for m in (board.months[0], board.months[-1])] == [
        "2025-12-01",
        "2026-11-01",
    ]
    rows = {key: counts for key, _label, counts in board.by_level.rows}
    assert rows["inner"][-1] == 2
    assert rows["outer"][-3] == 1
    assert rows["near"][0] == 1
    assert board.total == 4


def test_trends_gaining_evidence_this_quarter(kommun, members):
    tillit, sarbarhet = trend(kommun, "Tillitens"), trend(kommun, "sårbarhet")
    for day in (1, 2, 3):
        SignalFactory(organization=kommun, trends=[tillit], created_at=at(2026, 10, day))
    SignalFactory(organization=kommun, trends=[tillit], created_at=at(2026, 8))
    SignalFactory(organization=kommun, trends=[sarbarhet], created_at=at(2026, 11))
    for month in (7, 8, 9):
        SignalFactory(organization=kommun, trends=[sarbarhet], created_at=at(2026, month))

    board = dashboard(membership(members[Role.SCANNER]))

    assert [(t.name, t.this_quarter, t.last_quarter) for t in board.rising] == [
        (tillit.name, 3, 1)
    ]  # sårbarhet fell from three to one


# --- blind spots --------------------------------------------------------------------------------


def test_an_area_or_level_without_a_signal_in_two_months_is_a_blind_spot(kommun, members):
    Area.objects.filter(organization=kommun, name="Demokrati och delaktighet").update(
        is_active=False
    )  # retired: never a blind spot
    recent = {"Digitalisering", "Klimat och miljö", "Välfärd och hälsa", "Samhällsbyggnad"}
    for name in recent:
        SignalFactory(organization=kommun, area=name, level=Level.OUTER, created_at=at(2026, 10))
    # Just too old (two months ago yesterday), and a draft that counts: someone looked.
    SignalFactory(
        organization=kommun, area="Kompetensförsörjning", level=Level.INNER,
        created_at=at(2026, 9, 14),
    )  # fmt: skip
    SignalFactory(
        organization=kommun, area="Samhällsbyggnad", level=Level.NEAR, status=Status.DRAFT,
        created_at=at(2026, 9, 16),
    )  # fmt: skip

    spots = blind_spots(membership(members[Role.SCANNER]))

    assert spots.since.isoformat() == "2026-09-15"
    assert spots.areas == ["Kompetensförsörjning"]
    assert spots.levels == [str(Level.INNER.label)]


def test_blind_spots_follow_what_the_member_can_see(kommun, members):
    for level in Level:
        SignalFactory(organization=kommun, level=level, status=Status.DRAFT)
    assert blind_spots(membership(members[Role.EDITOR])).levels == []
    assert len(blind_spots(membership(members[Role.MANAGEMENT])).levels) == 3


@pytest.mark.parametrize("role", [Role.SCANNER, Role.EDITOR, Role.ADMIN])
def test_the_scanning_groups_start_page_lists_the_blind_spots(client_for, kommun, members, role):
    for name in ("Digitalisering", "Klimat och miljö", "Välfärd och hälsa", "Samhällsbyggnad"):
        SignalFactory(organization=kommun, area=name, level=Level.NEAR)
    html = client_for(members[role]).get(START).content.decode()
    card = html.split('id="blind-spots-heading"')[1].split("</section>")[0]
    items = re.findall(r"<li>([^<]+) <span", card)
    assert items == [
        "Demokrati och delaktighet",
        "Kompetensförsörjning",
        "Inner world",
        "Outer world",
    ]
    # A prompt for the group, not a measure of people: no names, no counts per person.
    for user in members.values():
        assert user.first_name not in card


@pytest.mark.parametrize("role", [Role.MANAGEMENT, Role.STAFF])
def test_management_and_staff_start_pages_have_no_blind_spots(client_for, members, role):
    assert "blind-spots-heading" not in client_for(members[role]).get(START).content.decode()


def test_the_start_page_says_so_when_there_is_no_blind_spot(client_for, kommun, members):
    areas = Area.objects.filter(organization=kommun)
    for area, level in zip(areas, [*Level, *Level], strict=False):
        SignalFactory(organization=kommun, area=area, level=level)
    html = client_for(members[Role.SCANNER]).get(START).content.decode()
    assert "Every area and level has had a signal since 15 September" in html


# --- the page -----------------------------------------------------------------------------------


@pytest.fixture
def register(kommun, members):
    tillit = trend(kommun, "Tillitens")
    SignalFactory(
        organization=kommun, title="Loggad", area="Digitalisering", level=Level.INNER,
        trends=[tillit], created_at=at(2026, 11),
    )  # fmt: skip
    SignalFactory(
        organization=kommun, title="Delad", area="Klimat och miljö", level=Level.NEAR,
        trends=[tillit], created_at=at(2026, 10), shared_with_staff=True,
    )  # fmt: skip


def test_anonymous_is_sent_to_login(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", Role.values)
def test_every_role_reads_the_dashboard_of_what_it_may_see(client_for, members, register, role):
    response = client_for(members[role]).get(DASHBOARD)
    assert response.status_code == 200
    html = response.content.decode()
    expected = 1 if role == Role.STAFF else 2
    assert f"{expected} signals logged in the last 12 months" in html or (
        expected == 1 and "1 signal logged in the last 12 months" in html
    )
    # The chart is a picture with a name, and its figures are a table too.
    assert 'role="img" aria-label="Signals per month by level, the last 12 months"' in html
    assert "The figures as a table" in html
    assert "Tillitens betydelse" in html


@pytest.mark.parametrize("role", Role.values)
def test_another_organisations_member_gets_404(client_for, other_members, register, role):
    assert client_for(other_members[role]).get(DASHBOARD).status_code == 404


def test_the_heat_tables_count_per_area_and_trend(client_for, members, register):
    html = client_for(members[Role.SCANNER]).get(DASHBOARD).content.decode()
    areas = html.split('id="areas-heading"')[1].split("</section>")[0]
    row = re.search(r"<th scope=\"row\">Digitalisering</th>(.*?)</tr>", areas, re.S)[1]
    assert re.findall(r">(\d+)</td>", row)[-2:] == ["1", "1"]  # November, and the total


def test_the_dashboard_reads_a_fixed_number_of_queries(
    client_for, kommun, members, register, django_assert_max_num_queries
):
    client = client_for(members[Role.SCANNER])
    client.get(DASHBOARD)
    for n in range(30):
        SignalFactory(
            organization=kommun, area="Samhällsbyggnad", trends=[trend(kommun, "sårbarhet")],
            created_at=at(2026, 1 + n % 11),
        )  # fmt: skip
    # Session, user, memberships, the bell; levels, areas and their names, trends and their
    # names; the blind spots.
    with django_assert_max_num_queries(11):
        response = client.get(DASHBOARD)
    assert "32 signals logged" in response.content.decode()
