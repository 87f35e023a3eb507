"""Filling a subscription's queue with the feed's recent entries it has not had: when it is
added to a feed already polled, or resumed (``subscription_backfill``), and after a poll that
was under way at that moment (``backfill_missed``).

A poll places its new entries in the queues of the subscriptions it reads as it stores them.
One under way as a subscription is added or resumed may have read them before: it stores its
entries for the others only, and a backfill run meanwhile does not see them yet. Nothing
would place them again (an entry is placed once, when stored), so they would be lost to that
organisation. A poll holds its feed's lease until the transaction that stores its entries
commits, and records the feed (an UPDATE of its row) in that transaction; the backfill takes
the same row lock and reads the lease. So either no poll is under way and the backfill sees
every entry stored, or the subscription is marked (``missed_entries``) before that poll can
record the feed and commit, and the poll, once committed, fills what the mark asks for.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from .fanout import items_backfill
from .models import Feed, Subscription, lease_held


def subscription_backfill(subscription: Subscription) -> int:
    """Put the feed's recent entries in the (new or resumed) subscription's queue; mark it
    for the poll under way, if one is. Returns items made now."""
    with transaction.atomic():
        lease = (
            # Not FOR UPDATE: that would also wait for every poll that has stored an entry
            # of the feed (each holds a key-share lock on the row until it commits).
            Feed.objects.select_for_update(no_key=True)
            .filter(pk=subscription.feed_id)
            .values_list("lease_until", flat=True)
            .first()
        )
        if lease_held(lease, timezone.now()):
            Subscription.objects.filter(pk=subscription.pk).update(missed_entries=True)
        return items_backfill(subscription=subscription)


def backfill_missed(feed_ids: Iterable[int]) -> int:
    """After a poll stored new entries of these feeds (committed): fill the queues of their
    subscriptions marked as having missed some. Rare; one query when none is. Returns items
    made."""
    marked = Subscription.objects.filter(
        feed_id__in=list(feed_ids), missed_entries=True, paused=False
    )
    made = 0
    for subscription in marked:
        with transaction.atomic():
            # Whoever clears the mark fills the queue: two polls finishing at once do it once.
            if Subscription.objects.filter(pk=subscription.pk, missed_entries=True).update(
                missed_entries=False
            ):
                made += items_backfill(subscription=subscription)
    return made
