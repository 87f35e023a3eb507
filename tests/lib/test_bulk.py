"""core.lib.bulk: rows written in one statement, as the ORM would have written them."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.lib.bulk import (
    datetime_adapter,
    insert_new_rows,
    pipelined,
    relax_commit,
    select_rows,
    update_alike,
    update_one,
    update_one_returning,
    update_returning,
    update_rows,
)
from scanning.models import Entry, Feed
from tests.factories import EntryFactory, FeedFactory

pytestmark = pytest.mark.django_db

TEXTS = ("link", "canonical_url", "title_fingerprint", "summary_html", "summary_text",
         "search_document", "author")  # fmt: skip
COLUMNS = ("feed_id", "key", "title", "fetched_at", *TEXTS)


def row(feed, key, title="Rubrik"):
    return (feed.pk, key, title, datetime_adapter()(timezone.now()), *[""] * len(TEXTS))


def test_insert_new_rows_leaves_out_what_is_stored_and_returns_what_it_inserted():
    feed = FeedFactory()
    stored = EntryFactory(feed=feed, key="a", title="Först")
    rows = [row(feed, "a", "Igen"), row(feed, "b"), row(feed, "c"), row(feed, "b", "Dubbel")]
    inserted = insert_new_rows(Entry, COLUMNS, rows, unique=("feed_id", "key"), returning=["key"])
    assert sorted(key for (key,) in inserted) == ["b", "c"]
    assert Entry.objects.get(pk=stored.pk).title == "Först"
    assert sorted(Entry.objects.values_list("key", flat=True)) == ["a", "b", "c"]


def test_insert_new_rows_with_nothing_to_insert():
    assert insert_new_rows(Entry, COLUMNS, [], unique=("feed_id", "key"), returning=["id"]) == []


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC),
        datetime(2026, 3, 1, 12, 30, tzinfo=UTC),
        timezone.localtime(datetime(2026, 7, 1, 9, 0, tzinfo=UTC)),  # summer time, not UTC
        None,
    ],
)
def test_datetime_adapter_gives_what_the_orm_gives(moment):
    expected = None if moment is None else connection.ops.adapt_datetimefield_value(moment)
    assert datetime_adapter()(moment) == expected


def test_update_one_writes_only_where_the_condition_holds():
    now = timezone.now()
    feed = FeedFactory(lease_until=now + timedelta(minutes=5))
    adapt = datetime_adapter()
    free = "lease_until IS NULL OR lease_until < %s"
    leased = {"lease_until": adapt(now + timedelta(minutes=10))}
    assert not update_one(Feed, feed.pk, leased, only_if=free, only_if_params=[adapt(now)])
    later = adapt(now + timedelta(minutes=6))
    assert update_one(Feed, feed.pk, leased, only_if=free, only_if_params=[later], relaxed=True)
    feed.refresh_from_db()
    assert feed.lease_until == now + timedelta(minutes=10)


def test_update_one_returning_reads_the_row_as_the_orm_would():
    polled = datetime(2026, 3, 1, 12, 30, 15, 5, tzinfo=UTC)
    feed = FeedFactory(etag='"v1"', last_polled_at=polled, poll_interval=900)
    adapt = datetime_adapter()
    lease = timezone.now() + timedelta(minutes=5)
    leased = update_one_returning(Feed, feed.pk, {"lease_until": adapt(lease)}, relaxed=True)
    read = Feed.objects.get(pk=feed.pk)
    assert isinstance(leased, Feed)
    for field in Feed._meta.concrete_fields:
        assert getattr(leased, field.attname) == getattr(read, field.attname), field.name
    assert leased.lease_until == lease and leased.last_polled_at == polled
    none = update_one_returning(Feed, feed.pk, {"etag": ""}, only_if="poll_interval = %s",
                                only_if_params=[60])  # fmt: skip
    assert none is None


def test_update_one_returning_some_fields_defers_the_others():
    feed = FeedFactory(etag='"v1"', title="Flödet")
    read = update_one_returning(Feed, feed.pk, {"poll_interval": 900}, fields=["etag"])
    assert read.get_deferred_fields() == {
        f.attname for f in Feed._meta.concrete_fields if f.name not in ("id", "etag")
    }
    assert (read.etag, read.poll_interval) == ('"v1"', 900)
    assert read.title == "Flödet"  # loaded when first read


def test_select_rows_gives_each_querys_rows_also_pipelined():
    feed = FeedFactory(etag='"v1"')
    queries = [
        ("SELECT etag FROM scanning_feed WHERE id = %s", [feed.pk]),
        ("SELECT id FROM scanning_feed WHERE id = %s", [-1]),
    ]
    assert select_rows(*queries) == [[('"v1"',)], []]
    with transaction.atomic(), pipelined():
        assert select_rows(*queries) == [[('"v1"',)], []]


def test_a_pipelined_block_raises_djangos_integrity_error_and_writes_nothing():
    feed = FeedFactory()
    with pytest.raises(IntegrityError), transaction.atomic(), pipelined():
        relax_commit()
        update_one(Feed, feed.pk, {"etag": '"v2"'})
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO scanning_feed (url, title, site_url, state, created_at, etag,"
                " last_modified, content_hash, next_poll_at, poll_interval, last_error,"
                " consecutive_failures) SELECT url, '', '', 'active', created_at, '', '', '',"
                " next_poll_at, 60, '', 0 FROM scanning_feed WHERE id = %s",
                [feed.pk],
            )
    feed.refresh_from_db()
    assert feed.etag == ""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_relaxed_commit_relaxes_that_transaction_or_statement_only():
    feed = FeedFactory()

    def setting():
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    with transaction.atomic():
        relax_commit()
        assert setting() == "off"
    assert setting() == "on"
    update_one(Feed, feed.pk, {"etag": '"v3"'}, relaxed=True)
    assert setting() == "on"
    assert Feed.objects.get(pk=feed.pk).etag == '"v3"'


def test_an_instance_read_with_fields_asked_out_of_the_models_order_has_each_in_its_place():
    feed = FeedFactory(etag='"E"', title="Flödet", url="https://example.se/ordning.xml")
    read = update_one_returning(Feed, feed.pk, {"poll_interval": 900},
                                fields=["etag", "poll_interval", "url"])  # fmt: skip
    assert (read.url, read.etag, read.poll_interval) == (feed.url, '"E"', 900)
    (many,) = update_returning(Feed, [feed.pk], {"etag": '"F"'}, fields=["title", "url"])
    assert (many.title, many.url) == ("Flödet", feed.url)


def test_update_returning_updates_and_reads_every_row_that_holds_the_condition():
    now = timezone.now()
    free, other, held = FeedFactory(), FeedFactory(), FeedFactory()
    Feed.objects.filter(pk=held.pk).update(lease_until=now + timedelta(minutes=5))
    adapt = datetime_adapter()
    leased = update_returning(
        Feed,
        [free.pk, other.pk, held.pk],
        {"lease_until": adapt(now + timedelta(minutes=10))},
        fields=["url"],
        only_if="lease_until IS NULL OR lease_until < %s",
        only_if_params=[adapt(now)],
        relaxed=True,
    )
    assert sorted((feed.pk, feed.url) for feed in leased) == sorted(
        (feed.pk, feed.url) for feed in (free, other)
    )
    assert Feed.objects.get(pk=held.pk).lease_until == now + timedelta(minutes=5)


def test_update_returning_updates_the_rows_a_queryset_chooses_and_reads_them():
    now = timezone.now()
    held, first, second = (FeedFactory() for _ in range(3))
    Feed.objects.filter(pk=held.pk).update(lease_until=now + timedelta(minutes=5))
    Feed.objects.filter(pk=first.pk).update(failing_since=now - timedelta(days=2))
    adapt = datetime_adapter()

    rows = update_returning(
        Feed,
        # Ordered and sliced: the first two of the three, the held one among them.
        Feed.objects.order_by("pk").values_list("pk")[:2],
        {"lease_until": adapt(now + timedelta(minutes=10))},
        fields=["failing_since", "url"],
        only_if="lease_until IS NULL OR lease_until < %s",
        only_if_params=[adapt(now)],
        relaxed=True,
        as_rows=True,
    )

    # The primary key, then the fields in the order asked for, converted as the ORM would.
    assert rows == [(first.pk, now - timedelta(days=2), first.url)]
    leases = dict(Feed.objects.values_list("pk", "lease_until"))
    assert leases[first.pk] == now + timedelta(minutes=10)
    assert leases[held.pk] == now + timedelta(minutes=5)
    assert leases[second.pk] is None


def test_update_returning_of_an_empty_choice_updates_nothing():
    feed = FeedFactory()
    assert (
        update_returning(Feed, Feed.objects.filter(pk__in=[]).values_list("pk"), {"etag": '"x"'})
        == []
    )
    assert Feed.objects.get(pk=feed.pk).etag == ""


def test_update_returning_takes_a_queryset_of_the_models_keys_alone():
    FeedFactory()
    with pytest.raises(ValueError, match="keys alone"):
        update_returning(Feed, Feed.objects.all(), {"etag": '"x"'})
    with pytest.raises(ValueError, match="keys alone"):
        update_returning(Entry, Feed.objects.values_list("pk"), {"key": "x"})
    assert Feed.objects.get().etag == ""


def test_update_rows_gives_each_row_its_own_values_and_all_the_same_ones():
    feeds = [FeedFactory(etag='"old"') for _ in range(3)]
    untouched = FeedFactory(etag='"old"')
    polled = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    adapt = datetime_adapter()
    rows = [
        (feed.pk, 900 * (n + 1), adapt(polled + timedelta(hours=n))) for n, feed in enumerate(feeds)
    ]
    update_rows(
        Feed,
        ("poll_interval", "next_poll_at"),
        rows,
        same={"etag": "", "lease_until": None},
    )
    for n, feed in enumerate(feeds):
        feed.refresh_from_db()
        assert (feed.poll_interval, feed.next_poll_at) == (
            900 * (n + 1),
            polled + timedelta(hours=n),
        )
        assert feed.etag == "" and feed.lease_until is None
    untouched.refresh_from_db()
    assert untouched.etag == '"old"'


def test_update_alike_sets_the_same_values_and_computes_the_others_from_each_row():
    feeds = [FeedFactory(poll_interval=900 * (n + 1), etag='"old"') for n in range(3)]
    untouched = FeedFactory(poll_interval=900, etag='"old"')

    update_alike(
        Feed,
        [feed.pk for feed in feeds],
        {"etag": "", "lease_until": None},
        computed={"poll_interval": "poll_interval * 2 + CAST(%s AS integer)"},
        computed_params=[1],
        relaxed=True,
    )

    assert [Feed.objects.get(pk=feed.pk).poll_interval for feed in feeds] == [1801, 3601, 5401]
    assert set(
        Feed.objects.filter(pk__in=[f.pk for f in feeds]).values_list("etag", flat=True)
    ) == {""}
    untouched.refresh_from_db()
    assert (untouched.poll_interval, untouched.etag) == (900, '"old"')
    update_alike(Feed, [untouched.pk], {"etag": '"one"'})
    assert Feed.objects.get(pk=untouched.pk).etag == '"one"'
