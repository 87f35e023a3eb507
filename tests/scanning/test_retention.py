"""Items leave the queue by themselves once older than its age; promoted ones stay."""

from datetime import timedelta

import pytest
from django.utils import timezone

from scanning.models import Entry, TriageItem, TriageItemEntry, TriageState
from scanning.parsing import parse_feed
from scanning.retention import ENTRY_KEEP
from scanning.storing import store_parsed
from scanning.tasks import expire_triage_items
from tests.factories import EntryFactory, SignalFactory, SubscriptionFactory, TriageItemFactory

from .feeds import rss, rss_item

pytestmark = pytest.mark.django_db


def test_old_items_leave_the_queue_and_promoted_ones_are_kept(settings):
    old = timezone.now() - timedelta(days=settings.SCANNING_QUEUE_MAX_AGE_DAYS + 1)
    waiting = TriageItemFactory(entry__published_at=old)
    organization = waiting.organization
    dismissed = TriageItemFactory(
        organization=organization, entry__published_at=old, state=TriageState.DISMISSED
    )
    promoted = TriageItemFactory(
        organization=organization,
        entry__published_at=old,
        state=TriageState.PROMOTED,
        signal=SignalFactory(organization=organization),
    )
    fresh = TriageItemFactory(organization=organization)

    assert expire_triage_items() == 2
    assert set(TriageItem.objects.values_list("pk", flat=True)) == {promoted.pk, fresh.pk}
    assert not TriageItem.objects.filter(pk__in=[waiting.pk, dismissed.pk]).exists()
    assert expire_triage_items() == 0


def test_entries_are_kept_long_after_their_items_so_they_do_not_come_back_as_new():
    item = TriageItemFactory()
    orphan = EntryFactory(fetched_at=timezone.now() - ENTRY_KEEP - timedelta(days=1))
    recent = EntryFactory(fetched_at=timezone.now() - timedelta(days=60))
    Entry.objects.filter(pk=item.entry_id).update(
        fetched_at=timezone.now() - ENTRY_KEEP - timedelta(days=1)
    )
    expire_triage_items()
    remaining = set(Entry.objects.values_list("pk", flat=True))
    assert orphan.pk not in remaining
    assert {recent.pk, item.entry_id} <= remaining


def test_a_queue_row_whose_item_is_gone_is_deleted_and_never_takes_a_story_in():
    # Only a race writes such a row (models._UNCHECKED): a poll joins an entry to an item
    # that another transaction deletes meanwhile. Here the item's row alone is deleted.
    item = TriageItemFactory()
    gone = TriageItem.objects.filter(pk=item.pk)
    gone._raw_delete(gone.db)
    organization, address = item.organization, item.entry.link
    other = SubscriptionFactory(organization=organization)
    body = rss(rss_item("Ny skollag", link=f"{address}?utm_source=rss", guid="b1")).encode()

    store_parsed(other.feed, parse_feed(body, url=other.feed.url), timezone.now())

    # The story another feed brings is an item of its own, not joined to the missing one.
    assert TriageItem.objects.get(organization=organization).entry.title == "Ny skollag"
    expire_triage_items()
    assert not TriageItemEntry.objects.filter(item_id=item.pk).exists()
    assert TriageItemEntry.objects.filter(organization=organization).count() == 1
