"""Polling feeds end to end: the dispatcher and polls through Redis, real Celery workers, the
feeds over real HTTP (the session's page server), PostgreSQL.

What only real processes show: a feed followed by two organisations is fetched once, a poll
sent twice stores its entries once, and a worker killed mid-ingest leaves nothing behind and
the feed is polled again, completely, once its lease and dispatch grace have run out.
"""

import os
import signal
import subprocess
import time
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from scanning.models import Entry, Feed, FeedState, TriageItem, TriageItemEntry
from scanning.tasks import claim_due_feeds, dispatch_due_feeds, poll_claimed, poll_feed
from tests.factories import FeedFactory, OrganizationFactory, SubscriptionFactory
from tests.scanning.feeds import RSS_TYPE, numbered_items, rss

from .conftest import WORKER_DISPATCH_GRACE_SECONDS, WORKER_LEASE_SECONDS

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

POLL_TIMEOUT = 30  # seconds
# Enough entries that storing them takes a moment: the worker is killed inside that moment.
BIG_FEED_ENTRIES = 3000


@pytest.fixture(autouse=True)
def short_lease(settings):
    # The same lease and grace as the workers', should this process compute anything with them.
    settings.SCANNING_LEASE_SECONDS = WORKER_LEASE_SECONDS
    settings.SCANNING_DISPATCH_GRACE_SECONDS = WORKER_DISPATCH_GRACE_SECONDS


@pytest.fixture
def serve(services_page_server):
    """serve(body, **page) → (path, url) of a feed at a path of this test's own."""
    prefix = f"/{uuid.uuid4().hex[:8]}"

    def add(body, name="flode.xml", **page):
        path = f"{prefix}/{name}"
        return path, services_page_server.add(path, body, content_type=RSS_TYPE, **page)

    return add


def fetches(server, path: str) -> int:
    return sum(1 for request in server.requests if request.path == path)


