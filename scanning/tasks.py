"""Polling feeds on schedule. Each task calls one function of the pipeline and is safe to run
twice (see scanning.polling). The dispatcher leases the due feeds and sends them in batches,
with what a poll reads of each: one task per feed would cost every poll a message through the
broker and statements of its own, and a worker taking the leases itself one more round trip
and one more write of every feed's row."""

from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .models import Feed, FeedState, Subscription
from .polling import LeasedFeed, claim_due, poll_leased, reclaim
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
    """A batch of feeds by id, leased here: what the dispatcher sent before it took the
    leases itself (``poll_claimed``), kept for such messages still in a broker's queue."""
    return poll_batch(feed_ids).line()


def dispatch_grace() -> timedelta:
    """A dispatched poll not started within this time is dropped (``expires``); its feeds
    are sent again once the dispatcher's lease has run out (``polling.claim_due``)."""
    return timedelta(seconds=settings.SCANNING_DISPATCH_GRACE_SECONDS)


def due_feeds(now):
    followed = Subscription.objects.filter(feed=OuterRef("pk"), paused=False)
    return (
        Feed.objects.filter(state=FeedState.ACTIVE, next_poll_at__lte=now)
        # Not leased: to a poll the dispatcher sent (still waiting in the broker's queue, or
        # running), or to one of "Fetch now".
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .filter(Exists(followed))
        # The key breaks ties, so that the choice is the same however often the database
        # runs this as the lease's subquery: never more than DISPATCH_BATCH leased.
        .order_by("next_poll_at", "pk")
    )


def claim_due_feeds(now) -> list[LeasedFeed]:
    """The dispatcher's work in the database: the due feeds that someone follows (at most
    DISPATCH_BATCH), their leases taken for the polls it sends (``polling.claim_due``)."""
    return claim_due(due_feeds(now).values_list("pk")[:DISPATCH_BATCH], now)


@shared_task(ignore_result=True)
def dispatch_due_feeds() -> int:
    """Enqueue the due feeds that someone follows, in batches of ``SCANNING_POLL_BATCH`` per
    task (``poll_claimed``), their leases taken; returns how many feeds."""
    now = timezone.now()
    claimed = [feed.message() for feed in claim_due_feeds(now)]
    size = max(1, settings.SCANNING_POLL_BATCH)
    for start in range(0, len(claimed), size):
        poll_claimed.apply_async(
            (now.isoformat(), claimed[start : start + size]),
            expires=dispatch_grace().total_seconds(),
        )
    return len(claimed)


@shared_task(bind=True, ignore_result=True)
def poll_claimed(self, claimed_at: str, feeds: list[dict]) -> str:
    """Poll a batch the dispatcher sent, its leases taken (``polling.claim_due``). A batch
    that waited in the broker longer than the dispatch grace is dropped, as the broker drops
    it (``expires``): its leases run out, and the next dispatcher run sends its feeds again.

    A message is delivered again if its worker died midway (``task_reject_on_worker_lost``):
    that run may have recorded some of the feeds and released them, so the batch is then
    reduced to the feeds still its own, read anew (``polling.reclaim``), as it is with
    every batch on a broker that does not mark such messages (Redis does)."""
    claimed = datetime.fromisoformat(claimed_at)
    now = timezone.now()
    if now - claimed > dispatch_grace():
        waited = (now - claimed).total_seconds()
        return f"dropped: {len(feeds)} feeds waited {waited:.0f} s to be polled"
    leased = [LeasedFeed.from_message(values) for values in feeds]
    if _may_have_run_before(self.request):
        leased = reclaim(leased, claimed, now)
    return poll_leased(leased, now).line()


def _may_have_run_before(request) -> bool:
    """Whether this task's message may have been delivered before. Redis marks a message
    it delivers again; other brokers (the filesystem one of ``make run``) do not, so there
    every message may have been."""
    if not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        return True
    return bool((request.delivery_info or {}).get("redelivered"))


@shared_task(ignore_result=True)
def expire_triage_items() -> int:
    return triage_items_expire()
