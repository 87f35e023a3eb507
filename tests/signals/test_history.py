"""The history page: what it says after tags are deleted, sources removed, a draft logged; what
management may read of it; and that it reads a fixed number of queries however long it is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from signals.history import visible_to_readers_without_drafts
from signals.models import Level, Signal, Status, Tag, Trend
from signals.services import (
    SourceData,
    signal_archive,
    signal_create,
    signal_restore,
    signal_update,
)

pytestmark = pytest.mark.usefixtures("english")


def create(kommun, user, **overrides):
    values = {
        "organization": kommun,
        "user": user,
        "title": "Regionen inför AI-stöd i skolan",
        "motivation": "Våra skolor står inför samma beslut.",
        "level": Level.NEAR,
        "sources": [SourceData(url="https://www.regionhalland.se/nyhet", name="Region Halland")],
    }
    values.update(overrides)
    return signal_create(**values)


def history_page(client, signal) -> str:
    response = client.get(reverse("signals:history", args=[signal.organization.slug, signal.pk]))
    assert response.status_code == 200
    # Names inside sentences are isolated in <bdi>; the sentences are what is read here.
    return response.content.decode().replace("<bdi>", "").replace("</bdi>", "")


def update(signal, user, **changes):
    version = Signal.objects.values_list("version", flat=True).get(pk=signal.pk)
    return signal_update(signal=signal, user=user, expected_version=version, **changes)


# --- deleted tags and trends ----------------------------------------------------------------


def test_a_deleted_tag_reads_as_deleted_not_as_a_question_mark(kommun, members, client_for):
    scanner = members["scanner"]
    signal = create(kommun, scanner, tags=["Skolutveckling", "AI"])
    update(signal, scanner, tags=["AI", "Digitalisering"])
    Tag.objects.filter(organization=kommun, name="Skolutveckling").delete()
    html = history_page(client_for(scanner), signal)
    assert "?" not in html.split('<ol class="history-list">')[1]
    assert "AI, (deleted tag)" in html
    assert "AI, Digitalisering" in html


def test_a_deleted_trend_reads_as_deleted(kommun, members, client_for):
    scanner = members["scanner"]
    first, second = Trend.objects.filter(organization=kommun)[:2]
    signal = create(kommun, scanner, trends=[first])
    update(signal, scanner, trends=[second])
    gone = first.name
    first.delete()
    html = history_page(client_for(scanner), signal)
    assert "(deleted trend)" in html
    assert gone not in html
    assert second.name in html


# --- sources ----------------------------------------------------------------------------------


def test_removing_the_first_source_on_the_edit_page_reads_as_its_removal(
    kommun, members, client_for
):
    scanner = members["scanner"]
    signal = create(
        kommun,
        scanner,
        sources=[SourceData(name="Hallandsposten"), SourceData(name="Region Halland")],
    )
    first, second = signal.sources.all()
    data = {
        "version": "1",
        "title": signal.title,
        "description": "",
        "motivation": signal.motivation,
        "level": signal.level,
        "area": "",
        "tags": "",
        "time_horizon": "",
        "impact": "",
        "certainty": "",
        "status": signal.status,
        "sources-TOTAL_FORMS": "2",
        "sources-INITIAL_FORMS": "2",
        "sources-MIN_NUM_FORMS": "1",
        "sources-MAX_NUM_FORMS": "20",
        "sources-0-id": first.pk,
        "sources-0-url": "",
        "sources-0-name": "Hallandsposten",
        "sources-0-published_on": "",
        "sources-0-DELETE": "on",
        "sources-1-id": second.pk,
        "sources-1-url": "",
        "sources-1-name": "Region Halland",
        "sources-1-published_on": "",
    }
    client = client_for(scanner)
    response = client.post(reverse("signals:edit", args=[kommun.slug, signal.pk]), data)
    assert response.status_code == 302
    assert list(signal.sources.values_list("pk", "name")) == [(second.pk, "Region Halland")]
    html = history_page(client, signal)
    assert "Removed source: Hallandsposten" in html
    assert "Changed source" not in html
    assert "Removed source: Region Halland" not in html


def test_another_signals_source_id_in_the_edit_form_is_a_new_source(kommun, members, client_for):
    scanner = members["scanner"]
    mine = create(kommun, scanner)
    theirs = create(kommun, scanner, title="Deras", sources=[SourceData(name="Deras källa")])
    their_source = theirs.sources.get()
    data = {
        "version": "1",
        "title": mine.title,
        "motivation": mine.motivation,
        "level": mine.level,
        "status": mine.status,
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "1",
        "sources-MIN_NUM_FORMS": "1",
        "sources-MAX_NUM_FORMS": "20",
        "sources-0-id": their_source.pk,
        "sources-0-url": "",
        "sources-0-name": "Kapad",
        "sources-0-published_on": "",
    }
    response = client_for(scanner).post(reverse("signals:edit", args=[kommun.slug, mine.pk]), data)
    assert response.status_code == 302
    their_source.refresh_from_db()
    assert (their_source.signal_id, their_source.name) == (theirs.pk, "Deras källa")
    assert list(mine.sources.values_list("name", flat=True)) == ["Kapad"]
    assert mine.sources.get().pk != their_source.pk


# --- what management reads --------------------------------------------------------------------


@pytest.fixture
def logged_draft(kommun, members):
    """A signal written as a draft, changed, then logged, then changed once more."""
    scanner = members["scanner"]
    signal = create(
        kommun,
        scanner,
        title="Utkast: hemlig arbetsrubrik",
        motivation="Ett första, ofärdigt resonemang.",
        sources=[SourceData(name="Samtal med planeringschefen")],
        status=Status.DRAFT,
    )
    update(signal, scanner, motivation="Ett andra utkast av resonemanget.")
    sources = [SourceData(name="Region Halland", id=signal.sources.get().pk)]
    update(
        signal,
        members["editor"],
        title="Regionen inför AI-stöd i skolan",
        motivation="Våra skolor står inför samma beslut.",
        status=Status.LOGGED,
        sources=sources,
    )
    update(signal, members["editor"], level=Level.OUTER)
    return signal


def test_management_reads_the_history_from_when_the_signal_was_logged(
    members, client_for, logged_draft
):
    html = history_page(client_for(members["management"]), logged_draft)
    for draft_text in [
        "Utkast: hemlig arbetsrubrik",
        "ofärdigt resonemang",
        "andra utkast",
        "Samtal med planeringschefen",
        "Draft",
    ]:
        assert draft_text not in html, draft_text
    assert "Editor-kungsbacka logged the signal" in html
    assert "Scanner-kungsbacka" not in html
    assert "Near world" in html and "Outer world" in html  # the change after logging
    assert html.count('class="history-entry"') == 2


def test_the_scanning_group_reads_the_whole_history(members, client_for, logged_draft):
    html = history_page(client_for(members["scanner"]), logged_draft)
    for text in [
        "Scanner-kungsbacka logged the signal",
        "Utkast: hemlig arbetsrubrik",
        "ofärdigt resonemang",
        "andra utkast",
        "Changed source: Samtal med planeringschefen → Region Halland",
        "Draft",
    ]:
        assert text in html, text
    assert html.count('class="history-entry"') == 4


def test_management_does_not_read_a_return_to_draft(kommun, members, client_for):
    scanner = members["scanner"]
    signal = create(kommun, scanner)
    update(signal, scanner, status=Status.DRAFT)
    update(signal, scanner, title="Halvfärdig omskrivning")
    update(signal, scanner, title="Regionen inför AI i skolan", status=Status.LOGGED)
    html = history_page(client_for(members["management"]), signal)
    assert "Halvfärdig omskrivning" not in html
    assert "Draft" not in html
    # The logged versions before and after, compared with each other.
    assert "Regionen inför AI-stöd i skolan" in html
    assert "Regionen inför AI i skolan" in html


def test_management_does_not_read_a_draft_that_was_archived_and_restored(
    kommun, members, client_for
):
    scanner = members["scanner"]
    signal = create(
        kommun, scanner, title="HEMLIGT UTKAST", tags=["hemligtagg"], status=Status.DRAFT
    )
    archived = signal_archive(signal=signal, user=scanner)
    restored = signal_restore(signal=archived, user=scanner)
    assert restored.status == Status.DRAFT
    update(
        signal,
        scanner,
        title="Regionen inför AI-stöd i skolan",
        motivation="Ett färdigt resonemang.",
        tags=["AI"],
    )
    update(signal, scanner, status=Status.LOGGED)

    html = history_page(client_for(members["management"]), signal)

    for draft_text in ["HEMLIGT UTKAST", "Våra skolor står inför", "hemligtagg", "Draft"]:
        assert draft_text not in html, draft_text
    assert "Archived" not in html
    assert "Before" not in html
    assert "Scanner-kungsbacka logged the signal" in html
    assert html.count('class="history-entry"') == 1
    # The scanning group reads it all, the archiving included.
    html = history_page(client_for(scanner), signal)
    assert "HEMLIGT UTKAST" in html and "Archived" in html
    assert html.count('class="history-entry"') == 5


def test_management_reads_the_archiving_of_a_logged_signal(kommun, members, client_for):
    scanner = members["scanner"]
    signal = create(kommun, scanner)
    archived = signal_archive(signal=signal, user=members["editor"])
    signal_restore(signal=archived, user=scanner)
    html = history_page(client_for(members["management"]), signal)
    assert "Scanner-kungsbacka logged the signal" in html
    assert html.count("Editor-kungsbacka made changes") == 1
    assert "Logged" in html and "Archived" in html
    assert html.count('class="history-entry"') == 3


@pytest.mark.parametrize(
    ("statuses", "visible"),
    [
        (["draft", "draft", "logged", "logged"], [False, False, True, True]),
        (["draft", "archived", "draft", "draft", "logged"], [False, False, False, False, True]),
        (["logged", "archived", "logged"], [True, True, True]),
        (["logged", "draft", "archived", "draft", "logged"], [True, False, False, False, True]),
        (["draft", "archived", "archived", "logged"], [False, False, False, True]),
        (["archived", "logged"], [False, True]),
    ],
)
def test_the_rule_for_who_may_not_read_drafts(statuses, visible):
    assert visible_to_readers_without_drafts(statuses) == visible


# --- queries ----------------------------------------------------------------------------------


def _long_history(kommun, members, changes: int) -> Signal:
    scanner = members["scanner"]
    trends = list(Trend.objects.filter(organization=kommun)[:4])
    signal = create(kommun, scanner, tags=["AI"], trends=trends[:1])
    for number in range(changes):
        update(
            signal,
            members["editor"] if number % 2 else scanner,
            title=f"Rubrik {number}",
            tags=["AI", f"tagg {number}"],
            trends=trends[: 1 + number % 4],
            sources=[SourceData(name=f"Källa {number}")],
        )
    archived = signal_archive(signal=signal, user=scanner)
    signal_restore(signal=archived, user=scanner)
    return signal


def _queries(client, signal) -> int:
    with CaptureQueriesContext(connection) as queries:
        history_page(client, signal)
    return len(queries)


def test_the_history_reads_a_fixed_number_of_queries(
    kommun, members, client_for, django_assert_max_num_queries
):
    client = client_for(members["scanner"])
    client.get(reverse("start", args=[kommun.slug]))  # the session knows the organisation
    short = _long_history(kommun, members, 1)
    long = _long_history(kommun, members, 12)
    assert long.history.count() == 15
    assert _queries(client, long) == _queries(client, short)
    with django_assert_max_num_queries(16):
        html = history_page(client, long)
    assert "Rubrik 10" in html and "tagg 11" in html
