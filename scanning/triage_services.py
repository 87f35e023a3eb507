"""Deciding the triage queue's items: dismiss, dismiss a selection, undo, promote to a signal.

The only write path for an item's state. Each decision is one conditional UPDATE
(``… WHERE state = 'new'``): of two scanners acting on the same item at once, the database
lets exactly one through, and the other is told (``ItemAlreadyDecided``) instead of doubling
anything. That needs no row locks, so it behaves alike on SQLite and PostgreSQL.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from signals.models import Signal
from signals.services import signal_create

from .models import ShortcutPreference, TriageItem, TriageState

ITEM_GONE = _("This item is no longer in the queue.")


class ItemAlreadyDecided(Exception):
    """Someone decided the item first. ``item`` is the item as it is now: its ``state``,
    ``decided_by``, ``decided_at`` and, when promoted, ``signal``."""

    def __init__(self, item: TriageItem):
        super().__init__(f"Triage item {item.pk} is already {item.state}.")
        self.item = item


class ItemNotUndoable(Exception):
    """The item was promoted, not dismissed: undoing that is archiving the signal, on the
    signal's own page. ``item`` is the item as it is now."""

    def __init__(self, item: TriageItem):
        super().__init__(f"Triage item {item.pk} is {item.state}; only a dismissal is undone.")
        self.item = item


class ItemGone(Exception):
    """The item left the queue undecided while the person had it in front of them: its feed
    was removed, or it grew too old for the queue (``ITEM_GONE`` says so). ``item`` is the
    caller's object, as it was."""

    def __init__(self, item: TriageItem):
        super().__init__(f"Triage item {item.pk} is no longer stored.")
        self.item = item


def _current(item: TriageItem) -> TriageItem:
    current = TriageItem.objects.select_related("decided_by", "signal").filter(pk=item.pk).first()
    if current is None:
        raise ItemGone(item)
    return current


def _claim(item: TriageItem, state: str, *, user) -> datetime:
    """Move a waiting item to ``state`` in the database and return when, or raise
    ``ItemAlreadyDecided`` (``ItemGone`` for an item no longer stored). The caller's object is
    left as it was."""
    now = timezone.now()
    claimed = TriageItem.objects.filter(pk=item.pk, state=TriageState.NEW).update(
        state=state, decided_by=user, decided_at=now, updated_at=now
    )
    if not claimed:
        raise ItemAlreadyDecided(_current(item))
    return now


def item_dismiss(*, item: TriageItem, user) -> TriageItem:
    """Dismiss a waiting item: it leaves the queue for everyone."""
    now = _claim(item, TriageState.DISMISSED, user=user)
    item.state, item.decided_by, item.decided_at = TriageState.DISMISSED, user, now
    return item


def items_dismiss(*, items: Iterable[TriageItem], user) -> list[int]:
    """Dismiss a selection in one UPDATE. Returns the ids this call dismissed; an item someone
    else decided meanwhile is left as they decided it (the caller may say how many)."""
    ids = [item.pk for item in items]
    if not ids:
        return []
    now = timezone.now()
    with transaction.atomic():
        TriageItem.objects.filter(pk__in=ids, state=TriageState.NEW).update(
            state=TriageState.DISMISSED, decided_by=user, decided_at=now, updated_at=now
        )
        # The rows this UPDATE wrote carry its exact time and user.
        mine = TriageItem.objects.filter(
            pk__in=ids, state=TriageState.DISMISSED, decided_by=user, decided_at=now
        )
        return sorted(mine.values_list("pk", flat=True))


def item_undo(*, item: TriageItem, user) -> TriageItem:
    """Put a dismissed item back in the queue. An item already back is left as it is; a
    promoted one raises ``ItemNotUndoable``, one no longer stored ``ItemGone``."""
    now = timezone.now()
    restored = TriageItem.objects.filter(pk=item.pk, state=TriageState.DISMISSED).update(
        state=TriageState.NEW, decided_by=None, decided_at=None, updated_at=now
    )
    if restored:
        item.state, item.decided_by, item.decided_at = TriageState.NEW, None, None
        return item
    current = _current(item)
    if current.state != TriageState.NEW:
        raise ItemNotUndoable(current)
    return current


def item_promote(*, item: TriageItem, user, **signal_fields: Any) -> Signal:
    """Log the item as a signal (``signals.services.signal_create`` takes ``signal_fields``)
    and take it out of the queue, in one transaction.

    The item is claimed first (NEW → PROMOTED), so a second scanner promoting or dismissing it
    at the same moment gets ``ItemAlreadyDecided`` (``ItemGone`` if the item left the queue
    meanwhile) and no second signal is made. If the signal is refused (``ValidationError``),
    the claim is rolled back with it: the item waits again.
    """
    with transaction.atomic():
        now = _claim(item, TriageState.PROMOTED, user=user)
        signal = signal_create(organization=item.organization, user=user, **signal_fields)
        TriageItem.objects.filter(pk=item.pk).update(signal=signal)
    item.state, item.decided_by, item.decided_at = TriageState.PROMOTED, user, now
    item.signal = signal
    return signal


def shortcuts_set(*, user, on: bool) -> ShortcutPreference:
    """Turn the person's single-key shortcuts on or off, in every organisation."""
    preference, _created = ShortcutPreference.objects.update_or_create(
        user=user, defaults={"keyboard_shortcuts": on}
    )
    return preference