def wait_until(condition, what: str, timeout: float = POLL_TIMEOUT, every: float = 0.2, then=None):
    """Poll the database until condition() holds; ``then`` runs between tries (a dispatch)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout} s"
        if then:
            then()
        time.sleep(every)


def polled(*feeds: Feed):
    def done():
        return Feed.objects.filter(
            pk__in=[f.pk for f in feeds], last_success_at__isnull=False, lease_until=None
        ).count() == len(feeds)

    return done


def test_the_dispatcher_polls_each_due_followed_feed_once_for_all_its_followers(
    celery_worker, serve, services_page_server
):
    kommun, grannkommun = OrganizationFactory(), OrganizationFactory()
    shared_path, shared_url = serve(rss(*numbered_items(3, prefix="Delad", days_apart=0.1)))
    own_path, own_url = serve(rss(*numbered_items(2, prefix="Egen", days_apart=0.1)), "egen.xml")
    idle_path, idle_url = serve(rss(*numbered_items(2, prefix="Ingen")), "ingen.xml")
    later_path, later_url = serve(rss(*numbered_items(2, prefix="Sen")), "sen.xml")
    shared = FeedFactory(url=shared_url, title="")
    own = FeedFactory(url=own_url, title="")
    SubscriptionFactory(feed=shared, organization=kommun)
    SubscriptionFactory(feed=shared, organization=grannkommun)
    SubscriptionFactory(feed=own, organization=kommun)
    FeedFactory(url=idle_url)  # followed by nobody
    not_due = FeedFactory(url=later_url, next_poll_at=timezone.now() + timedelta(hours=1))
    SubscriptionFactory(feed=not_due, organization=kommun)

    dispatch_due_feeds.delay()

    wait_until(polled(shared, own), f"worker {celery_worker} polling both due feeds")
    assert fetches(services_page_server, shared_path) == 1
    assert fetches(services_page_server, own_path) == 1
    assert fetches(services_page_server, idle_path) == 0
    assert fetches(services_page_server, later_path) == 0
    assert TriageItem.objects.filter(organization=kommun).count() == 5
    assert TriageItem.objects.filter(organization=grannkommun).count() == 3
    assert Entry.objects.count() == 5
    shared.refresh_from_db()
    assert shared.title == "Testflödet" and shared.queued_at is None


def test_two_dispatches_and_a_poll_sent_twice_store_everything_once(
    start_worker, serve, services_page_server
):
    # Two pool processes, so the second dispatch and the second poll run beside the first.
    worker = start_worker(pool="prefork", concurrency=2)
    kommun, grannkommun = OrganizationFactory(), OrganizationFactory()
    feeds = []
    for n in range(3):
        # A slow answer keeps a first poll busy while its twin starts.
        path, url = serve(
            rss(*numbered_items(4, prefix=f"F{n}", days_apart=0.1)), f"{n}.xml", delay=0.5
        )
        feed = FeedFactory(url=url, title="")
        SubscriptionFactory(feed=feed, organization=kommun)
        SubscriptionFactory(feed=feed, organization=grannkommun)
        feeds.append((path, feed))
    twice_path, twice_url = serve(rss(*numbered_items(5, prefix="Två", days_apart=0.1)), delay=0.5)
    twice = FeedFactory(url=twice_url, title="")
    SubscriptionFactory(feed=twice, organization=kommun)

    dispatch_due_feeds.apply_async(queue=worker.queue)
    dispatch_due_feeds.apply_async(queue=worker.queue)
    poll_feed.apply_async((twice.pk,), queue=worker.queue)
    poll_feed.apply_async((twice.pk,), queue=worker.queue)

    wait_until(polled(twice, *(feed for _path, feed in feeds)), "polling every feed")
    time.sleep(1)  # a second poll still on its way would show up now
    assert fetches(services_page_server, twice_path) == 1
    for path, _feed in feeds:
        assert fetches(services_page_server, path) == 1
    assert Entry.objects.count() == 3 * 4 + 5
    assert TriageItem.objects.filter(organization=kommun).count() == 3 * 4 + 5
    assert TriageItem.objects.filter(organization=grannkommun).count() == 3 * 4
    assert TriageItemEntry.objects.count() == 2 * 3 * 4 + 5


def ingest_backends(database: str) -> list[int]:
    """PostgreSQL backends of the test database inside a transaction that has written to a
    scanning table: a poll storing what it fetched."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT pid FROM pg_stat_activity
            WHERE datname = %s AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL
              AND state IN ('active', 'idle in transaction')
              AND query ILIKE 'INSERT INTO "scanning\\_%%'
            """,
            [database],
        )
        return [pid for (pid,) in cursor.fetchall()]


def backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


def test_a_worker_killed_mid_ingest_leaves_nothing_and_the_feed_is_polled_again_in_full(
    start_worker, serve
):
    kommun = OrganizationFactory()
    # Distinct guids, links and titles, all within the queue's age: one item per entry.
    _path, url = serve(rss(*numbered_items(BIG_FEED_ENTRIES, prefix="Stor", days_apart=0.005)))
    feed = FeedFactory(url=url, title="")
    SubscriptionFactory(feed=feed, organization=kommun)
    database = connection.settings_dict["NAME"]

    doomed = start_worker(pool="prefork", concurrency=1)
    poll_feed.apply_async((feed.pk,), queue=doomed.queue)
    deadline = time.monotonic() + POLL_TIMEOUT
    while not (writers := ingest_backends(database)):
        assert doomed.process.poll() is None, f"the worker exited:\n{doomed.output()}"
        assert time.monotonic() < deadline, f"no ingest began:\n{doomed.output()}"
        time.sleep(0.005)
    doomed.kill()

    # PostgreSQL rolls the transaction back when it notices its client is gone.
    wait_until(lambda: not any(backend_alive(pid) for pid in writers), "the backend ending")
    assert Entry.objects.count() == 0
    assert TriageItem.objects.count() == 0
    assert TriageItemEntry.objects.count() == 0
    feed.refresh_from_db()
    assert feed.last_polled_at is None and feed.lease_until is not None

    # The same service started again; the dispatcher runs (beat's job) until the killed
    # poll's lease has run out and the feed is polled again.
    restarted = start_worker(pool="prefork", concurrency=1, queue=doomed.queue)
    wait_until(
        polled(feed),
        "polling the feed again",
        every=1,
        then=lambda: dispatch_due_feeds.apply_async(queue=restarted.queue),
    )
    assert Entry.objects.filter(feed=feed).count() == BIG_FEED_ENTRIES
    assert TriageItem.objects.filter(organization=kommun).count() == BIG_FEED_ENTRIES
    assert TriageItemEntry.objects.filter(organization=kommun).count() == BIG_FEED_ENTRIES


def test_a_pool_process_killed_mid_ingest_gets_its_batch_again_less_what_it_recorded(
    start_worker, serve, services_page_server, settings
):
    # The worker's pool process dies while storing a batch the dispatcher sent, after it
    # recorded one feed of it (410 Gone). The worker puts the message back
    # (task_reject_on_worker_lost), Redis marks it delivered again, and the batch runs again
    # with only the feed it had not recorded: the gone feed is not fetched a second time.
    settings.SCANNING_DISPATCH_GRACE_SECONDS = 120  # the rerun comes well within it
    kommun = OrganizationFactory()
    gone_path, gone_url = serve("", "borta.xml", status=410)
    big_path, big_url = serve(
        rss(*numbered_items(BIG_FEED_ENTRIES, prefix="Stor", days_apart=0.005)), "stor.xml"
    )
    gone, big = FeedFactory(url=gone_url, title=""), FeedFactory(url=big_url, title="")
    for feed in (gone, big):
        SubscriptionFactory(feed=feed, organization=kommun)
    database = connection.settings_dict["NAME"]
    worker = start_worker(env={"SCANNING_DISPATCH_GRACE_SECONDS": "120"})
    now = timezone.now()
    messages = [feed.message() for feed in claim_due_feeds(now)]
    assert len(messages) == 2

    poll_claimed.apply_async((now.isoformat(), messages), queue=worker.queue)
    deadline = time.monotonic() + POLL_TIMEOUT
    while not ingest_backends(database):
        assert time.monotonic() < deadline, f"no ingest began:\n{worker.output()}"
        time.sleep(0.005)
    pool_processes = [int(pid) for pid in subprocess.check_output(
        ["pgrep", "-P", str(worker.process.pid)], text=True
    ).split()]  # fmt: skip
    for pid in pool_processes:
        os.kill(pid, signal.SIGKILL)

    wait_until(polled(big), "the batch running again")
    assert fetches(services_page_server, gone_path) == 1
    assert fetches(services_page_server, big_path) == 2
    gone.refresh_from_db()
    assert gone.state == FeedState.GONE
    assert Entry.objects.filter(feed=big).count() == BIG_FEED_ENTRIES
    assert TriageItem.objects.filter(organization=kommun).count() == BIG_FEED_ENTRIES
