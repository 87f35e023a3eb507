"""Polling feeds on schedule. Tasks take ids and call one function of the pipeline; each is
safe to run twice (see scanning.polling). The dispatcher sends feeds in batches: one task per
feed would cost every poll a message through the broker and statements of its own."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .models import Feed, FeedState, Subscription
from .polling import poll_feed as poll
from .polling import poll_feeds as poll_batch
from .retention import triage_items_expire

# At most this many feeds enqueued per dispatcher run; the next run takes the rest.
DISPATCH_BATCH = 5000


@shared_task(ignore_result=True)
def poll_feed(feed_id: int, force: bool = False) -> str:
    return poll(feed_id, force=force).line()


@shared_task(ignore_result=True)
def poll_feeds(feed_ids: list[int]) -> str:
    return poll_batch(feed_ids).line()


def dispatch_grace() -> timedelta:
    """A dispatched poll not started within this time is dropped by the broker (``expires``)
    and its feed enqueued again by the next dispatcher run."""
    return timedelta(seconds=settings.SCANNING_DISPATCH_GRACE_SECONDS)


def due_feeds(now):
    followed = Subscription.objects.filter(feed=OuterRef("pk"), paused=False)
    return (
        Feed.objects.filter(state=FeedState.ACTIVE, next_poll_at__lte=now)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - dispatch_grace()))
        .filter(Exists(followed))
        .order_by("next_poll_at")
    )


@shared_task(ignore_result=True)
def dispatch_due_feeds() -> int:
    """Enqueue the due feeds that someone follows, in batches of ``SCANNING_POLL_BATCH`` per
    task (scanning.polling.poll_feeds); returns how many feeds."""
    now = timezone.now()
    ids = list(due_feeds(now).values_list("pk", flat=True)[:DISPATCH_BATCH])
    Feed.objects.filter(pk__in=ids).update(queued_at=now)
    size = max(1, settings.SCANNING_POLL_BATCH)
    for start in range(0, len(ids), size):
        poll_feeds.apply_async(
            (ids[start : start + size],), expires=dispatch_grace().total_seconds()
        )
    return len(ids)


@shared_task(ignore_result=True)
def expire_triage_items() -> int:
    return triage_items_expire()
