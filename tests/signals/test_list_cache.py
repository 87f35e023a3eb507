"""The list under load: counts, filter choices and a search's first matches are cached until the
register changes, a search is counted up to a limit, deep pages are read ids first, and a
common word ranks every match."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from organizations.roles import Role
from signals import selectors
from signals.models import Area, Level, Status, Tag, Trend
from signals.selectors import SignalFilters, find_signals
from signals.services import SourceData, signal_archive, signal_create, signal_update
from signals.taxonomy_services import (
    area_create,
    area_update,
    tag_merge,
    tag_rename,
    trend_create,
    trend_update,
)

from ..factories import SignalFactory

LIST = reverse("signals:list", args=["kungsbacka"])
STOCKHOLM = ZoneInfo("Europe/Stockholm")

pytestmark = pytest.mark.usefixtures("english")


def titles(response) -> list[str]:
    html = response.content.decode()
    return re.findall(
        r'<th scope="row" class="signal-table__title">\s*<a href="[^"]*">([^<]*)</a>', html
    )


def level_count(response, label: str) -> int:
    html = response.content.decode()
    match = re.search(rf">{label} <span class=\"level-counts__n\">\((\d+)\)</span>", html)
    assert match, label
    return int(match[1])


def options(response, name) -> list[str]:
    html = response.content.decode()
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    return re.findall(r'<option value="[^"]+"[^>]*>([^<]*)</option>', select[1])


def log_signal(kommun, user, **fields):
    values = {
        "title": "Ny signal",
        "motivation": "Det påverkar oss.",
        "level": Level.NEAR,
        "sources": [SourceData(url="https://www.scb.se/", name="SCB")],
    }
    return signal_create(organization=kommun, user=user, **(values | fields))


# --- cached counts and choices follow every write ----------------------------------------------


def test_a_signal_logged_after_a_view_is_counted_at_once(client_for, kommun, members, signal):
    client = client_for(members[Role.SCANNER])
    before = client.get(LIST)
    assert level_count(before, "Near world") == 1
    log_signal(kommun, members[Role.SCANNER], title="Region Halland bygger om")
    after = client.get(LIST)
    assert level_count(after, "Near world") == 2
    assert level_count(after, "All levels") == 2
    assert "Region Halland bygger om" in titles(after)


def test_a_changed_level_moves_between_the_counts(client_for, members, signal):
    client = client_for(members[Role.SCANNER])
    assert level_count(client.get(LIST), "Near world") == 1
    signal_update(signal=signal, user=members[Role.SCANNER], expected_version=1, level=Level.OUTER)
    response = client.get(LIST, {"level": "outer"})
    assert (level_count(response, "Near world"), level_count(response, "Outer world")) == (0, 1)
    assert titles(response) == [signal.title]


def test_an_archived_signal_leaves_managements_counts_at_once(client_for, members, signal):
    client = client_for(members[Role.MANAGEMENT])
    assert level_count(client.get(LIST), "All levels") == 1
    signal_archive(signal=signal, user=members[Role.SCANNER])
    response = client.get(LIST)
    assert level_count(response, "All levels") == 0
    assert titles(response) == []


def test_roles_do_not_share_cached_counts(client_for, kommun, members, signal):
    SignalFactory(organization=kommun, status=Status.DRAFT, level=Level.NEAR)
    assert level_count(client_for(members[Role.SCANNER]).get(LIST), "Near world") == 2
    assert level_count(client_for(members[Role.MANAGEMENT]).get(LIST), "Near world") == 1


def test_a_search_counts_its_own_matches(client_for, kommun, members, signal):
    client = client_for(members[Role.SCANNER])
    assert level_count(client.get(LIST, {"q": "skolan"}), "All levels") == 1
    assert level_count(client.get(LIST, {"q": "bygglov"}), "All levels") == 0
    # The same query however it is spaced is the same search.
    assert level_count(client.get(LIST, {"q": "  skolan "}), "All levels") == 1


def test_a_write_in_another_organisation_changes_nothing_here(
    client_for, kommun, other_kommun, members, other_members, signal
):
    client = client_for(members[Role.SCANNER])
    assert level_count(client.get(LIST), "All levels") == 1
    log_signal(other_kommun, other_members[Role.SCANNER])
    assert level_count(client.get(LIST), "All levels") == 1


def test_a_renamed_tag_is_offered_by_its_new_name(client_for, kommun, members, signal):
    client = client_for(members[Role.SCANNER])
    assert options(client.get(LIST), "tag") == ["AI"]
    tag_rename(tag=Tag.objects.get(organization=kommun, name="AI"), name="Artificiell intelligens")
    assert options(client.get(LIST), "tag") == ["Artificiell intelligens"]


def test_areas_and_trends_written_are_offered_at_once(client_for, kommun, members, signal):
    client = client_for(members[Role.SCANNER])
    area = Area.objects.filter(organization=kommun).order_by("name").first()
    trend = Trend.objects.filter(organization=kommun).order_by("name").first()
    old_name = area.name
    assert old_name in options(client.get(LIST), "area")
    area_update(area=area, name="Ett nytt namn", description="")
    area_create(organization=kommun, name="Ännu ett område")
    trend_update(trend=trend, name="En ny trend", description="", driving_force=None)
    response = client.get(LIST)
    assert {"Ett nytt namn", "Ännu ett område"} <= set(options(response, "area"))
    assert old_name not in options(response, "area")
    assert "En ny trend" in options(response, "trend")
    trend_create(organization=kommun, name="Ytterligare en trend")
    assert "Ytterligare en trend" in options(client.get(LIST), "trend")


def test_a_merged_tag_is_no_longer_offered_and_its_signals_count_under_the_other(
    client_for, kommun, members, signal
):
    SignalFactory(organization=kommun, tags=["skola"], level=Level.NEAR)
    client = client_for(members[Role.SCANNER])
    skola = Tag.objects.get(organization=kommun, name="skola")
    assert level_count(client.get(LIST, {"tag": skola.pk}), "All levels") == 1
    tag_merge(source=Tag.objects.get(organization=kommun, name="AI"), target=skola)
    response = client.get(LIST, {"tag": skola.pk})
    assert level_count(response, "All levels") == 2
    assert options(response, "tag") == ["skola"]


def test_a_new_author_is_offered_after_their_first_signal(client_for, kommun, members, signal):
    client = client_for(members[Role.SCANNER])
    assert options(client.get(LIST), "author") == ["Scanner-kungsbacka"]
    log_signal(kommun, members[Role.EDITOR])
    assert options(client.get(LIST), "author") == ["Editor-kungsbacka", "Scanner-kungsbacka"]


def test_a_warm_page_click_costs_no_count(
    client_for, members, signal, django_assert_max_num_queries
):
    client = client_for(members[Role.SCANNER])
    client.get(LIST)
    with django_assert_max_num_queries(7):
        client.get(LIST, {"sort": "oldest", "page": 1}, headers={"HX-Request": "true"})


# --- a search with many matches is counted up to a limit -----------------------------------------


def test_a_search_with_more_matches_than_the_limit_says_more_than(
    client_for, members, forty, monkeypatch
):
    """Past ``SEARCH_COUNT_LIMIT`` matches a search is counted no further: the page says "more
    than", the levels are links without figures, and the pages stop at the limit."""
    monkeypatch.setattr(selectors, "SEARCH_COUNT_LIMIT", 30)
    client = client_for(members[Role.SCANNER])
    html = client.get(LIST, {"q": "signal"}).content.decode()
    assert "More than 30 signals match the search." in html
    assert "Signals 1–25 of more than 30" in html
    assert '<span class="level-counts__n">(30+)</span>' in html
    assert "Near world</a>" in html and "Outer world</a>" in html
    assert "Download the matching signals as CSV" in html
    last = client.get(LIST, {"q": "signal", "page": 9})
    assert len(titles(last)) == 5  # rows 26–30, the limit's page
    # A level of no more than the limit is counted in full.
    near = client.get(LIST, {"q": "signal", "level": "near"}).content.decode()
    assert "20 signals match the filters." in near
    monkeypatch.setattr(selectors, "SEARCH_COUNT_LIMIT", 15)
    near = client.get(LIST, {"q": "signal", "level": "near", "sort": "oldest"})
    assert "More than 15 signals match the filters." in near.content.decode()


