"""Items leave the queue by themselves once older than the queue's age; promoted ones, and the
entries they came from, are kept for good."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .fanout import queue_cutoff
from .models import Entry, TriageItem, TriageItemEntry, TriageState

# Entries are kept longer than their items: as long as a feed still carries an entry, its
# stored key is what keeps it from coming back as new.
ENTRY_KEEP = timedelta(days=180)


@transaction.atomic
def triage_items_expire() -> int:
    """Delete undecided, dismissed and filtered items published before the cutoff, the
    queue's rows whose item is gone, and entries long gone from every queue. Returns the
    number of items deleted."""
    old_items = TriageItem.objects.filter(published_at__lt=queue_cutoff()).exclude(
        state=TriageState.PROMOTED
    )
    _total, deleted = old_items.delete()  # their TriageItemEntry rows go with them
    # Rows a poll wrote for an item that another transaction deleted meanwhile (no constraint
    # stops it: models._UNCHECKED). Whatever their age: such a row holds its entry's one
    # place in the organisation (unique per organisation and entry) and keeps the entry.
    TriageItemEntry.objects.exclude(
        Exists(TriageItem.objects.filter(pk=OuterRef("item_id")))
    ).delete()
    in_a_queue = TriageItemEntry.objects.filter(entry=OuterRef("pk"))
    first_of_item = TriageItem.objects.filter(entry=OuterRef("pk"))
    Entry.objects.filter(fetched_at__lt=timezone.now() - ENTRY_KEEP).exclude(
        Exists(in_a_queue)
    ).exclude(Exists(first_of_item)).delete()
    return deleted.get(TriageItem._meta.label, 0)
