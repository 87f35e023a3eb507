"""The queue's rows refer to their organisation, entry and item without database constraints
(scanning.models, _UNCHECKED): what the constraints did, Django and retention still do."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from scanning.models import Entry, TriageItem, TriageItemEntry
from scanning.tasks import expire_triage_items
from tests.factories import OrganizationFactory, TriageItemFactory

pytestmark = pytest.mark.django_db


def test_deleting_an_organisation_deletes_its_queue_and_leaves_the_others():
    gone, kept = TriageItemFactory(), TriageItemFactory()
    gone.organization.delete()
    assert list(TriageItem.objects.all()) == [kept]
    assert list(TriageItemEntry.objects.values_list("item_id", flat=True)) == [kept.pk]


def test_deleting_a_feed_nobody_follows_deletes_its_entries_items_and_their_rows():
    gone, kept = TriageItemFactory(), TriageItemFactory()
    gone.subscription.delete()
    gone.entry.feed.delete()
    assert list(Entry.objects.all()) == [kept.entry]
    assert list(TriageItem.objects.all()) == [kept]
    assert list(TriageItemEntry.objects.values_list("item_id", flat=True)) == [kept.pk]


def test_an_item_written_for_an_organisation_deleted_meanwhile_leaves_with_the_queues_age(
    settings,
):
    # What a poll racing the deletion of an organisation can leave: rows whose organisation
    # is gone. Nobody sees them (every queue is read by its organisation), and retention
    # deletes them as it deletes any item past the queue's age.
    old = timezone.now() - timedelta(days=settings.SCANNING_QUEUE_MAX_AGE_DAYS + 1)
    stranded = TriageItemFactory(entry__published_at=old)
    organization = OrganizationFactory()
    gone = stranded.organization_id
    with connection.cursor() as cursor:
        for table in (TriageItem._meta.db_table, TriageItemEntry._meta.db_table):
            cursor.execute(
                f"UPDATE {table} SET organization_id = %s WHERE organization_id = %s",
                [organization.pk + 1000, gone],
            )
    assert expire_triage_items() == 1
    assert not TriageItem.objects.exists() and not TriageItemEntry.objects.exists()