def test_a_search_within_the_limit_is_counted_per_level(client_for, members, forty, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_COUNT_LIMIT", 40)
    response = client_for(members[Role.SCANNER]).get(LIST, {"q": "signal"})
    html = response.content.decode()
    assert "40 signals match the search." in html
    assert "More than" not in html
    assert (level_count(response, "Near world"), level_count(response, "Outer world")) == (20, 20)


def test_a_search_finds_a_signal_logged_after_it_at_once(client_for, kommun, members, forty):
    client = client_for(members[Role.SCANNER])
    assert len(titles(client.get(LIST, {"q": "signal", "page": 2}))) == 15
    log_signal(kommun, members[Role.SCANNER], title="Signal nyast")
    response = client.get(LIST, {"q": "signal"})
    assert titles(response)[0] == "Signal nyast"
    assert "41 signals match the search." in response.content.decode()


def test_the_next_page_of_a_search_reads_only_its_rows(
    client_for, members, forty, django_assert_max_num_queries
):
    """The matches are found, sorted and counted once (cached); the next page reads its rows."""
    client = client_for(members[Role.SCANNER])
    htmx = {"HX-Request": "true"}
    client.get(LIST, {"q": "signal"}, headers=htmx)
    with django_assert_max_num_queries(7):
        response = client.get(LIST, {"q": "signal", "page": 2}, headers=htmx)
    assert titles(response) == [f"Signal {n:02d}" for n in range(14, -1, -1)]


# --- deep pages -------------------------------------------------------------------------------


@pytest.fixture
def forty(kommun, members):
    return [
        SignalFactory(
            organization=kommun,
            title=f"Signal {n:02d}",
            created_at=datetime(2025, 1, 1, 12, tzinfo=STOCKHOLM) + timedelta(days=n),
            level=Level.NEAR if n % 2 else Level.OUTER,
            tags=[f"tagg {n % 3}"],
            created_by=members[Role.SCANNER],
        )
        for n in range(40)
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, [f"Signal {n:02d}" for n in range(14, -1, -1)]),
        ({"sort": "oldest"}, [f"Signal {n:02d}" for n in range(25, 40)]),
        ({"sort": "title"}, [f"Signal {n:02d}" for n in range(25, 40)]),
        ({"q": "signal", "sort": "relevance"}, [f"Signal {n:02d}" for n in range(14, -1, -1)]),
    ],
)
def test_a_deep_page_shows_the_same_rows_as_a_near_one(
    client_for, members, forty, monkeypatch, params, expected
):
    """Read ids first from row 10 on: page 2 of 25 is such a page here."""
    client = client_for(members[Role.SCANNER])
    near = client.get(LIST, {**params, "page": 2})
    monkeypatch.setattr(selectors, "DEFERRED_PAGING_FROM", 10)
    deep = client.get(LIST, {**params, "page": 2})
    assert titles(deep) == titles(near) == expected


