"""When a feed is polled next: by how often it publishes, what its publisher asks, and how
often it has failed."""

from datetime import UTC, datetime, timedelta

import pytest

from scanning import schedule
from scanning.models import Feed
from scanning.polling import poll_feed
from scanning.storing import record_unchanged
from tests.factories import FeedFactory, SubscriptionFactory

from .feeds import RSS_TYPE, numbered_items, rss

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def dates_every(gap: timedelta, count: int = 10):
    return [NOW - gap * n for n in range(count)]


def test_a_feed_that_publishes_hourly_is_polled_every_half_hour():
    assert schedule.interval_after_success(dates_every(timedelta(hours=1))) == timedelta(minutes=30)


def test_the_interval_stays_between_fifteen_minutes_and_a_day():
    assert schedule.interval_after_success(dates_every(timedelta(minutes=1))) == timedelta(
        minutes=15
    )
    assert schedule.interval_after_success(dates_every(timedelta(days=30))) == timedelta(hours=24)


def test_a_feed_without_dates_is_polled_hourly():
    assert schedule.interval_after_success([None, None]) == timedelta(hours=1)


def test_a_longer_ttl_or_max_age_is_respected_up_to_a_day():
    hourly = dates_every(timedelta(minutes=20))
    assert schedule.interval_after_success(hourly, ttl_minutes=180) == timedelta(hours=3)
    assert schedule.interval_after_success(
        hourly, cache_control="public, max-age=7200"
    ) == timedelta(hours=2)
    assert schedule.interval_after_success(hourly, ttl_minutes=60 * 24 * 7) == timedelta(hours=24)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("previous", "minimum", "expected"),
    [
        (3600, 0, 5400),  # grows by half
        (901, 0, 1351),  # in whole seconds, as stored
        (600, 0, 900),  # not under 15 minutes
        (80_000, 0, 86_400),  # not over a day
        (3600, 4 * 3600, 4 * 3600),  # at least what the publisher asks
    ],
)
def test_an_unchanged_feed_is_polled_a_little_less_often_each_time(previous, minimum, expected):
    feed = FeedFactory(poll_interval=previous, lease_until=NOW)
    other = FeedFactory(poll_interval=previous)
    record_unchanged([(feed.pk, minimum)], NOW)
    feed.refresh_from_db()
    assert feed.poll_interval == expected
    assert feed.lease_until is None and feed.last_success_at == NOW
    # Jittered by up to a tenth either way.
    assert NOW + timedelta(seconds=expected * 0.9) <= feed.next_poll_at
    assert feed.next_poll_at <= NOW + timedelta(seconds=expected * 1.1)
    assert Feed.objects.get(pk=other.pk).poll_interval == previous


@pytest.mark.django_db
def test_a_batch_of_unchanged_feeds_is_not_polled_in_lockstep():
    feeds = [FeedFactory(poll_interval=3600) for _ in range(20)]
    record_unchanged([(feed.pk, 0) for feed in feeds], NOW)
    next_polls = set(Feed.objects.values_list("next_poll_at", flat=True))
    assert len(next_polls) > 10


def test_failures_back_off_exponentially_to_a_day_and_retry_after_wins_up_to_a_week():
    waits = [schedule.interval_after_failure(n) for n in range(1, 10)]
    assert waits[:4] == [timedelta(minutes=m) for m in (15, 30, 60, 120)]
    assert waits[-1] == timedelta(hours=24)
    assert schedule.interval_after_failure(1, retry_after=3 * 3600) == timedelta(hours=3)
    assert schedule.interval_after_failure(1, retry_after=30 * 86400) == timedelta(days=7)


@pytest.mark.django_db
def test_a_poll_sets_the_next_poll_from_the_feeds_own_rhythm(page_server):
    url = page_server.add(
        "/ttl.xml",
        rss(*numbered_items(10, days_apart=1), extra="<ttl>600</ttl>"),
        content_type=RSS_TYPE,
    )
    feed = SubscriptionFactory(feed__url=url).feed
    poll_feed(feed.pk, force=True)
    feed = Feed.objects.get(pk=feed.pk)
    # Daily items: half a day, more than the ten hours the ttl asks.
    assert feed.poll_interval == 12 * 3600
