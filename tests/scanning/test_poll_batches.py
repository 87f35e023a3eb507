"""Polling feeds in batches (scanning.polling.poll_feeds), as the dispatcher sends them: every
feed's outcome is the one it would have alone, and what the batch shares costs one statement.
"""

import dataclasses
import json
import time
from datetime import timedelta
from email.utils import format_datetime

import pytest
from django.utils import timezone

from scanning.models import Entry, Feed, FeedState, TriageItem
from scanning.parsing import parse_feed
from scanning.polling import LeasedFeed, poll_feed, poll_feeds
from scanning.storing import ChangedFeed, store_changed
from scanning.tasks import claim_due_feeds, dispatch_due_feeds, poll_claimed
from tests.factories import OrganizationFactory, SubscriptionFactory

from .feeds import RSS_TYPE, numbered_items, rss, rss_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def serve(page_server):
    """serve(path, body, **page) → a feed at path, followed by a new organisation."""

    def make(path, body, **page):
        url = page_server.add(path, body, content_type=RSS_TYPE, **page)
        feed = Feed.objects.create(url=url)
        SubscriptionFactory(feed=feed, organization=OrganizationFactory())
        return feed

    return make


def test_each_feed_of_a_batch_gets_the_outcome_it_would_get_alone(serve):
    fresh = serve("/ny.xml", rss(*numbered_items(3, prefix="Ny")))
    # Not a feed: found out while the batch's changed feeds are being stored, between two
    # that are stored.
    unparsable = serve("/inte-ett-flode.xml", "Inte ett flöde")
    fresher = serve("/nyare.xml", rss(*numbered_items(2, prefix="Nyare")))
    cached = serve("/cachad.xml", rss(*numbered_items(2, prefix="Cachad")), etag='"v1"')
    same = serve("/samma.xml", rss(*numbered_items(2, prefix="Samma")))
    broken = serve("/trasig.xml", "Oops", status=500)
    gone = serve("/borta.xml", "Gone", status=410)
    poll_feeds([cached.pk, same.pk])  # their first poll: stored, ETag and hash recorded
    before = dict(Feed.objects.values_list("pk", "poll_interval"))

    batch = poll_feeds(
        [fresh.pk, unparsable.pk, fresher.pk, cached.pk, same.pk, broken.pk, gone.pk], force=True
    )

    lines = {pk: outcome.line() for pk, outcome in batch.outcomes.items()}
    assert lines[fresh.pk] == "ok: 3 new, 0 duplicates"
    assert lines[fresher.pk] == "ok: 2 new, 0 duplicates"
    assert batch.outcomes[unparsable.pk].failed
    assert lines[cached.pk] == "unchanged: the server answered 304 Not Modified"
    assert lines[same.pk] == "unchanged: the same document as last time"
    assert batch.outcomes[broken.pk].failed and "500" in batch.outcomes[broken.pk].error
    assert batch.outcomes[gone.pk].failed
    assert Entry.objects.count() == 3 + 2 + 2 + 2
    feeds = {feed.pk: feed for feed in Feed.objects.all()}
    assert all(feed.lease_until is None and feed.queued_at is None for feed in feeds.values())
    assert feeds[gone.pk].state == FeedState.GONE
    assert feeds[broken.pk].consecutive_failures == 1
    assert feeds[unparsable.pk].consecutive_failures == 1 and feeds[unparsable.pk].last_error
    assert not feeds[unparsable.pk].content_hash  # so its next poll parses it again
    for pk in (cached.pk, same.pk):
        feed = feeds[pk]
        assert feed.last_polled_at and feed.last_success_at == feed.last_polled_at
        assert feed.next_poll_at > feed.last_polled_at
        # Unchanged, so polled less often: the interval grew by half (up to a day).
        assert feed.poll_interval == min(before[pk] * 3 // 2, 24 * 3600)


def test_each_unchanged_feed_of_a_batch_waits_at_least_what_its_publisher_asks(serve):
    # Answered 304, one publisher asking for four hours (Cache-Control), one for nothing.
    items = rss(*numbered_items(2, prefix="Cachad"))
    asking = serve(
        "/fyra-timmar.xml", items, etag='"a"', headers={"Cache-Control": "max-age=14400"}
    )
    silent = serve("/tyst.xml", items.replace("Cachad", "Tyst"), etag='"b"')
    poll_feeds([asking.pk, silent.pk])
    Feed.objects.update(poll_interval=3600)

    batch = poll_feeds([asking.pk, silent.pk], force=True)

    assert {o.status for o in batch.outcomes.values()} == {"not_modified"}
    intervals = dict(Feed.objects.values_list("pk", "poll_interval"))
    assert intervals == {asking.pk: 4 * 3600, silent.pk: 5400}


def test_a_publisher_asking_for_an_absurd_wait_gets_a_day_and_spoils_no_batch(serve):
    huge = "9" * 40
    items = rss(*numbered_items(2, prefix="Evig"), extra=f"<ttl>{huge}</ttl>")
    forever = serve("/evig.xml", items, etag='"e"', headers={"Cache-Control": f"max-age={huge}"})
    other = serve("/annan.xml", rss(*numbered_items(2, prefix="Vanlig")), etag='"v"')

    first = poll_feeds([forever.pk, other.pk])  # stored: the ttl read
    again = poll_feeds([forever.pk, other.pk], force=True)  # 304: the max-age read

    assert {o.status for o in first.outcomes.values()} == {"ok"}
    assert {o.status for o in again.outcomes.values()} == {"not_modified"}
    assert Feed.objects.get(pk=forever.pk).poll_interval == 24 * 3600


def test_a_batch_of_unchanged_feeds_costs_one_lease_and_one_record(
    serve, django_assert_num_queries
):
    feeds = [
        serve(f"/f{n}.xml", rss(*numbered_items(2, prefix=f"F{n}")), etag=f'"{n}"')
        for n in range(6)
    ]
    ids = [feed.pk for feed in feeds]
    poll_feeds(ids)
    # The leases (reading the feeds as they are taken), then recording the polls, nothing
    # else, however many feeds.
    with django_assert_num_queries(2):
        batch = poll_feeds(ids, force=True)
    assert {outcome.status for outcome in batch.outcomes.values()} == {"not_modified"}
    assert not Feed.objects.filter(lease_until__isnull=False).exists()


def test_the_changed_feeds_of_a_batch_are_stored_together(
    page_server, django_assert_max_num_queries
):
    organization = OrganizationFactory()
    feeds = []
    for n in range(8):
        url = page_server.add(
            f"/ny{n}.xml", rss(*numbered_items(4, prefix=f"Ny{n}")), content_type=RSS_TYPE
        )
        feed = Feed.objects.create(url=url)
        SubscriptionFactory(feed=feed, organization=organization)
        feeds.append(feed)
    # The leases, then one transaction for all changed feeds (its settings, their entries,
    # the queue's followers and stories, the items, the items' entries, the feeds'
    # records), then whether a subscription was resumed meanwhile (scanning.backfill): as
    # many statements for eight feeds as for one.
    with django_assert_max_num_queries(12):
        batch = poll_feeds([feed.pk for feed in feeds], force=True)
    assert {outcome.line() for outcome in batch.outcomes.values()} == {"ok: 4 new, 0 duplicates"}
    assert TriageItem.objects.filter(organization=organization).count() == 8 * 4
    assert not Feed.objects.filter(lease_until__isnull=False).exists()
    assert all(feed.last_new_entry_at for feed in Feed.objects.all())


def test_two_feeds_of_one_batch_with_the_same_story_make_one_item(page_server):
    organization = OrganizationFactory()
    story = rss_item(
        "Regeringen föreslår nytt statsbidrag till skolan",
        link="https://example.se/nyheter/statsbidrag?utm_source=rss",
        description="<p>Kommunerna får mer pengar.</p>",
    )
    feeds = []
    for name, other in (("a", "Annat i A"), ("b", "Annat i B")):
        url = page_server.add(
            f"/{name}.xml",
            rss(story, rss_item(other, link=f"https://example.se/{name}")),
            content_type=RSS_TYPE,
        )
        feed = Feed.objects.create(url=url)
        SubscriptionFactory(feed=feed, organization=organization)
        feeds.append(feed)

    batch = poll_feeds([feed.pk for feed in feeds], force=True)

    # Each feed stores both its entries; the story is one item "also in" the other feed.
    assert Entry.objects.count() == 4
    items = TriageItem.objects.filter(organization=organization)
    assert items.count() == 3
    shared = items.get(entry__title__startswith="Regeringen")
    assert shared.item_entries.count() == 2
    assert sorted(o.duplicates for o in batch.outcomes.values()) == [0, 1]


@pytest.mark.parametrize(
    "part", [1, 3, 1000], ids=["a-feed-a-part", "two-feeds-a-part", "one-part"]
)
def test_a_story_in_feeds_stored_in_different_parts_of_a_batch_is_one_item(
    page_server, monkeypatch, part
):
    # On PostgreSQL a batch is stored in parts of SEND_EVERY entries as its documents are
    # parsed (SQLite: one part, the same story either way); a story whose first entry is in
    # one part joins the item made for it whichever part its later entries are in: before or
    # after that item's id is known.
    monkeypatch.setattr("scanning.ingest.SEND_EVERY", part)
    organization = OrganizationFactory()
    story = rss_item(
        "Regeringen föreslår nytt statsbidrag till skolan",
        link="https://example.se/nyheter/statsbidrag",
        description="<p>Kommunerna får mer pengar.</p>",
    )
    feeds = []
    for name in "abcd":
        url = page_server.add(
            f"/{name}.xml",
            rss(story, rss_item(f"Annat i {name}", link=f"https://example.se/{name}")),
            content_type=RSS_TYPE,
        )
        feed = Feed.objects.create(url=url)
        SubscriptionFactory(feed=feed, organization=organization)
        feeds.append(feed)

    batch = poll_feeds([feed.pk for feed in feeds], force=True)

    items = TriageItem.objects.filter(organization=organization)
    assert items.count() == 1 + 4
    shared = items.get(entry__title__startswith="Regeringen")
    assert shared.item_entries.count() == 4
    assert sorted(o.duplicates for o in batch.outcomes.values()) == [0, 1, 1, 1]


def test_a_batch_of_long_feeds_is_stored_whatever_its_number_of_entries(page_server):
    # 33,000 new entries: their addresses and titles are more values than a statement may
    # have parameters (PostgreSQL: 65,535; SQLite: 32,766 unless built with more), so they
    # are not sent one parameter each.
    organization = OrganizationFactory()
    published = format_datetime(timezone.now() - timedelta(hours=1))
    feeds = []
    for n in range(3):
        items = "".join(
            f"<item><title>Lång {n} nummer {i}</title><link>https://example.se/{n}/{i}</link>"
            f"<pubDate>{published}</pubDate></item>"
            for i in range(11000)
        )
        url = page_server.add(f"/lang{n}.xml", rss(items), content_type=RSS_TYPE)
        feed = Feed.objects.create(url=url)
        SubscriptionFactory(feed=feed, organization=organization)
        feeds.append(feed)

    batch = poll_feeds([feed.pk for feed in feeds], force=True)

    assert {o.line() for o in batch.outcomes.values()} == {"ok: 11000 new, 0 duplicates"}
    assert TriageItem.objects.filter(organization=organization).count() == 33000


def test_the_feeds_of_a_batch_are_fetched_side_by_side(serve, settings):
    settings.SCANNING_FETCH_THREADS = 4
    slow = [
        serve(f"/seg{n}.xml", rss(*numbered_items(1, prefix=f"S{n}")), delay=0.5) for n in range(4)
    ]
    started = time.monotonic()
    batch = poll_feeds([feed.pk for feed in slow], force=True)
    # Four answers of half a second each: together, not one after the other.
    assert time.monotonic() - started < 1.5
    assert all(outcome.status == "ok" for outcome in batch.outcomes.values())
    assert batch.fetch_seconds >= 0.5


def test_a_feed_held_by_another_worker_or_not_due_is_left_alone(serve):
    held = serve("/upptagen.xml", rss(*numbered_items(1)))
    later = serve("/senare.xml", rss(*numbered_items(1, prefix="Senare")))
    now = timezone.now()
    Feed.objects.filter(pk=held.pk).update(lease_until=now + timedelta(minutes=5))
    Feed.objects.filter(pk=later.pk).update(next_poll_at=now + timedelta(hours=1))

    batch = poll_feeds([held.pk, later.pk])

    assert batch.outcomes[held.pk].error == "another worker is fetching this feed"
    assert batch.outcomes[later.pk].error == "not due"
    assert not Entry.objects.exists()
    later.refresh_from_db()
    held.refresh_from_db()
    assert later.lease_until is None  # free for the dispatcher's run when it is due
    assert held.lease_until is not None  # still the other worker's


def test_the_dispatcher_sends_due_feeds_in_batches_and_polls_each_once(
    serve, settings, page_server
):
    settings.SCANNING_POLL_BATCH = 2
    feeds = [serve(f"/d{n}.xml", rss(*numbered_items(2, prefix=f"D{n}"))) for n in range(5)]
    Feed.objects.update(next_poll_at=timezone.now() - timedelta(minutes=1))

    assert dispatch_due_feeds() == 5  # tasks run in-process here: three batches

    assert Entry.objects.count() == 10
    for feed in feeds:
        assert (
            sum(1 for r in page_server.requests if r.path == f"/{feed.url.rsplit('/', 1)[1]}") == 1
        )
    assert not Feed.objects.filter(lease_until__isnull=False).exists()
    assert dispatch_due_feeds() == 0  # polled, so no longer due


def test_the_dispatcher_leases_the_feeds_it_sends_so_no_one_else_fetches_them_meanwhile(
    serve, settings, page_server
):
    feeds = [serve(f"/k{n}.xml", rss(*numbered_items(1, prefix=f"K{n}"))) for n in range(3)]
    now = timezone.now()

    claimed = claim_due_feeds(now)

    assert sorted(feed.pk for feed in claimed) == sorted(feed.pk for feed in feeds)
    lasts = settings.SCANNING_DISPATCH_GRACE_SECONDS + settings.SCANNING_LEASE_SECONDS
    for feed in Feed.objects.all():
        assert feed.queued_at == now
        assert feed.lease_until == now + timedelta(seconds=lasts)
    # Waiting in the broker's queue, they are neither sent again nor fetched by "Fetch now".
    assert claim_due_feeds(timezone.now()) == []
    assert poll_feed(feeds[0].pk, force=True).error == "another worker is fetching this feed"
    assert page_server.requests == []
    # The poll sent with them fetches each once and releases them.
    messages = json.loads(json.dumps([feed.message() for feed in claimed]))
    assert poll_claimed(now.isoformat(), messages) == "3 feeds: 3 ok; 3 new entries"
    assert len(page_server.requests) == 3
    assert not Feed.objects.filter(lease_until__isnull=False).exists()


def test_a_leased_feed_holds_each_of_the_feeds_own_values_under_its_name(serve):
    # Every value different from every other, so a value read into the wrong field shows: a
    # title swapped with the website's address would retitle the feed at its next change.
    feed = serve("/own.xml", rss(*numbered_items(1, prefix="Own")))
    failing = timezone.now() - timedelta(days=3)
    Feed.objects.filter(pk=feed.pk).update(
        title="Flödets titel", site_url="https://example.se/webbplats", etag='"etag-1"',
        last_modified="Mon, 30 Nov 2026 10:00:00 GMT", content_hash="ab" * 32,
        poll_interval=1800, failing_since=failing, consecutive_failures=4,
    )  # fmt: skip
    stored = Feed.objects.get(pk=feed.pk)

    (leased,) = claim_due_feeds(timezone.now())

    for field in dataclasses.fields(leased):
        assert getattr(leased, field.name) == getattr(stored, field.name), field.name
    assert leased.failing_since == failing and leased.consecutive_failures == 4


def test_a_poll_message_from_another_release_is_still_read(serve):
    feed = serve("/annan.xml", rss(*numbered_items(1, prefix="Annan")))
    (leased,) = claim_due_feeds(timezone.now())
    # As a dispatcher of another release may send it: with a value this one does not read.
    message = {**leased.message(), "priority": 5}

    assert LeasedFeed.from_message(message) == leased
    assert LeasedFeed.from_message(message).pk == feed.pk


def test_a_dispatcher_run_sends_the_longest_overdue_feeds_first_and_leaves_the_rest(
    serve, monkeypatch
):
    monkeypatch.setattr("scanning.tasks.DISPATCH_BATCH", 2)
    now = timezone.now()
    feeds = [serve(f"/v{n}.xml", rss(*numbered_items(1, prefix=f"V{n}"))) for n in range(3)]
    for hours, feed in zip((1, 3, 2), feeds, strict=True):
        Feed.objects.filter(pk=feed.pk).update(next_poll_at=now - timedelta(hours=hours))

    first = claim_due_feeds(now)
    second = claim_due_feeds(now)

    assert sorted(feed.pk for feed in first) == sorted([feeds[1].pk, feeds[2].pk])
    assert [feed.pk for feed in second] == [feeds[0].pk]
    assert claim_due_feeds(now) == []
    assert Feed.objects.filter(queued_at=now).count() == 3


def test_a_poll_that_waited_too_long_is_dropped_and_its_feeds_sent_again_once_free(
    serve, settings, page_server
):
    feed = serve("/sen.xml", rss(*numbered_items(2, prefix="Sen")))
    long_ago = timezone.now() - timedelta(seconds=settings.SCANNING_DISPATCH_GRACE_SECONDS + 1)
    Feed.objects.filter(pk=feed.pk).update(next_poll_at=long_ago)
    messages = [each.message() for each in claim_due_feeds(long_ago)]

    assert poll_claimed(long_ago.isoformat(), messages).startswith("dropped: 1 feeds waited")
    assert page_server.requests == [] and not Entry.objects.exists()
    assert dispatch_due_feeds() == 0  # its lease has not run out yet

    Feed.objects.filter(pk=feed.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert dispatch_due_feeds() == 1  # tasks run in-process here
    assert Entry.objects.filter(feed=feed).count() == 2


def test_a_failing_feed_sent_by_the_dispatcher_keeps_counting_its_days_of_failure(serve):
    broken = serve("/fel-sedan-lange.xml", "Oops", status=500)
    since = timezone.now() - timedelta(days=3)
    Feed.objects.filter(pk=broken.pk).update(consecutive_failures=4, failing_since=since)

    assert dispatch_due_feeds() == 1  # its failure count and start are in the message

    broken.refresh_from_db()
    assert broken.consecutive_failures == 5
    assert broken.failing_since == since
    assert broken.lease_until is None and broken.queued_at is None


def test_a_dispatched_poll_run_again_fetches_only_the_feeds_its_first_run_left(
    serve, page_server, settings
):
    # Its worker died after recording some of the batch (the broker delivers the message
    # again): those are not fetched again, whatever their first poll found; the rest are.
    # (Tasks run in-process here, where no message is marked delivered again: as on a broker
    # that marks none, every run is checked. Redis's mark: tests/services.)
    settings.CELERY_BROKER_URL = "filesystem://"
    gone = serve("/borta.xml", "", status=410)
    busy = serve("/upptagen.xml", "", status=503, headers={"Retry-After": "86400"})
    left = serve("/kvar.xml", rss(*numbered_items(2, prefix="Kvar")))
    now = timezone.now()
    messages = json.loads(json.dumps([feed.message() for feed in claim_due_feeds(now)]))
    first = poll_claimed(now.isoformat(), [m for m in messages if m["id"] != left.pk])
    assert first == "2 feeds: 2 error; 0 new entries"
    assert len(page_server.requests) == 2

    again = poll_claimed(now.isoformat(), messages)

    assert again == "1 feeds: 1 ok; 2 new entries"
    assert [r.path for r in page_server.requests[2:]] == ["/kvar.xml"]
    gone.refresh_from_db()
    busy.refresh_from_db()
    assert gone.state == FeedState.GONE
    assert busy.next_poll_at >= now + timedelta(hours=23)
    assert not Feed.objects.filter(lease_until__isnull=False).exists()


def test_only_a_message_redis_delivers_again_is_checked_against_the_database(settings):
    # Redis marks the messages it delivers again; the other brokers do not, so there every
    # dispatched poll is checked (the filesystem broker of `make run`).
    from types import SimpleNamespace

    from scanning.tasks import _may_have_run_before

    first, again = ({"redelivered": flag} for flag in (False, True))
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    assert not _may_have_run_before(SimpleNamespace(delivery_info=first))
    assert _may_have_run_before(SimpleNamespace(delivery_info=again))
    settings.CELERY_BROKER_URL = "filesystem://"
    assert _may_have_run_before(SimpleNamespace(delivery_info=first))


def test_poll_feed_is_a_batch_of_one(serve):
    feed = serve("/ensam.xml", rss(*numbered_items(2)))
    assert poll_feed(feed.pk).line() == "ok: 2 new, 0 duplicates"


def test_a_batch_that_could_outlast_its_lease_stops_start_up(settings):
    from django.core.checks import run_checks

    assert not [e for e in run_checks() if e.id == "scanning.E001"]
    settings.SCANNING_POLL_BATCH = 200  # 20 rounds of 10 fetches of up to 30 s
    errors = [e for e in run_checks() if e.id == "scanning.E001"]
    assert errors and "SCANNING_LEASE_SECONDS" in errors[0].msg


def test_a_batch_says_in_one_line_what_it_did(serve):
    fresh = serve("/rad.xml", rss(*numbered_items(2, prefix="Rad")))
    broken = serve("/fel.xml", "Oops", status=500)
    line = poll_feeds([fresh.pk, broken.pk]).line()
    assert line == "2 feeds: 1 error, 1 ok; 2 new entries"


@pytest.mark.django_db(transaction=True)
def test_a_feed_whose_rows_are_refused_is_skipped_and_the_rest_of_its_batch_stored():
    # A feed removed while its batch was being polled: its entries would point at nothing, so
    # the database refuses them at commit. The batch is then stored feed by feed, the feed
    # that was refused skipped, the others stored, documents that were still to be parsed
    # included.
    organization = OrganizationFactory()
    kept, removed, later = (Feed.objects.create(url=f"https://example.se/{n}.xml") for n in "abc")
    for feed in (kept, later):
        SubscriptionFactory(feed=feed, organization=organization)
    removed_pk = removed.pk
    removed.delete()
    parsed = []

    def documents():
        gone = Feed(pk=removed_pk, url="https://example.se/b.xml")
        for feed, prefix in ((kept, "Kvar"), (gone, "Borta"), (later, "Sen")):
            parsed.append(prefix)
            body = rss(*numbered_items(2, prefix=prefix)).encode()
            yield ChangedFeed(feed, parse_feed(body, url=feed.url))

    stored = store_changed(documents(), timezone.now())

    assert stored[removed_pk].skipped
    assert (stored[kept.pk].new, stored[later.pk].new) == (2, 2)
    assert parsed == ["Kvar", "Borta", "Sen"]
    assert Entry.objects.filter(feed_id=removed_pk).count() == 0
    assert TriageItem.objects.filter(organization=organization).count() == 4