@pytest.mark.parametrize("sort", ["", "oldest", "title", "impact"])
def test_a_deep_page_read_from_the_end_has_the_rows_of_the_order(kommun, members, sort):
    """A page past the middle is read backwards from the end: every slice is the one the
    order gives, with ties in date and title and signals without an impact among them."""
    for n in range(12):
        SignalFactory(
            organization=kommun,
            title=f"Signal {n % 5}",
            created_at=datetime(2025, 1, 1 + n % 4, tzinfo=STOCKHOLM),
            impact=[None, 1, 3][n % 3],
            status=Status.DRAFT if n == 7 else Status.LOGGED,
        )
    for role in (Role.SCANNER, Role.MANAGEMENT):
        membership = members[role].memberships.get()
        filters = SignalFilters(sort=sort)
        expected = list(find_signals(membership, filters).values_list("pk", flat=True))
        page = selectors.signal_listing(membership, filters).signals
        assert page.count() == len(expected)
        for start in range(len(expected)):
            for stop in range(start + 1, len(expected) + 2):
                assert list(page.deep_page_ids(start, stop)) == expected[start:stop]


def test_a_deep_page_takes_one_query_more(
    client_for, members, forty, monkeypatch, django_assert_max_num_queries
):
    client = client_for(members[Role.SCANNER])
    client.get(LIST)
    htmx = {"HX-Request": "true"}
    with django_assert_max_num_queries(5):
        client.get(LIST, {"page": 2}, headers=htmx)
    monkeypatch.setattr(selectors, "DEFERRED_PAGING_FROM", 10)
    with django_assert_max_num_queries(6):
        response = client.get(LIST, {"page": 2}, headers=htmx)
    assert len(titles(response)) == 15


def test_a_deep_page_asked_again_reads_no_ids_until_the_data_changes(
    client_for, kommun, members, forty, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(selectors, "DEFERRED_PAGING_FROM", 10)
    client = client_for(members[Role.SCANNER])
    htmx = {"HX-Request": "true"}
    first = titles(client.get(LIST, {"page": 2}, headers=htmx))
    # As a near page: the ids of the first view are cached.
    with django_assert_max_num_queries(5):
        again = client.get(LIST, {"page": 2}, headers=htmx)
    assert titles(again) == first
    log_signal(kommun, members[Role.SCANNER], title="Nyast")
    # The new signal comes first and pushes the last row of page 1 onto page 2, the last page.
    assert titles(client.get(LIST, {"page": 2}, headers=htmx))[1:] == first


def test_a_deep_page_shows_only_what_the_member_may_see(
    client_for, kommun, members, forty, monkeypatch
):
    SignalFactory(organization=kommun, title="Utkast", status=Status.DRAFT)
    monkeypatch.setattr(selectors, "DEFERRED_PAGING_FROM", 1)
    client = client_for(members[Role.MANAGEMENT])
    shown = titles(client.get(LIST, {"page": 2, "per_page": 25}))
    assert "Utkast" not in shown
    assert len(shown) == 15


# --- relevance over every match (PostgreSQL) ----------------------------------------------------


@pytest.mark.postgres
def test_the_best_match_comes_first_however_many_newer_matches_there_are(kommun, members):
    """Every match is ranked, from the vectors each signal stores: the best one is first even
    behind newer, weaker matches."""
    old_best = SignalFactory(
        organization=kommun,
        title="Vätgas, vätgas, vätgas",
        description="Vätgas i Halland: vätgas och vätgasbussar.",
        created_at=datetime(2024, 1, 1, tzinfo=STOCKHOLM),
    )
    for n in range(3):
        SignalFactory(
            organization=kommun,
            title=f"Vätgas nämns {n}",
            created_at=datetime(2025, 1, 1 + n, tzinfo=STOCKHOLM),
        )
    scanner = members[Role.SCANNER].memberships.get()
    ordered = [signal.title for signal in find_signals(scanner, SignalFilters(q="vätgas"))]
    assert ordered[0] == old_best.title
    assert ordered[1:] == ["Vätgas nämns 2", "Vätgas nämns 1", "Vätgas nämns 0"]
