"""Changes the organisation admin makes to its tags and driving forces from the settings pages.

The forms of ``taxonomy_forms`` only validate (names unique within the organisation, choices
from the organisation only); the writes happen here, each in one transaction.
"""

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from .models import DrivingForce, Signal, Tag
from .services import build_search_document


class NameTakenError(Exception):
    """The database refused a name another request took in the meantime."""


class DrivingForceInUseError(Exception):
    """A driving force that trends still belong to is not deleted."""


def tag_rename(*, tag: Tag, name: str) -> Tag:
    """Rename a tag and rebuild the search text of the signals that have it.

    Raises ``NameTakenError`` (and changes nothing) when the organisation already has a tag of
    that name, in any case: the form checks first, the database decides a race.
    """
    try:
        with transaction.atomic():
            Tag.objects.filter(pk=tag.pk).update(name=name)
            # Search reads tag names: the signals that have this tag must find the new one.
            _refresh_search_documents(tag.signals.values_list("pk", flat=True))
    except IntegrityError:
        raise NameTakenError(name) from None
    tag.name = name
    return tag


@transaction.atomic
def tag_merge(*, source: Tag, target: Tag) -> Tag:
    """Merge ``source`` into ``target``: its signals get ``target``, and it is deleted.

    Works on the many-to-many table directly: one UPDATE for the signals that do not have
    ``target`` yet, and the delete removes the links of those that already had both.
    Returns ``target``.
    """
    if source.organization_id != target.organization_id or source.pk == target.pk:
        raise ValueError("A tag merges only into another tag of its own organisation.")
    links = Signal.tags.through.objects
    signal_ids = list(links.filter(tag=source).values_list("signal_id", flat=True))
    already_tagged = links.filter(tag=target).values("signal_id")
    links.filter(tag=source).exclude(signal_id__in=already_tagged).update(tag=target)
    source.delete()
    _refresh_search_documents(signal_ids)
    return target


def driving_force_delete(*, driving_force: DrivingForce) -> None:
    """Delete a driving force no trend belongs to (retired trends count: they keep theirs)."""
    with transaction.atomic():
        locked = DrivingForce.objects.select_for_update().filter(pk=driving_force.pk)
        if not locked.exists():
            return
        if driving_force.trends.exists():
            raise DrivingForceInUseError(driving_force.name)
        locked.delete()


def _refresh_search_documents(signal_ids: Iterable[int]) -> None:
    """Rebuild the search text of signals whose tags were renamed or merged.

    A bulk update: tidying the organisation's tags is not an edit of the signals, so it neither
    writes history records nor bumps their version (nobody's open form becomes a conflict).
    """
    signals = list(
        Signal.objects.filter(pk__in=list(signal_ids)).prefetch_related("sources", "tags")
    )
    for signal in signals:
        signal.search_document = build_search_document(signal)
    Signal.objects.bulk_update(signals, ["search_document"], batch_size=500)
