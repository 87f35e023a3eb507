"""Free-text search: what it finds, on SQLite and on PostgreSQL, and what it must never show."""

import pytest
from django.db import connection
from django.urls import reverse

from organizations.roles import Role
from signals import search
from signals.models import Status
from signals.search import search_signals
from signals.selectors import SignalFilters, find_signals

from ..factories import SignalFactory

LIST = reverse("signals:list", args=["kungsbacka"])  # the `kommun` fixture
# PostgreSQL full text: deselected on SQLite (tests/conftest.py); .ci/run runs the suite on
# PostgreSQL too.
postgres_only = pytest.mark.postgres


@pytest.fixture
def forskola(kommun, members):
    return SignalFactory(
        organization=kommun,
        title="Ny förskola i Kolla Parksvik",
        description="Kommunen bygger en förskola med plats för 120 barn.",
        motivation="Därför är detta intressant för Kungsbacka: barnomsorgen växer i norr.",
        sources=[("https://www.boverket.se/sv/nyheter/", "Boverket")],
        tags=["Barn och unga"],
        created_by=members[Role.SCANNER],
    )


@pytest.fixture
def solceller(kommun, members):
    return SignalFactory(
        organization=kommun,
        title="Solceller på kommunens tak",
        motivation="Därför är detta intressant för Kungsbacka: lägre energikostnader.",
        sources=[("https://www.energimyndigheten.se/", "Energimyndigheten")],
        created_by=members[Role.SCANNER],
    )


def find_signals_query(signals, q):
    from signals.search import order_by_relevance

    return order_by_relevance(search_signals(signals, q), q).query


def found(membership, q) -> set[str]:
    return set(find_signals(membership, SignalFilters(q=q)).values_list("title", flat=True))


def scanner_membership(members):
    return members[Role.SCANNER].memberships.get()


@pytest.mark.parametrize(
    "q",
    [
        "förskola",
        "FÖRSKOLA",  # upper-case å/ä/ö fold like lower-case, on SQLite too
        "Förskola barn",  # every word must match
        "barnomsorgen",  # the motivation
        "boverket",  # a source's name
        "www.boverket.se",  # a source's address
        "barn och unga",  # a tag
    ],
)
def test_a_word_in_any_part_of_the_signal_finds_it(members, forskola, solceller, q):
    assert found(scanner_membership(members), q) == {forskola.title}


@pytest.mark.parametrize("q", ["förskola", "Förskola barn", "120 ny", "vindkraft"])
def test_a_word_in_many_signals_finds_the_same_ones(members, forskola, solceller, q, monkeypatch):
    """On SQLite a word in many signals is matched while the rows are read in the list's order
    rather than looked up by id (``search.MANY_MATCHES``), and a word in most signals by
    reading every document in that order (``search.COMMON_SHARE``): the same signals either
    way."""
    membership = scanner_membership(members)
    few = found(membership, q)
    monkeypatch.setattr(search, "MANY_MATCHES", 0)
    assert found(membership, q) == few
    monkeypatch.setattr(search, "COMMON_SHARE", 0)
    assert found(membership, q) == few
    assert found(membership, q) == ({forskola.title} if q != "vindkraft" else set())


@pytest.mark.parametrize("q", ["vindkraft", "förskola vindkraft", "!!!"])
def test_words_that_are_not_there_find_nothing(members, forskola, solceller, q):
    assert found(scanner_membership(members), q) == set()


def test_an_empty_query_does_not_narrow(members, forskola, solceller):
    assert found(scanner_membership(members), "   ") == {forskola.title, solceller.title}


@postgres_only
def test_swedish_stemming_finds_other_forms_of_a_word(members, forskola, solceller):
    assert found(scanner_membership(members), "förskolor") == {forskola.title}
    assert found(scanner_membership(members), "solcellerna") == {solceller.title}


@postgres_only
def test_websearch_syntax_excludes_words(members, forskola, solceller):
    assert found(scanner_membership(members), "kungsbacka -solceller") == {forskola.title}


@postgres_only
def test_relevance_puts_the_better_match_first(kommun, members):
    SignalFactory(organization=kommun, title="Vätgas nämns en gång", description="Om vätgas.")
    SignalFactory(
        organization=kommun,
        title="Vätgas, vätgas, vätgas",
        description="Vätgas i Halland: vätgastankstation och vätgasbussar.",
    )
    ordered = find_signals(scanner_membership(members), SignalFilters(q="vätgas"))
    assert ordered.values_list("title", flat=True)[0] == "Vätgas, vätgas, vätgas"


@postgres_only
def test_each_signal_stores_its_swedish_vector_with_an_index_over_it(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generation_expression FROM information_schema.columns "
            "WHERE table_name = 'signals_signal' AND column_name = 'search_vector'"
        )
        (expression,) = cursor.fetchone()
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'signal_search_vector'")
        (definition,) = cursor.fetchone()
    assert expression == "to_tsvector('swedish'::regconfig, search_document)"
    assert "gin (search_vector)" in definition


