"""Changes the organisation admin makes to its areas, trends, driving forces and tags.

The only write path for them: the settings pages' forms check the input's shape, and each
function here applies one change in one transaction and enforces the rules, each written once:
names are unique within the organisation ignoring case ("Klimat" and "klimat" cannot both
exist, åäö included), a driving force or trend comes from the same organisation, areas and
trends are retired rather than deleted, a tag on signals is merged rather than deleted, and a
driving force that trends belong to is kept. A refused change raises ``ValidationError`` keyed
by field (or one of the errors below) and stores nothing.
"""

from collections.abc import Iterable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from core.lib.text import strip_bidi_controls
from organizations.models import Organization
from organizations.services import organization_data_changed

from .catalogue import install_default_catalogue
from .models import Area, DrivingForce, Signal, Tag, Trend
from .services import build_search_document

# The kinds of the organisation's vocabulary that have a name unique within it.
Named = TypeVar("Named", Area, DrivingForce, Tag, Trend)

NAME_TAKEN = {
    Area: _("There is already an area named “%(name)s”."),
    Trend: _("There is already a trend named “%(name)s”."),
    DrivingForce: _("There is already a driving force named “%(name)s”."),
    Tag: _("There is already a tag named “%(name)s”. To combine the two, merge this tag into it."),
}


NAME_MISSING = _("Give it a name.")


class DrivingForceInUseError(Exception):
    """A driving force that trends still belong to is not deleted."""


class TagInUseError(Exception):
    """A tag that signals have is merged into another, not deleted."""


def _text(value: str) -> str:
    """A name or description as stored: without bidirectional controls (core.lib.text)."""
    return strip_bidi_controls(value)


def _check_name_free(obj: Named, name: str) -> None:
    """Refuse an empty name, or one the organisation already uses for another object of the
    same kind.

    Compared in Python: SQLite's lower() folds only ASCII, and Swedish names have åäö.
    """
    if not name.strip():
        raise ValidationError({"name": [NAME_MISSING]})
    model = type(obj)
    others = model._default_manager.filter(organization_id=obj.organization_id)
    if obj.pk:
        others = others.exclude(pk=obj.pk)
    folded = name.casefold()
    if any(other.casefold() == folded for other in others.values_list("name", flat=True)):
        _refuse_name(model, name)


def _refuse_name(model: type[Named], name: str):
    raise ValidationError({"name": [ValidationError(NAME_TAKEN[model], params={"name": name})]})


def _save_named(obj: Named, *, update_fields: list[str] | None = None) -> Named:
    """Save after the name check; a name taken by a concurrent request (the database's unique
    constraint) is the same refusal."""
    _check_name_free(obj, obj.name)
    try:
        with transaction.atomic():
            obj.save(update_fields=update_fields)
            if isinstance(obj, (Area, Trend)):
                # The list's area and trend dropdowns are cached with the organisation's data
                # (selectors.filter_choices).
                organization_data_changed(organization_id=obj.organization_id)
    except IntegrityError:
        _refuse_name(type(obj), obj.name)
    return obj


def _check_driving_force(organization_id: int, driving_force: DrivingForce | None) -> None:
    if driving_force is not None and driving_force.organization_id != organization_id:
        raise ValidationError(
            {"driving_force": [_("Choose one of your organisation's driving forces.")]}
        )


# --- areas -----------------------------------------------------------------------------------


def area_create(*, organization: Organization, name: str, description: str = "") -> Area:
    area = Area(organization=organization, name=_text(name), description=_text(description))
    return _save_named(area)


def area_update(*, area: Area, name: str, description: str) -> Area:
    area.name, area.description = _text(name), _text(description)
    return _save_named(area, update_fields=["name", "description", "updated_at"])


# --- trends and driving forces ---------------------------------------------------------------


def trend_create(
    *,
    organization: Organization,
    name: str,
    description: str = "",
    driving_force: DrivingForce | None = None,
) -> Trend:
    _check_driving_force(organization.pk, driving_force)
    trend = Trend(
        organization=organization,
        name=_text(name),
        description=_text(description),
        driving_force=driving_force,
    )
    return _save_named(trend)


def trend_update(
    *, trend: Trend, name: str, description: str, driving_force: DrivingForce | None
) -> Trend:
    _check_driving_force(trend.organization_id, driving_force)
    trend.name, trend.description = _text(name), _text(description)
    trend.driving_force = driving_force
    return _save_named(trend, update_fields=["name", "description", "driving_force", "updated_at"])


def trends_restore_default(*, organization: Organization) -> int:
    """Add what SKR's catalogue has and the organisation lacks; change nothing that exists.
    Returns how many trends were added."""
    trends = Trend.objects.filter(organization=organization)
    with transaction.atomic():
        before = trends.count()
        install_default_catalogue(organization, areas=())
        added = trends.count() - before
        if added:
            # New trends for the list's cached dropdown (selectors.filter_choices).
            organization_data_changed(organization_id=organization.pk)
    return added


def driving_force_create(*, organization: Organization, name: str) -> DrivingForce:
    return _save_named(DrivingForce(organization=organization, name=_text(name)))


def driving_force_rename(*, driving_force: DrivingForce, name: str) -> DrivingForce:
    driving_force.name = _text(name)
    return _save_named(driving_force, update_fields=["name", "updated_at"])


# --- retiring areas and trends ---------------------------------------------------------------


def catalogue_item_set_active(*, item: Area | Trend, active: bool) -> Area | Trend:
    """Retire an area or trend (it stays on the signals that have it, but is no longer offered
    for new ones), or put it back in use. Neither is ever deleted."""
    item.is_active = active
    item.save(update_fields=["is_active", "updated_at"])
    return item


# --- tags ------------------------------------------------------------------------------------


def tag_rename(*, tag: Tag, name: str) -> Tag:
    """Rename a tag and rebuild the search text of the signals that have it."""
    old_name = tag.name
    name = " ".join(_text(name).split())
    tag.name = name
    try:
        _check_name_free(tag, name)
        with transaction.atomic():
            Tag.objects.filter(pk=tag.pk).update(name=name)
            # Search reads tag names: the signals that have this tag must find the new one.
            _refresh_search_documents(tag.signals.values_list("pk", flat=True))
            # The tag filter offers names: the cached choices must show the new one.
            organization_data_changed(organization_id=tag.organization_id)
    except IntegrityError:
        tag.name = old_name
        _refuse_name(Tag, name)
    except ValidationError:
        tag.name = old_name
        raise
    return tag


def tag_delete(*, tag: Tag) -> None:
    """Delete a tag no signal has; one on signals is merged into another instead."""
    with transaction.atomic():
        if tag.signals.exists():
            raise TagInUseError(tag.name)
        tag.delete()


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
    # Counts filtered by either tag and the tag filter's choices are no longer what they were.
    organization_data_changed(organization_id=target.organization_id)
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
