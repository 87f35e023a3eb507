"""The signal list: who sees what, each filter, the URL as state, pages, sorting, counts."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.roles import Role
from signals.models import Area, Level, Status, Trend

from ..factories import SignalFactory

# The `kommun` fixture is Kungsbacka.
LIST = reverse("signals:list", args=["kungsbacka"])
STOCKHOLM = ZoneInfo("Europe/Stockholm")
SCANNING_GROUP = [Role.SCANNER, Role.EDITOR, Role.ADMIN]


# The assertions read the English interface (Swedish is the default).
pytestmark = pytest.mark.usefixtures("english")


def titles(response) -> list[str]:
    """The titles in the results table, in order."""
    html = response.content.decode()
    return re.findall(
        r'<th scope="row" class="signal-table__title">\s*<a href="[^"]*">([^<]*)</a>', html
    )


def options(response, name) -> list[str]:
    """The labels of a filter dropdown, without its "all" choice."""
    html = response.content.decode()
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    return re.findall(r'<option value="[^"]+"[^>]*>([^<]*)</option>', select[1])


@pytest.fixture
def register(kommun, members):
    """Three signals that differ in every filterable way, and one in another organisation."""
    t1, t2 = Trend.objects.filter(organization=kommun).order_by("name")[:2]
    return {
        "bygglov": SignalFactory(
            organization=kommun,
            title="Ny e-tjänst för bygglov",
            level=Level.INNER,
            area="Digitalisering",
            trends=[t1],
            tags=["skola"],
            status=Status.LOGGED,
            created_by=members[Role.SCANNER],
            created_at=datetime(2025, 3, 10, 9, tzinfo=STOCKHOLM),
            impact=2,
        ),
        "vatgas": SignalFactory(
            organization=kommun,
            title="Halland satsar på vätgas",
            level=Level.NEAR,
            area="Klimat och miljö",
            trends=[t2],
            tags=["klimat"],
            status=Status.DRAFT,
            created_by=members[Role.EDITOR],
            created_at=datetime(2025, 4, 1, 0, 30, tzinfo=STOCKHOLM),
            impact=4,
        ),
        "ai": SignalFactory(
            organization=kommun,
            title="EU:s nya AI-förordning",
            level=Level.OUTER,
            area="Välfärd och hälsa",
            trends=[t1, t2],
            tags=["skola", "klimat"],
            status=Status.ARCHIVED,
            created_by=members[Role.SCANNER],
            created_at=datetime(2025, 4, 30, 23, 30, tzinfo=STOCKHOLM),
        ),
    }


@pytest.fixture
def foreign(other_kommun, other_members):
    return SignalFactory(
        organization=other_kommun,
        title="Varbergs e-tjänst för bygglov",
        level=Level.INNER,
        area="Digitalisering",
        created_by=other_members[Role.SCANNER],
    )


# --- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST, reverse("signals:export", args=["kungsbacka"])])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url + "?level=inner")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_user_without_membership_is_told_there_is_no_such_page(client, django_user_model, kommun):
    user = django_user_model.objects.create_user("outsider", password="x")
    assert client_get(client, user, LIST).status_code == 404


def client_get(client, user, url, **extra):
    client.force_login(user)
    return client.get(url, **extra)


@pytest.mark.parametrize("role", SCANNING_GROUP)
def test_the_scanning_group_sees_every_status(client_for, members, register, foreign, role):
    response = client_for(members[role]).get(LIST)
    assert response.status_code == 200
    assert sorted(titles(response)) == sorted(s.title for s in register.values())


def test_management_sees_only_logged_signals(client_for, members, register, foreign):
    response = client_for(members[Role.MANAGEMENT]).get(LIST)
    assert titles(response) == ["Ny e-tjänst för bygglov"]
    # Asking for drafts by URL does not reveal them: the status is not theirs to choose.
    response = client_for(members[Role.MANAGEMENT]).get(LIST, {"status": "draft"})
    assert "Halland satsar" not in response.content.decode()


def test_staff_see_none_yet(client_for, members, register, foreign):
    response = client_for(members[Role.STAFF]).get(LIST)
    assert response.status_code == 200
    assert titles(response) == []
    assert "shared with you" in response.content.decode()


@pytest.mark.parametrize("role", Role.values)
def test_another_organisations_signals_never_appear(client_for, members, register, foreign, role):
    response = client_for(members[role]).get(LIST, {"q": "bygglov", "per_page": 100})
    assert "Varberg" not in response.content.decode()


def test_the_other_organisation_sees_only_its_own(client_for, other_members, register, foreign):
    response = client_for(other_members[Role.SCANNER]).get(
        reverse("signals:list", args=[foreign.organization.slug])
    )
    assert titles(response) == [foreign.title]


def test_another_organisations_area_in_the_url_filters_nothing_of_theirs(
    client_for, members, register, foreign, other_kommun
):
    their_area = Area.objects.get(organization=other_kommun, name="Digitalisering")
    response = client_for(members[Role.SCANNER]).get(LIST, {"area": their_area.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Varberg" not in html
    # The forged value is reported and left out, not silently turned into another filter.
    assert "could not be understood" in html
    assert len(titles(response)) == 3


def test_management_is_offered_only_tags_and_authors_of_signals_it_can_see(
    client_for, members, register
):
    # "klimat" is only on a draft and an archived signal; the editor logged only the draft.
    response = client_for(members[Role.MANAGEMENT]).get(LIST)
    assert options(response, "tag") == ["skola"]
    assert options(response, "author") == [members[Role.SCANNER].first_name]
    # Areas and trends are the organisation's configuration: all of them, as for everyone.
    scanner = client_for(members[Role.SCANNER]).get(LIST)
    assert options(response, "area") == options(scanner, "area")
    assert options(response, "trend") == options(scanner, "trend")


def test_the_scanning_group_is_offered_every_tag_and_author_in_use(client_for, members, register):
    response = client_for(members[Role.SCANNER]).get(LIST)
    assert options(response, "tag") == ["klimat", "skola"]
    assert options(response, "author") == [
        members[Role.EDITOR].first_name,
        members[Role.SCANNER].first_name,
    ]


def test_staff_are_offered_no_tags_or_authors(client_for, members, register):
    response = client_for(members[Role.STAFF]).get(LIST)
    assert options(response, "tag") == []
    assert options(response, "author") == []


def test_a_tag_only_on_drafts_is_not_a_filter_for_management(client_for, members, register):
    klimat = register["vatgas"].tags.get()
    for headers in ({}, {"HX-Request": "true"}):
        response = client_for(members[Role.MANAGEMENT]).get(
            LIST, {"tag": klimat.pk}, headers=headers
        )
        assert "could not be understood" in response.content.decode()
        assert titles(response) == ["Ny e-tjänst för bygglov"]


@pytest.mark.parametrize("role", Role.values)
def test_the_status_filter_offers_exactly_the_statuses_the_member_sees(
    client_for, kommun, members, role
):
    # Shared with the staff too (by a published report), so every role sees some.
    for status in Status:
        SignalFactory(
            organization=kommun,
            title=f"Status {status.value}",
            status=status,
            shared_with_staff=True,
        )
    response = client_for(members[role]).get(LIST)
    seen = {title.removeprefix("Status ") for title in titles(response)}
    offered = {str(Status(value).label) for value in seen}
    assert options(response, "status") == [
        str(status.label) for status in Status if str(status.label) in offered
    ]
    assert len(options(response, "status")) == len(seen)


def test_people_are_named_by_full_name_else_username(
    client_for, kommun, members, django_user_model
):
    anna = members[Role.SCANNER]
    anna.first_name, anna.last_name = "Anna", "Åberg"
    anna.save()
    nameless = django_user_model.objects.create_user("bertil.b", password="x")
    SignalFactory(organization=kommun, title="Av Anna", created_by=anna)
    SignalFactory(organization=kommun, title="Av Bertil", created_by=nameless)
    list_page = client_for(anna).get(LIST)
    html = list_page.content.decode()
    assert '<span class="signal-table__author">Anna Åberg</span>' in html
    assert '<span class="signal-table__author">bertil.b</span>' in html
    # By the name shown, not by the account's first name (empty for bertil.b).
    assert options(list_page, "author") == ["Anna Åberg", "bertil.b"]
    start = client_for(anna).get(reverse("home"), follow=True).content.decode()
    assert " · Anna Åberg" in start
    assert " · bertil.b" in start


# --- filters ----------------------------------------------------------------------------------


def _ids(kommun, register, members):
    t1, t2 = Trend.objects.filter(organization=kommun).order_by("name")[:2]
    return {
        "area": Area.objects.get(organization=kommun, name="Klimat och miljö").pk,
        "trend1": t1.pk,
        "trend2": t2.pk,
        "skola": register["bygglov"].tags.get().pk,
        "editor": members[Role.EDITOR].pk,
        "scanner": members[Role.SCANNER].pk,
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"level": "inner"}, ["bygglov"]),
        ({"level": "near"}, ["vatgas"]),
        ({"area": "area"}, ["vatgas"]),
        ({"trend": "trend1"}, ["bygglov", "ai"]),
        ({"trend": "trend2"}, ["vatgas", "ai"]),
        ({"tag": "skola"}, ["bygglov", "ai"]),
        # Month boundaries are Swedish time: 00:30 on 1 April and 23:30 on 30 April are April.
        ({"month": "2025-04"}, ["vatgas", "ai"]),
        ({"month": "2025-03"}, ["bygglov"]),
        ({"month": "2025-05"}, []),
        ({"status": "draft"}, ["vatgas"]),
        ({"status": "archived"}, ["ai"]),
        ({"author": "editor"}, ["vatgas"]),
        ({"author": "scanner"}, ["bygglov", "ai"]),
        ({"q": "vätgas"}, ["vatgas"]),
        ({"tag": "skola", "month": "2025-04"}, ["ai"]),
        ({"trend": "trend1", "level": "inner", "author": "scanner"}, ["bygglov"]),
    ],
)
def test_each_filter_narrows_the_list(client_for, kommun, members, register, params, expected):
    ids = _ids(kommun, register, members)
    query = {key: ids.get(value, value) for key, value in params.items()}
    response = client_for(members[Role.SCANNER]).get(LIST, {**query, "sort": "oldest"})
    assert titles(response) == [register[key].title for key in expected]


@pytest.mark.parametrize(
    "params",
    [{"level": "sideways"}, {"month": "2025-13"}, {"month": "förra månaden"}, {"trend": "abc"}],
)
def test_a_value_it_does_not_understand_is_reported_and_left_out(
    client_for, members, register, params
):
    response = client_for(members[Role.SCANNER]).get(LIST, params)
    assert response.status_code == 200
    assert len(titles(response)) == 3
    assert "could not be understood" in response.content.decode()


def test_a_huge_query_is_cut_short_not_an_error(client_for, members, register):
    response = client_for(members[Role.SCANNER]).get(LIST, {"q": "vätgas " * 20_000})
    assert response.status_code == 200


# --- the URL is the state ---------------------------------------------------------------------


def test_the_form_shows_the_filters_of_the_url(client_for, kommun, members, register):
    area = Area.objects.get(organization=kommun, name="Klimat och miljö")
    response = client_for(members[Role.SCANNER]).get(
        LIST, {"level": "near", "area": area.pk, "month": "2025-04", "q": "vätgas", "sort": "title"}
    )
    html = response.content.decode()
    assert '<option value="near" selected>' in html
    assert f'<option value="{area.pk}" selected>' in html
    assert 'value="2025-04"' in html
    assert 'value="vätgas"' in html
    assert '<option value="title" selected>' in html


def test_an_htmx_request_gets_the_results_and_a_tidy_url(client_for, members, register):
    response = client_for(members[Role.SCANNER]).get(
        LIST,
        {"q": "", "level": "near", "area": "", "month": "", "per_page": "25", "sort": ""},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "<html" not in html
    assert titles(response) == ["Halland satsar på vätgas"]
    # The count goes out-of-band into the page's live region.
    assert 'id="result-count" hx-swap-oob="innerHTML"' in html
    # Empty fields and the default page size are left out of the address.
    assert response["HX-Push-Url"] == LIST + "?level=near"
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(client_for, members, register):
    response = client_for(members[Role.SCANNER]).get(
        LIST,
        {"level": "near"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    html = response.content.decode()
    assert "<html" in html
    assert 'role="status"' in html
    assert "hx-swap-oob" not in html


def test_the_full_page_has_a_live_region_labels_and_a_caption(client_for, members, register):
    html = client_for(members[Role.SCANNER]).get(LIST).content.decode()
    assert re.search(r'<p id="result-count"[^>]*role="status"[^>]*aria-live="polite"', html)
    assert "3 signals." in html
    for name in ("q", "level", "area", "trend", "tag", "month", "status", "author", "sort"):
        assert f'for="id_{name}"' in html
    assert "<caption>Signals 1–3 of 3</caption>" in html
    # The level is written out, not only shown in colour.
    assert '<span class="level level--inner">Inner world</span>' in html


def test_the_row_header_is_only_the_title(client_for, members, register):
    """A screen reader reads the row header before every cell: it must be short."""
    html = client_for(members[Role.SCANNER]).get(LIST).content.decode()
    row_headers = re.findall(r'<th scope="row"[^>]*>(.*?)</th>', html, re.S)
    assert len(row_headers) == 3
    for header in row_headers:
        assert re.fullmatch(r'<a href="/kungsbacka/signals/\d+/">[^<]+</a>', header.strip()), header
    # Source and tags are cells of their own column, with a column header.
    assert '<th scope="col">Source and tags</th>' in html
    tbody = re.search(r"<tbody>(.*?)</tbody>", html, re.S)[1]
    (bygglov,) = [row for row in re.findall(r"<tr>(.*?)</tr>", tbody, re.S) if "bygglov" in row]
    cells = re.findall(r"<td>(.*?)</td>", bygglov, re.S)
    assert "signal-table__source" in cells[0]
    assert ">skola</a>" in cells[0]
    header_cells = re.search(r"<thead>(.*?)</thead>", html, re.S)[1].count('<th scope="col">')
    assert header_cells == 1 + len(cells)


# --- pages and sorting ------------------------------------------------------------------------


@pytest.fixture
def thirty(kommun, members):
    return [
        SignalFactory(
            organization=kommun,
            title=f"Signal {n:02d}",
            # Every other day from 1 January: 00–15 in January, 16–29 in February.
            created_at=datetime(2025, 1, 1, 12, tzinfo=STOCKHOLM) + timedelta(days=2 * n),
            created_by=members[Role.SCANNER],
            level=Level.NEAR if n % 3 == 0 else Level.OUTER,
        )
        for n in range(30)
    ]


def test_pages_of_25_by_default(client_for, members, thirty):
    client = client_for(members[Role.SCANNER])
    first = client.get(LIST)
    assert titles(first) == [f"Signal {n:02d}" for n in range(29, 4, -1)]
    assert "<caption>Signals 1–25 of 30</caption>" in first.content.decode()
    second = client.get(LIST, {"page": 2})
    assert titles(second) == [f"Signal {n:02d}" for n in range(4, -1, -1)]
    # Beyond the last page is the last page, not an error.
    assert titles(client.get(LIST, {"page": 99})) == titles(second)
    assert len(titles(client.get(LIST, {"page": "x"}))) == 25


@pytest.mark.parametrize(("per_page", "shown"), [("50", 30), ("100", 30), ("7", 25), ("", 25)])
def test_page_size_is_chosen_among_25_50_100(client_for, members, thirty, per_page, shown):
    response = client_for(members[Role.SCANNER]).get(LIST, {"per_page": per_page})
    assert len(titles(response)) == shown


def test_page_links_keep_the_filters(client_for, members, thirty):
    response = client_for(members[Role.SCANNER]).get(
        LIST, {"q": "signal", "level": "", "sort": "title", "per_page": "25"}
    )
    html = response.content.decode()
    assert f'href="{LIST}?q=signal&amp;sort=title&amp;page=2"' in html
    assert 'hx-target="#results"' in html


@pytest.mark.parametrize(
    ("sort", "first_titles"),
    [
        ("newest", ["Signal 29", "Signal 28"]),
        ("oldest", ["Signal 00", "Signal 01"]),
        ("title", ["Signal 00", "Signal 01"]),
        ("", ["Signal 29", "Signal 28"]),
    ],
)
def test_sorting(client_for, members, thirty, sort, first_titles):
    response = client_for(members[Role.SCANNER]).get(LIST, {"sort": sort})
    assert titles(response)[:2] == first_titles


def test_sorting_by_impact_puts_unscored_last(client_for, kommun, members):
    SignalFactory(
        organization=kommun, title="Unscored", created_at=datetime(2025, 5, 1, tzinfo=STOCKHOLM)
    )
    SignalFactory(
        organization=kommun,
        title="Small",
        impact=1,
        created_at=datetime(2025, 1, 1, tzinfo=STOCKHOLM),
    )
    SignalFactory(
        organization=kommun,
        title="Large",
        impact=3,
        created_at=datetime(2025, 1, 1, tzinfo=STOCKHOLM),
    )
    response = client_for(members[Role.SCANNER]).get(LIST, {"sort": "impact"})
    assert titles(response) == ["Large", "Small", "Unscored"]


@pytest.mark.postgres
def test_sorting_by_title_follows_the_swedish_alphabet(client_for, kommun, members):
    for title in ["Ödla", "Ärende", "Zebra", "Åtgärd", "apelsin"]:
        SignalFactory(organization=kommun, title=title)
    response = client_for(members[Role.SCANNER]).get(LIST, {"sort": "title"})
    assert titles(response) == ["apelsin", "Zebra", "Åtgärd", "Ärende", "Ödla"]


@pytest.mark.postgres
def test_a_database_without_the_swedish_collation_is_noticed(db):
    """Then titles sort by the database default instead of the query failing."""
    from signals.selectors import _has_collation

    assert _has_collation("default", "sv-x-icu")
    assert not _has_collation("default", "xx-no-such-collation")


# --- counts per level -------------------------------------------------------------------------


def level_count(html: str, label: str) -> int:
    match = re.search(rf">{label} <span class=\"level-counts__n\">\((\d+)\)</span>", html)
    assert match, label
    return int(match[1])


def test_counts_per_level_follow_the_other_filters(client_for, members, thirty):
    client = client_for(members[Role.SCANNER])
    html = client.get(LIST).content.decode()
    assert (level_count(html, "Near world"), level_count(html, "Outer world")) == (10, 20)
    assert level_count(html, "Inner world") == 0
    assert level_count(html, "All levels") == 30

    # January holds 00–15: near are 00, 03, 06, 09, 12 and 15.
    response = client.get(LIST, {"month": "2025-01", "level": "near"})
    html = response.content.decode()
    # Choosing a level keeps every level's count for the other filters, so the user can switch.
    assert (level_count(html, "Near world"), level_count(html, "Outer world")) == (6, 10)
    assert level_count(html, "All levels") == 16
    assert len(titles(response)) == 6
    assert "6 signals match the filters." in html


# --- a constant number of queries -------------------------------------------------------------


@pytest.fixture
def hundred_and_twenty(kommun, members):
    areas = list(Area.objects.filter(organization=kommun))
    trends = list(Trend.objects.filter(organization=kommun))
    return [
        SignalFactory(
            organization=kommun,
            level=[Level.INNER, Level.NEAR, Level.OUTER][n % 3],
            area=areas[n % len(areas)],
            trends=[trends[n % 10], trends[(n + 3) % 10]],
            tags=[f"tagg {n % 7}", f"tagg {n % 5}"] if n % 7 != n % 5 else [f"tagg {n % 7}"],
            sources=[("https://www.scb.se/a", "SCB"), ("https://www.gp.se/b", "GP")],
            created_by=members[Role.SCANNER if n % 2 else Role.EDITOR],
        )
        for n in range(120)
    ]


def test_the_list_takes_the_same_few_queries_whatever_the_page_size(
    client_for, members, hundred_and_twenty, django_assert_max_num_queries
):
    client = client_for(members[Role.SCANNER])
    client.get(LIST)  # session and the like are warm
    counts = {}
    for per_page in (25, 100):
        with (
            django_assert_max_num_queries(14),
            CaptureQueriesContext(connection) as queries,
        ):
            response = client.get(LIST, {"per_page": per_page, "level": "near"})
        assert len(titles(response)) == (25 if per_page == 25 else 40)
        counts[per_page] = len(queries)
    assert counts[25] == counts[100]


def test_a_filtered_search_also_takes_a_constant_number(
    client_for, members, hundred_and_twenty, django_assert_max_num_queries
):
    client = client_for(members[Role.SCANNER])
    client.get(LIST)  # session and the like are warm
    for per_page in (25, 100):
        with django_assert_max_num_queries(14):
            response = client.get(LIST, {"per_page": per_page, "q": "scb", "sort": "title"})
        assert titles(response)


def test_an_htmx_filter_change_does_not_fill_the_dropdowns_again(
    client_for, members, hundred_and_twenty, django_assert_num_queries
):
    client = client_for(members[Role.SCANNER])
    client.get(LIST)
    htmx = {"HX-Request": "true"}
    # Session, user and membership; the page; the page's trends, tags and sources (one query).
    # No query for the areas, trends, tags or people of the dropdowns, and none for the counts
    # per level: choosing a level changes no count, so they are the first view's, cached.
    with django_assert_num_queries(5):
        response = client.get(LIST, {"level": "near", "per_page": 100}, headers=htmx)
    assert len(titles(response)) == 40
    assert "<select" not in response.content.decode()


def test_an_htmx_filter_checks_only_the_submitted_ids(
    client_for, kommun, members, hundred_and_twenty, django_assert_num_queries
):
    client = client_for(members[Role.SCANNER])
    client.get(LIST)
    area = Area.objects.filter(organization=kommun).order_by("name").first()
    author = members[Role.EDITOR]
    # The six of an unfiltered request, and one per submitted area and author.
    with django_assert_num_queries(8):
        response = client.get(
            LIST, {"area": area.pk, "author": author.pk}, headers={"HX-Request": "true"}
        )
    assert "could not be understood" not in response.content.decode()
    assert titles(response)
    full = client.get(LIST, {"area": area.pk, "author": author.pk})
    assert titles(response) == titles(full)


@pytest.mark.parametrize("forged", ["another organisation", "huge", "not a number"])
def test_an_htmx_filter_refuses_what_is_not_the_members(
    client_for, members, register, foreign, forged
):
    value = {
        "another organisation": foreign.area_id,
        "huge": "9" * 30,
        "not a number": "abc",
    }[forged]
    response = client_for(members[Role.SCANNER]).get(
        LIST, {"area": value}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "could not be understood" in response.content.decode()
    assert len(titles(response)) == 3


# --- the menu and the start page ---------------------------------------------------------------


@pytest.mark.parametrize("role", Role.values)
def test_the_menu_links_to_the_list_for_everyone_who_may_see_it(client_for, members, role):
    html = client_for(members[role]).get(reverse("home"), follow=True).content.decode()
    assert f'<a href="{LIST}">' in html


def test_the_menu_marks_the_list_as_current(client_for, members):
    html = client_for(members[Role.SCANNER]).get(LIST).content.decode()
    assert f'<a href="{LIST}" aria-current="page">' in html


def test_the_start_page_shows_the_latest_five_working_signals(
    client_for, kommun, members, thirty, django_assert_max_num_queries
):
    SignalFactory(organization=kommun, title="Arkiverad nyss", status=Status.ARCHIVED)
    client = client_for(members[Role.SCANNER])
    start = reverse("start", args=[kommun.slug])
    client.get(start)  # the session knows the organisation, as for anyone working in it
    # Session, user, memberships, the recent signals; the bell's unread count, the latest
    # discussions and the watched areas; the blind spots (cached, one on a miss). Never per row.
    with django_assert_max_num_queries(9):
        html = client.get(start).content.decode()
    assert "Arkiverad nyss" not in html
    for n in range(29, 24, -1):
        assert f"Signal {n:02d}" in html
    assert "Signal 24" not in html


def test_the_start_page_lists_only_what_the_role_may_read(client_for, kommun, members, thirty):
    SignalFactory(organization=kommun, title="Utkast nyss", status=Status.DRAFT)
    management = client_for(members[Role.MANAGEMENT]).get(reverse("start", args=[kommun.slug]))
    html = management.content.decode()
    assert "Signal 29" in html
    assert "Utkast nyss" not in html  # drafts are the scanning group's own
    staff = client_for(members[Role.STAFF]).get(reverse("start", args=[kommun.slug]))
    assert "Signal 29" not in staff.content.decode()  # nothing is shared with staff yet


@pytest.mark.parametrize(
    ("role", "template"),
    [
        (Role.SCANNER, "core/start_scanning.html"),
        (Role.MANAGEMENT, "core/start_management.html"),
        (Role.STAFF, "core/start_staff.html"),
    ],
)
def test_every_start_page_greets_the_member_once_from_one_base(client_for, members, role, template):
    response = client_for(members[role]).get(reverse("home"), follow=True)
    names = [t.name for t in response.templates]
    assert template in names
    assert "core/start_base.html" in names
    html = response.content.decode()
    assert html.count("<h1>") == 1
    assert f"<h1>Welcome, {members[role].first_name}</h1>" in html


# --- the filters' layout: search and level first, the rest folded ----------------------------


def more_filters(response) -> str:
    html = response.content.decode()
    match = re.search(r'<details class="signal-filters__more"([^>]*)>(.*?)</details>', html, re.S)
    assert match
    return match[1] + match[2]


def test_search_and_level_come_first_and_the_other_filters_are_folded(client_for, members):
    response = client_for(members[Role.SCANNER]).get(LIST)

    html = response.content.decode()
    folded = more_filters(response)
    assert " open" not in folded.split(">")[0]
    assert "More filters <span" in folded
    for name in ("area", "trend", "tag", "month", "status", "author"):
        assert f'name="{name}"' in folded, name
    assert 'name="q"' not in folded and 'name="level"' not in folded
    assert html.index('name="q"') < html.index('name="level"') < html.index("<details")


def test_an_active_folded_filter_opens_them_and_is_counted(client_for, members, register):
    area = register["bygglov"].area
    response = client_for(members[Role.SCANNER]).get(LIST, {"area": area.pk, "month": "2025-03"})

    folded = more_filters(response)
    assert folded.startswith(" open")
    assert '<span id="folded-count">(2 active)</span>' in folded


def test_sort_and_page_size_sit_beside_the_results_yet_belong_to_the_form(client_for, members):
    html = client_for(members[Role.SCANNER]).get(LIST).content.decode()

    form = re.search(r'<form id="signal-filters".*?</form>', html, re.S)[0]
    beside = html[html.index('<div class="results-head">') : html.index('<div id="results"')]
    for name in ("sort", "per_page"):
        assert f'name="{name}"' not in form
        assert re.search(rf'<select name="{name}" form="signal-filters"', beside), name
    # Without JavaScript a button sends them with the form.
    assert '<noscript><button type="submit" form="signal-filters"' in beside


def test_one_best_match_option(client_for, members):
    response = client_for(members[Role.SCANNER]).get(LIST)

    html = response.content.decode()
    select = re.search(r'<select name="sort"[^>]*>(.*?)</select>', html, re.S)[1]
    labels = re.findall(r"<option [^>]*>([^<]*)</option>", select)
    assert labels.count("Best match") == 1
    assert not any("/" in label for label in labels)


def test_an_old_best_match_link_still_sorts_a_search_by_relevance(client_for, members, register):
    client = client_for(members[Role.SCANNER])

    old = client.get(LIST, {"q": "bygglov", "sort": "relevance"})

    assert "could not be understood" not in old.content.decode()
    assert titles(old) == titles(client.get(LIST, {"q": "bygglov"}))


def test_only_a_search_speaks_of_the_search(client_for, members, register):
    client = client_for(members[Role.SCANNER])

    searched = client.get(LIST, {"q": "bygglov"}).content.decode()
    assert "1 signal matches the search." in searched
    nothing = client.get(LIST, {"q": "zzzqqq"}).content.decode()
    assert "No signals match the search." in nothing
    both = client.get(LIST, {"q": "bygglov", "level": "inner"}).content.decode()
    assert "1 signal matches the filters." in both


def test_the_htmx_results_update_the_folded_count(client_for, members, register):
    area = register["bygglov"].area
    response = client_for(members[Role.SCANNER]).get(
        LIST, {"area": area.pk}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert '<span id="folded-count" hx-swap-oob="innerHTML">(1 active)</span>' in html