@postgres_only
def test_search_and_ranking_read_the_stored_vector(kommun):
    from signals.models import Signal

    sql = str(find_signals_query(Signal.objects.all(), "förskola"))
    assert '"signals_signal"."search_vector" @@' in sql
    assert 'ts_rank("signals_signal"."search_vector"' in sql
    assert "to_tsvector" not in sql


def test_a_search_inside_another_query_reads_its_own_rows(members, forskola, solceller):
    from signals.models import Signal

    matching = search_signals(Signal.objects.all(), "förskola").values("pk")
    titles = Signal.objects.filter(pk__in=matching).values_list("title", flat=True)
    assert set(titles) == {forskola.title}


def test_search_respects_the_organisation(client_for, members, other_kommun, forskola):
    SignalFactory(organization=other_kommun, title="Varbergs nya förskola")
    response = client_for(members[Role.SCANNER]).get(LIST, {"q": "förskola"})
    html = response.content.decode()
    assert forskola.title in html
    assert "Varbergs" not in html


def test_search_respects_visibility(client_for, kommun, members, forskola):
    SignalFactory(organization=kommun, title="Utkast om förskola", status=Status.DRAFT)
    SignalFactory(organization=kommun, title="Arkiverad förskola", status=Status.ARCHIVED)
    management = client_for(members[Role.MANAGEMENT]).get(LIST, {"q": "förskola"})
    html = management.content.decode()
    assert forskola.title in html
    assert "Utkast om" not in html
    assert "Arkiverad" not in html

    staff = client_for(members[Role.STAFF]).get(LIST, {"q": "förskola"})
    assert forskola.title not in staff.content.decode()

    scanner = client_for(members[Role.SCANNER]).get(LIST, {"q": "förskola"})
    assert "Utkast om" in scanner.content.decode()
    assert "Arkiverad" in scanner.content.decode()


def test_search_combines_with_filters(client_for, kommun, members, forskola):
    SignalFactory(organization=kommun, title="Förskola i Halland", level="near")
    response = client_for(members[Role.SCANNER]).get(LIST, {"q": "förskola", "level": "near"})
    html = response.content.decode()
    assert "Förskola i Halland" in html
    assert forskola.title not in html


# --- the index follows every write (SQLite: the trigram index's triggers) --------------------


def test_a_signal_is_found_by_its_new_words_after_each_kind_of_write(kommun, members):
    from signals.models import Level, Tag
    from signals.services import SourceData, signal_create, signal_update
    from signals.taxonomy_services import tag_merge, tag_rename

    scanner = members[Role.SCANNER]
    membership = scanner_membership(members)
    signal = signal_create(
        organization=kommun,
        user=scanner,
        title="Vindkraftpark utanför Onsala",
        motivation="Det påverkar oss.",
        level=Level.NEAR,
        sources=[SourceData(url="https://www.scb.se/", name="SCB")],
        tags=["Energiomställning", "Havsmiljö"],
    )
    assert found(membership, "vindkraftpark") == {signal.title}

    signal = signal_update(
        signal=signal, user=scanner, expected_version=signal.version, title="Solpark i Åsa"
    )
    assert found(membership, "vindkraftpark") == set()
    assert found(membership, "solpark åsa") == {"Solpark i Åsa"}

    tag_rename(tag=Tag.objects.get(organization=kommun, name="Energiomställning"), name="Elnät")
    assert found(membership, "energiomställning") == set()
    assert found(membership, "elnät") == {"Solpark i Åsa"}

    tag_merge(
        source=Tag.objects.get(organization=kommun, name="Havsmiljö"),
        target=Tag.objects.get(organization=kommun, name="Elnät"),
    )
    assert found(membership, "havsmiljö") == set()

    signal.delete()  # no service deletes a signal; the organisation's deletion cascades
    assert found(membership, "solpark") == set()


def test_a_word_of_one_or_two_letters_narrows_too(members, forskola, solceller):
    membership = scanner_membership(members)
    assert found(membership, "120 ny") == {forskola.title}
    assert found(membership, "på tak") == {solceller.title}


@pytest.mark.parametrize("q", ['förskola"', "förskola*", '"förskola" (', "förskola^", "förskola:*"])
def test_search_syntax_in_a_query_is_read_as_text(members, forskola, solceller, q):
    assert found(scanner_membership(members), q) == {forskola.title}


def test_a_word_inside_a_longer_one_and_swedish_letters(kommun, members, forskola):
    """SQLite's search matches text ("skola" is in "förskola"); PostgreSQL's matches words,
    stemmed. On both, "a" and "å" are different letters."""
    SignalFactory(organization=kommun, title="Åkermark blir bostäder")
    membership = scanner_membership(members)
    inside_words = connection.vendor == "sqlite"
    assert found(membership, "skola") == ({forskola.title} if inside_words else set())
    assert found(membership, "åkermark") == {"Åkermark blir bostäder"}
    assert found(membership, "akermark") == set()
