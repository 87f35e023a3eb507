"""A subscription added or resumed while a poll of its feed is under way: the entries that
poll stores reach its queue too (scanning.backfill)."""

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

import scanning.fanout
from scanning import feed_services as services
from scanning.models import Feed, Subscription, TriageItem
from scanning.polling import poll_feed

from ..factories import EntryFactory, OrganizationFactory, SubscriptionFactory
from ..meanwhile import in_thread
from . import feeds
from .feed_bodies import RSS_TYPE


def titles_in_queue(organization) -> set[str]:
    return set(
        TriageItem.objects.filter(organization=organization).values_list("entry__title", flat=True)
    )


def a_poll_under_way(feed: Feed) -> None:
    Feed.objects.filter(pk=feed.pk).update(lease_until=timezone.now() + timedelta(minutes=5))


def test_resumed_during_a_poll_the_entries_it_stores_come_with_the_next_poll(kommun, page_server):
    url = page_server.add(
        "/nyheter.xml", feeds.rss(feeds.rss_item("Ny förskola")), content_type=RSS_TYPE
    )
    subscription = SubscriptionFactory(organization=kommun, feed__url=url, paused=True)
    feed = subscription.feed
    a_poll_under_way(feed)

    services.subscription_set_paused(subscription=subscription, paused=False)
    assert Subscription.objects.get(pk=subscription.pk).missed_entries
    # What that poll stores: placed in the queues it read before the resume, not in this one.
    EntryFactory(feed=feed, title="Budget för skolan", published_at=timezone.now())
    Feed.objects.filter(pk=feed.pk).update(lease_until=None)
    assert titles_in_queue(kommun) == set()

    assert poll_feed(feed.pk, force=True).line() == "ok: 1 new, 0 duplicates"

    assert titles_in_queue(kommun) == {"Ny förskola", "Budget för skolan"}
    assert not Subscription.objects.get(pk=subscription.pk).missed_entries


def test_added_during_a_poll_the_entries_it_stores_come_too(kommun, page_server):
    url = page_server.add(
        "/nyheter.xml", feeds.rss(feeds.rss_item("Ny förskola")), content_type=RSS_TYPE
    )
    theirs = SubscriptionFactory(organization=OrganizationFactory(), feed__url=url)
    a_poll_under_way(theirs.feed)

    ours = services.subscription_add(organization=kommun, url=url, name="Nyheter")

    assert Subscription.objects.get(pk=ours.pk).missed_entries
    # What that poll stores: placed in the queues it read before we followed the feed.
    EntryFactory(feed=theirs.feed, title="Budget för skolan", published_at=timezone.now())
    Feed.objects.filter(pk=theirs.feed_id).update(lease_until=None)
    poll_feed(theirs.feed_id, force=True)
    assert titles_in_queue(kommun) == {"Ny förskola", "Budget för skolan"}


def test_resumed_with_no_poll_under_way_nothing_is_left_for_later(kommun):
    subscription = SubscriptionFactory(organization=kommun, paused=True)
    EntryFactory(feed=subscription.feed, title="Ny förskola", published_at=timezone.now())
    services.subscription_set_paused(subscription=subscription, paused=False)
    assert titles_in_queue(kommun) == {"Ny förskola"}
    assert not Subscription.objects.get(pk=subscription.pk).missed_entries


# The race itself, on two connections: what PostgreSQL's row locks decide.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_resume_between_a_polls_read_and_its_commit_loses_nothing(
    kommun, page_server, monkeypatch
):
    url = page_server.add(
        "/nyheter.xml", feeds.rss(feeds.rss_item("Ny förskola")), content_type=RSS_TYPE
    )
    subscription = SubscriptionFactory(organization=kommun, feed__url=url, paused=True)
    read_followers = scanning.fanout.followers
    resumed = threading.Event()

    def then_resume(rows):
        # The poll has read who follows the feed (not this paused subscription), and stores
        # its entries for them: the scanner resumes it now, on a connection of their own.
        found = read_followers(rows)
        if not resumed.is_set():
            resumed.set()
            thread, raised = in_thread(
                lambda: services.subscription_set_paused(
                    subscription=Subscription.objects.get(pk=subscription.pk), paused=False
                )
            )
            thread.join(10)
            # The resume does not wait for the poll: a scanner's click is answered at once.
            assert not thread.is_alive() and raised == []
        return found

    monkeypatch.setattr(scanning.fanout, "followers", then_resume)
    assert poll_feed(subscription.feed_id, force=True).line() == "ok: 1 new, 0 duplicates"
    assert resumed.is_set()
    assert titles_in_queue(kommun) == {"Ny förskola"}
    assert not Subscription.objects.get(pk=subscription.pk).missed_entries
