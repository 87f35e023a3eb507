"""The write side's rules: what a signal must have, what is refused, and what each write keeps
up to date (search document, version, one history record per change)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from signals.display import labels as field_labels
from signals.history import signal_history
from signals.models import Area, Level, Signal, Source, Status, Tag, Trend
from signals.services import (
    SignalConflict,
    SourceData,
    build_search_document,
    parse_tag_names,
    signal_archive,
    signal_create,
    signal_restore,
    signal_update,
)

from ..factories import SignalFactory
from ..meanwhile import wait_for_a_lock_or

SKR = SourceData(url="https://skr.se/rapport", name="SKR", published_on=None)


def create(kommun, user, **overrides):
    values = {
        "organization": kommun,
        "user": user,
        "title": "AI i förskolan",
        "motivation": "Våra förskolor planerar liknande pilotprojekt.",
        "level": Level.OUTER,
        "sources": [SKR],
    }
    values.update(overrides)
    return signal_create(**values)


@pytest.fixture
def scanner(members):
    return members["scanner"]


def test_it_creates_a_signal_with_sources_trends_and_tags(kommun, scanner):
    area = Area.objects.filter(organization=kommun).first()
    trend = Trend.objects.filter(organization=kommun).first()
    signal = create(
        kommun,
        scanner,
        description="Skolverket föreslår **nya** riktlinjer.",
        area=area,
        trends=[trend],
        tags=["AI", "skola"],
        impact=3,
        certainty=2,
        time_horizon="1-3",
        sources=[SKR, SourceData(url="", name="Kollega på förvaltningen")],
    )
    signal.refresh_from_db()
    assert signal.organization == kommun
    assert signal.created_by == scanner
    assert signal.status == Status.LOGGED
    assert signal.version == 1
    assert signal.area == area
    assert list(signal.trends.all()) == [trend]
    assert sorted(tag.name for tag in signal.tags.all()) == ["AI", "skola"]
    assert [(s.url, s.name, s.position) for s in signal.sources.all()] == [
        ("https://skr.se/rapport", "SKR", 0),
        ("", "Kollega på förvaltningen", 1),
    ]


def test_it_builds_a_lower_cased_search_document(kommun, scanner):
    signal = create(
        kommun,
        scanner,
        title="Förskolor i Halland",
        description="Nya REGLER",
        tags=["Klimat"],
        sources=[SourceData(url="https://Example.se/Artikel", name="Hallandsposten")],
    )
    document = Signal.objects.get(pk=signal.pk).search_document
    for expected in [
        "förskolor i halland",
        "nya regler",
        "våra förskolor planerar",
        "hallandsposten",
        "https://example.se/artikel",
        "klimat",
    ]:
        assert expected in document
    assert document == document.lower()
    assert document == build_search_document(signal)


@pytest.mark.parametrize("motivation", ["", "   \n "])
def test_motivation_is_required(kommun, scanner, motivation):
    with pytest.raises(ValidationError) as error:
        create(kommun, scanner, motivation=motivation)
    assert "motivation" in error.value.message_dict
    assert "Kungsbacka" in error.value.message_dict["motivation"][0]
    assert not Signal.objects.exists()


def test_at_least_one_source_is_required(kommun, scanner):
    with pytest.raises(ValidationError) as error:
        create(kommun, scanner, sources=[])
    assert "sources" in error.value.message_dict
    assert not Signal.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "/relative/path",
        "www.example.se",
        "ftp://example.se/file",
        "http://",
    ],
)
def test_source_urls_must_be_absolute_http_or_https(kommun, scanner, url):
    with pytest.raises(ValidationError) as error:
        create(kommun, scanner, sources=[SourceData(url=url, name="X")])
    assert "sources" in error.value.message_dict
    assert not Signal.objects.exists()
    assert not Source.objects.exists()


def test_a_source_needs_an_address_or_a_name(kommun, scanner):
    with pytest.raises(ValidationError):
        create(kommun, scanner, sources=[SourceData(url="", name="")])


def test_a_huge_title_is_refused(kommun, scanner):
    with pytest.raises(ValidationError) as error:
        create(kommun, scanner, title="x" * 100_000)
    assert "title" in error.value.message_dict
    assert not Signal.objects.exists()


def test_a_forged_level_is_refused(kommun, scanner):
    with pytest.raises(ValidationError) as error:
        create(kommun, scanner, level="galaxy")
    assert "level" in error.value.message_dict


def test_another_organisations_area_and_trends_are_refused(kommun, other_kommun, scanner):
    with pytest.raises(ValidationError) as error:
        create(
            kommun,
            scanner,
            area=Area.objects.filter(organization=other_kommun).first(),
            trends=[Trend.objects.filter(organization=other_kommun).first()],
        )
    assert {"area", "trends"} <= set(error.value.message_dict)
    assert not Signal.objects.exists()


def test_html_is_stored_as_text(kommun, scanner):
    signal = create(kommun, scanner, title="<script>alert(1)</script>")
    assert Signal.objects.get(pk=signal.pk).title == "<script>alert(1)</script>"


def test_tags_are_reused_ignoring_case_and_kept_per_organisation(kommun, other_kommun, scanner):
    Tag.objects.create(organization=kommun, name="Klimat")
    Tag.objects.create(organization=kommun, name="Förskola")
    Tag.objects.create(organization=other_kommun, name="skola")
    signal = create(kommun, scanner, tags=["KLIMAT", "Skola", "FÖRSKOLA"])
    assert sorted(signal.tags.values_list("name", flat=True)) == ["Förskola", "Klimat", "Skola"]
    assert Tag.objects.filter(organization=kommun).count() == 3
    assert set(signal.tags.values_list("organization", flat=True)) == {kommun.pk}


def test_tag_names_are_parsed_from_comma_separated_text():
    assert parse_tag_names(" Klimat, skola ,klimat,, AI  i  skolan ") == [
        "Klimat",
        "skola",
        "AI i skolan",
    ]


def test_update_bumps_the_version_and_rebuilds_the_search_document(kommun, scanner, members):
    signal = create(kommun, scanner)
    updated = signal_update(
        signal=signal,
        user=members["editor"],
        expected_version=1,
        title="Nytt namn",
        tags=["Ny tagg"],
    )
    assert updated.version == 2
    stored = Signal.objects.get(pk=signal.pk)
    assert stored.title == "Nytt namn"
    assert stored.version == 2
    assert "nytt namn" in stored.search_document
    assert "ny tagg" in stored.search_document


def test_a_stale_version_is_a_conflict_and_nothing_is_written(kommun, scanner, members):
    signal = create(kommun, scanner)
    signal_update(signal=signal, user=members["editor"], expected_version=1, title="Först")
    with pytest.raises(SignalConflict) as conflict:
        signal_update(signal=signal, user=scanner, expected_version=1, title="Sen")
    assert conflict.value.current.title == "Först"
    assert conflict.value.current.version == 2
    stored = Signal.objects.get(pk=signal.pk)
    assert (stored.title, stored.version) == ("Först", 2)
    assert stored.history.count() == 2


def test_an_invalid_update_changes_nothing(kommun, scanner):
    signal = create(kommun, scanner)
    with pytest.raises(ValidationError):
        signal_update(signal=signal, user=scanner, expected_version=1, motivation=" ")
    stored = Signal.objects.get(pk=signal.pk)
    assert stored.version == 1
    assert stored.motivation.startswith("Våra förskolor")


def test_update_refuses_fields_it_does_not_own(kommun, scanner):
    signal = create(kommun, scanner)
    with pytest.raises(TypeError):
        signal_update(signal=signal, user=scanner, expected_version=1, organization=None)


def test_sources_are_replaced_in_order(kommun, scanner):
    signal = create(kommun, scanner, sources=[SKR, SourceData(name="Radio Halland")])
    signal_update(
        signal=signal,
        user=scanner,
        expected_version=1,
        sources=[SourceData(url="https://gp.se/a", name="GP")],
    )
    assert [(s.url, s.name) for s in signal.sources.all()] == [("https://gp.se/a", "GP")]
    assert "gp.se" in Signal.objects.get(pk=signal.pk).search_document
    assert "radio halland" not in Signal.objects.get(pk=signal.pk).search_document


def test_each_write_leaves_one_history_record_by_its_user(kommun, scanner, members):
    signal = create(kommun, scanner, tags=["a", "b"], trends=Trend.objects.all()[:2])
    assert [(r.history_type, r.history_user) for r in signal.history.all()] == [("+", scanner)]
    signal_update(
        signal=signal,
        user=members["editor"],
        expected_version=1,
        tags=["c"],
        trends=[],
        sources=[SourceData(name="Ny källa")],
    )
    records = list(signal.history.all())
    assert [(r.history_type, r.history_user) for r in records] == [
        ("~", members["editor"]),
        ("+", scanner),
    ]
    delta = records[0].diff_against(records[1])
    assert {"tags", "trends"} <= set(delta.changed_fields)
    # The sources' records carry the same time, so they read as part of the same change.
    source_dates = set(
        Source.history.filter(signal_id=signal.pk).values_list("history_date", flat=True)
    )
    assert source_dates == {records[0].history_date, records[1].history_date}


def test_archive_and_restore_bring_back_the_previous_status(kommun, scanner):
    draft = create(kommun, scanner, status=Status.DRAFT)
    archived = signal_archive(signal=draft, user=scanner)
    assert archived.status == Status.ARCHIVED
    assert archived.version == 2
    restored = signal_restore(signal=archived, user=scanner)
    assert restored.status == Status.DRAFT
    assert restored.version == 3
    assert draft.history.count() == 3


def test_an_archived_signal_cannot_be_given_another_status_by_update(kommun, scanner):
    signal = signal_archive(signal=create(kommun, scanner), user=scanner)
    with pytest.raises(ValidationError):
        signal_update(signal=signal, user=scanner, expected_version=2, status=Status.ARCHIVED)
    with pytest.raises(ValidationError):
        signal_update(signal=signal, user=scanner, expected_version=2, status="in_report")


# --- concurrency: archive and restore keep a colleague's edit -------------------------------


def _colleague_edits_title_right_after_the_first_read(signal, title):
    """A database execute wrapper: just after the write's first read of the signal, a
    colleague's save changes its title (as if it had landed between that read and the
    write)."""
    done = False

    def wrapper(execute, sql, params, many, context):
        nonlocal done
        result = execute(sql, params, many, context)
        if not done and sql.lstrip().upper().startswith("SELECT") and "signals_signal" in sql:
            done = True
            with connection.cursor() as cursor:
                cursor.execute(
                    'UPDATE "signals_signal" SET "title" = %s WHERE "id" = %s', [title, signal.pk]
                )
        return result

    return wrapper


@pytest.mark.parametrize("action", ["archive", "restore"])
def test_archive_and_restore_write_only_the_status(kommun, scanner, action):
    signal = create(kommun, scanner)
    if action == "restore":
        signal = signal_archive(signal=signal, user=scanner)
    write = signal_archive if action == "archive" else signal_restore
    with connection.execute_wrapper(
        _colleague_edits_title_right_after_the_first_read(signal, "Deras")
    ):
        result = write(signal=signal, user=scanner)
    stored = Signal.objects.get(pk=signal.pk)
    assert stored.title == "Deras"
    assert stored.status == (Status.ARCHIVED if action == "archive" else Status.LOGGED)
    assert stored.version == result.version == signal.version + 1


# Row locks are a PostgreSQL matter (SQLite runs one writing transaction at a time anyway);
# the postgres marker deselects this test on SQLite.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_archive_waits_for_an_edit_in_progress_and_keeps_it(kommun, scanner, members):
    signal = create(kommun, scanner)
    editing, release = threading.Event(), threading.Event()
    errors = []

    def edit():
        try:
            with transaction.atomic():
                signal_update(
                    signal=signal, user=members["editor"], expected_version=1, title="Kollegans"
                )
                editing.set()
                release.wait(5)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
            editing.set()
        finally:
            connections.close_all()

    def archive():
        try:
            signal_archive(signal=Signal.objects.get(pk=signal.pk), user=scanner)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    editor = threading.Thread(target=edit)
    editor.start()
    assert editing.wait(5)
    archiver = threading.Thread(target=archive)
    archiver.start()
    assert wait_for_a_lock_or(archiver), "The archive never waited for the edit's lock."
    release.set()
    editor.join(5)
    archiver.join(5)
    assert not errors
    stored = Signal.objects.get(pk=signal.pk)
    assert (stored.title, stored.status, stored.version) == ("Kollegans", Status.ARCHIVED, 3)


# --- sources are matched by id --------------------------------------------------------------


def _source_data(signal):
    return [
        SourceData(url=s.url, name=s.name, published_on=s.published_on, id=s.pk)
        for s in signal.sources.all()
    ]


def test_removing_the_first_source_removes_that_one(kommun, scanner):
    signal = create(kommun, scanner, sources=[SourceData(name="A"), SourceData(name="B")])
    b = signal.sources.all()[1]
    signal_update(signal=signal, user=scanner, expected_version=1, sources=_source_data(signal)[1:])
    assert [(s.pk, s.name, s.position) for s in signal.sources.all()] == [(b.pk, "B", 0)]
    with translation.override("en"):
        entry = signal_history(signal, field_labels(kommun))[0]
    assert entry.source_changes == ["Removed source: A"]


def test_a_source_is_changed_in_place_by_its_id(kommun, scanner):
    signal = create(kommun, scanner, sources=[SourceData(name="A"), SourceData(name="B")])
    a, b = signal.sources.all()
    sources = _source_data(signal)
    sources[1] = SourceData(name="B2", id=b.pk)
    sources.append(SourceData(url="https://gp.se/c", name="C"))
    signal_update(signal=signal, user=scanner, expected_version=1, sources=sources)
    stored = [(s.pk, s.name) for s in signal.sources.all()]
    assert stored[:2] == [(a.pk, "A"), (b.pk, "B2")]
    assert stored[2][1] == "C"
    with translation.override("en"):
        entry = signal_history(signal, field_labels(kommun))[0]
    assert entry.source_changes == ["Changed source: B → B2", "Added source: C – https://gp.se/c"]


def test_another_signals_source_cannot_be_taken_over(kommun, scanner):
    """An id that is not one of the signal's own sources names nothing: the row is added as a
    new source, exactly as for an id that exists nowhere, so the answer tells nothing."""
    mine = create(kommun, scanner)
    theirs = create(kommun, scanner, sources=[SourceData(name="Deras källa")])
    their_source = theirs.sources.get()
    updated = signal_update(
        signal=mine,
        user=scanner,
        expected_version=1,
        sources=[SourceData(name="Kapad", id=their_source.pk)],
    )
    their_source.refresh_from_db()
    assert (their_source.signal_id, their_source.name) == (theirs.pk, "Deras källa")
    assert [s.name for s in mine.sources.all()] == ["Kapad"]
    assert mine.sources.get().pk != their_source.pk
    assert updated.version == 2
    new = create(kommun, scanner, title="Ny", sources=[SourceData(name="X", id=their_source.pk)])
    assert new.sources.get().pk != their_source.pk
    assert theirs.sources.get().name == "Deras källa"


@pytest.mark.parametrize("source_id", ["elsewhere", "nowhere", "beyond 64 bits"])
def test_a_source_id_answers_alike_whether_it_exists_elsewhere_or_not(
    kommun, other_kommun, scanner, source_id
):
    other = SignalFactory(organization=other_kommun, sources=[SourceData(name="Annan kommun")])
    ids = {
        "elsewhere": other.sources.get().pk,
        "nowhere": other.sources.get().pk + 1000,
        "beyond 64 bits": 10**25,
    }
    mine = create(kommun, scanner)
    updated = signal_update(
        signal=mine,
        user=scanner,
        expected_version=1,
        sources=[SourceData(name="Min källa", id=ids[source_id])],
    )
    assert [s.name for s in updated.sources.all()] == ["Min källa"]
    assert other.sources.get().name == "Annan kommun"


def test_a_source_cannot_be_listed_twice(kommun, scanner):
    signal = create(kommun, scanner)
    source = signal.sources.get()
    with pytest.raises(ValidationError):
        signal_update(
            signal=signal,
            user=scanner,
            expected_version=1,
            sources=[SourceData(name="A", id=source.pk), SourceData(name="B", id=source.pk)],
        )
    assert [s.name for s in signal.sources.all()] == ["SKR"]


def test_a_save_claims_its_version_without_reading_it_back(kommun, scanner):
    signal = create(kommun, scanner)
    with CaptureQueriesContext(connection) as queries:
        updated = signal_update(signal=signal, user=scanner, expected_version=1, title="Ny")
    assert updated.version == 2
    version_reads = [
        q["sql"] for q in queries if q["sql"].startswith('SELECT "signals_signal"."version"')
    ]
    assert version_reads == []
