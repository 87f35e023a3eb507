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

    Works on the many-to-many table directly: the links of the signals that already have
    ``target`` are deleted, and one UPDATE points the others at ``target``.

    The signals' history records are rewritten the same way, as if they had always had
    ``target`` (like a rename). Otherwise the merge, which writes no history record of its own,
    would show up in the next edit of each signal as "(deleted tag) → target", under the name
    of whoever made that edit. Returns ``target``.
    """
    if source.organization_id != target.organization_id or source.pk == target.pk:
        raise ValueError("A tag merges only into another tag of its own organisation.")
    links = Signal.tags.through.objects
    signal_ids = list(links.filter(tag=source).values_list("signal_id", flat=True))
    _merge_links(links, "signal_id", source=source, target=target)
    # simple_history's copy of those links: the tags each history record of a signal had.
    historical_links = Signal.history.model.tags.model.objects
    _merge_links(historical_links, "history_id", source=source, target=target)
    source.delete()
    _refresh_search_documents(signal_ids)
    return target


def _merge_links(links, owner: str, *, source: Tag, target: Tag) -> None:
    """Point the rows of ``source`` at ``target``; where the ``owner`` (a signal, a history
    record) already has ``target``, drop the row of ``source`` instead, so none lists it twice."""
    already_tagged = links.filter(tag_id=target.pk).values(owner)
    links.filter(tag_id=source.pk, **{f"{owner}__in": already_tagged}).delete()
    links.filter(tag_id=source.pk).update(tag_id=target.pk)


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
