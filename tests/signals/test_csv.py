"""The CSV export: a file Excel opens with å, ä and ö intact, nothing it would run as a formula,
and exactly the signals the list shows."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from organizations.roles import Role
from signals.csv_export import defuse
from signals.models import Level, Status

from ..factories import SignalFactory

EXPORT = reverse("signals:export", args=["kungsbacka"])  # the `kommun` fixture
HEADER = [
    "ID",
    "Logged",
    "Title",
    "Level",
    "Area",
    "Trends",
    "Tags",
    "Status",
    "Why this is interesting for us",
    "Sources",
    "Logged by",
    "Time horizon",
    "Impact (1–4)",
    "Certainty of the assessment (1–3)",
]


pytestmark = pytest.mark.usefixtures("english")


def download(client, url=EXPORT, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content)
    return response, body


def parse(body: bytes) -> list[list[str]]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


@pytest.fixture
def skolval(kommun, members):
    return SignalFactory(
        organization=kommun,
        title="Skolvalet ändras: närhetsprincipen får större vikt",
        description="Regeringen föreslår ändringar i skollagen.",
        motivation="Därför är detta intressant för Kungsbacka: "
        "påverkar planeringen av skolplatser i Åsa och Särö.",
        level=Level.OUTER,
        area="Välfärd och hälsa",
        trends=["Ökad polarisering och utsatthet"],
        tags=["skola", "jämlikhet"],
        sources=[
            ("https://www.regeringen.se/pressmeddelanden/skolval", "Regeringen"),
            ("https://www.skolverket.se/", "Skolverket"),
        ],
        created_by=members[Role.SCANNER],
        created_at=datetime(2025, 3, 4, 8, 15, tzinfo=ZoneInfo("Europe/Stockholm")),
        time_horizon="1-3",
        impact=3,
        certainty=2,
    )


def test_the_file_is_utf8_with_bom_semicolons_and_a_header(client_for, members, skolval):
    response, body = download(client_for(members[Role.SCANNER]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="signals-')
    assert body.startswith(b"\xef\xbb\xbf")
    rows = parse(body)
    assert rows[0] == HEADER
    assert rows[1] == [
        str(skolval.pk),
        "2025-03-04 08:15",
        "Skolvalet ändras: närhetsprincipen får större vikt",
        "Outer world",
        "Välfärd och hälsa",
        "Ökad polarisering och utsatthet",
        "jämlikhet; skola",
        "Logged",
        "Därför är detta intressant för Kungsbacka: "
        "påverkar planeringen av skolplatser i Åsa och Särö.",
        "https://www.regeringen.se/pressmeddelanden/skolval https://www.skolverket.se/",
        "Scanner-kungsbacka",
        "1–3 years",
        "3",
        "2",
    ]


def test_a_line_break_in_a_motivation_stays_inside_its_cell(client_for, kommun, members):
    SignalFactory(
        organization=kommun, title="Två rader", motivation='Första raden;\nandra raden med "citat".'
    )
    _, body = download(client_for(members[Role.SCANNER]))
    rows = parse(body)
    assert len(rows) == 2
    assert rows[1][8] == 'Första raden;\nandra raden med "citat".'


@pytest.mark.parametrize(
    "title",
    [
        '=HYPERLINK("https://evil.example","Klicka")',
        "+46 31 123 45",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
    ],
)
def test_cells_a_spreadsheet_would_run_as_formulas_are_defused(client_for, kommun, members, title):
    SignalFactory(organization=kommun, title=title, motivation="=1+1")
    _, body = download(client_for(members[Role.SCANNER]))
    row = parse(body)[1]
    assert row[2] == "'" + title
    assert row[8] == "'=1+1"


def test_defuse_leaves_ordinary_text_and_numbers_alone():
    assert defuse("Kungsbacka växer") == "Kungsbacka växer"
    assert defuse("E-tjänst = bra") == "E-tjänst = bra"
    assert defuse(42) == 42
    assert defuse("") == ""


def test_the_export_applies_the_lists_filters_and_order(client_for, kommun, members, skolval):
    SignalFactory(organization=kommun, title="Närvärld A", level=Level.NEAR)
    SignalFactory(organization=kommun, title="Närvärld B", level=Level.NEAR)
    _, body = download(client_for(members[Role.SCANNER]), level="near", sort="title")
    assert [row[2] for row in parse(body)[1:]] == ["Närvärld A", "Närvärld B"]
    _, body = download(client_for(members[Role.SCANNER]), q="skolplatser")
    assert [row[2] for row in parse(body)[1:]] == [skolval.title]


def test_the_export_shows_only_what_the_member_may_see(
    client_for, kommun, other_kommun, members, skolval
):
    SignalFactory(organization=kommun, title="Ett utkast", status=Status.DRAFT)
    SignalFactory(organization=other_kommun, title="Varbergs signal")
    _, body = download(client_for(members[Role.SCANNER]))
    assert {row[2] for row in parse(body)[1:]} == {skolval.title, "Ett utkast"}
    _, body = download(client_for(members[Role.MANAGEMENT]))
    assert [row[2] for row in parse(body)[1:]] == [skolval.title]
    _, body = download(client_for(members[Role.STAFF]))
    assert parse(body) == [HEADER]


@pytest.mark.parametrize("role", [Role.SCANNER, Role.EDITOR, Role.ADMIN])
def test_the_scanning_group_exports_every_status(client_for, kommun, members, skolval, role):
    SignalFactory(organization=kommun, title="Ett utkast", status=Status.DRAFT)
    SignalFactory(organization=kommun, title="Arkiverad", status=Status.ARCHIVED)
    _, body = download(client_for(members[role]))
    assert {row[2] for row in parse(body)[1:]} == {skolval.title, "Ett utkast", "Arkiverad"}


def test_another_organisation_exports_only_its_own(
    client_for, other_kommun, other_members, skolval
):
    SignalFactory(organization=other_kommun, title="Varbergs signal")
    url = reverse("signals:export", args=[other_kommun.slug])
    _, body = download(client_for(other_members[Role.SCANNER]), url)
    assert [row[2] for row in parse(body)[1:]] == ["Varbergs signal"]


def test_the_list_links_to_the_export_with_its_filters(kommun, client_for, members, skolval):
    html = client_for(members[Role.SCANNER]).get(
        reverse("signals:list", args=[kommun.slug]), {"level": "outer", "per_page": 50}
    )
    assert f'href="{EXPORT}?level=outer"' in html.content.decode()


def test_the_export_reads_in_chunks_with_a_fixed_number_of_queries(
    client_for, kommun, members, django_assert_max_num_queries
):
    for n in range(30):
        SignalFactory(
            organization=kommun,
            title=f"S{n}",
            tags=["a", "b"],
            trends=["Ökad polarisering och utsatthet"],
        )
    client = client_for(members[Role.SCANNER])
    with django_assert_max_num_queries(12):
        _, body = download(client)
    assert len(parse(body)) == 31
