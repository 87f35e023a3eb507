"""Writing the register: logging, editing, archiving and restoring signals.

Every write goes through here, so that each one

- validates what the model alone cannot (at least one source, http/https addresses only, the
  organisation's own areas, trends and tags, sane lengths), raising ``ValidationError`` keyed by
  field before anything is stored;
- keeps ``search_document`` in step with the text it is built from;
- bumps ``version`` with one ``UPDATE … WHERE version = expected``, so that of two people saving
  the same signal the second is told (``SignalConflict``) instead of overwriting the first;
- matches sources by id, so that removing or changing one is recorded as exactly that;
- leaves exactly one history record per change, attributed to the user, with the sources'
  records stamped with the same time so the history page can show them as one change.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import cast
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.lib.text import strip_bidi_controls
from organizations.services import organization_data_changed

from .models import EDITABLE_FIELDS, Area, Level, Signal, Source, Status, Tag, Trend

# The model leaves these TextFields unbounded; a signal is a note, not a document.
MAX_DESCRIPTION_LENGTH = 20_000
MAX_MOTIVATION_LENGTH = 5_000
MAX_SOURCES = 20
MAX_TAGS = 30

# What a form may set. "archived" is reached through signal_archive only.
EDITABLE_STATUSES = (Status.DRAFT, Status.LOGGED)

# The fields signal_update accepts, besides sources.
UPDATABLE_FIELDS = frozenset({*EDITABLE_FIELDS, "sources"})

# The text fields of a signal, stored without bidirectional controls (core.lib.text).
TEXT_FIELDS = ("title", "description", "motivation")

_url_validator = URLValidator(schemes=["http", "https"])

# Rules the forms check early (to show the message beside the field) and the services enforce
# for every caller: each message is written here once.
LEVEL_INVALID = _("Choose one of the levels.")
AREA_INVALID = _("Choose one of your organisation's areas.")
TRENDS_INVALID = _("Choose among your organisation's trends.")
TOO_MANY_TAGS = _("Use at most %(max)d tags.")
TAG_TOO_LONG = _("Keep each tag under %(max)d characters.")
NO_SOURCE = _("Add at least one source: where did you see this?")
TOO_MANY_SOURCES = _("Use at most %(num)d sources.")


class SignalConflict(Exception):
    """Someone saved the signal after the form was opened. ``current`` is the signal as it is
    now (its ``version`` is what a deliberate second save must carry)."""

    def __init__(self, current: Signal):
        super().__init__(f"Signal {current.pk} is at version {current.version}.")
        self.current = current


@dataclass(frozen=True)
class SourceData:
    """One source as a form gives it. ``id`` names the stored source it edits; none is a new
    one."""

    url: str = ""
    name: str = ""
    published_on: date | None = None
    id: int | None = None


def validate_source_url(value: str) -> None:
    """An absolute http(s) address. Refuses javascript:, data:, relative and other schemes."""
    if not value:
        return
    scheme = urlsplit(value).scheme.lower()
    if scheme not in ("http", "https"):
        raise ValidationError(
            _("Enter a web address that starts with http:// or https://."), code="scheme"
        )
    try:
        _url_validator(value)
    except ValidationError:
        raise ValidationError(_("Enter a valid web address."), code="invalid") from None


def parse_tag_names(text: str) -> list[str]:
    """ "Klimat, skola ,klimat" → ["Klimat", "skola"]: trimmed, de-duplicated ignoring case."""
    return clean_tag_names(text.split(","))


def clean_tag_names(names: Iterable[str]) -> list[str]:
    """Tag names as stored: without bidirectional controls, spaces collapsed, empty ones
    dropped and repeats (ignoring case) left out."""
    cleaned: list[str] = []
    seen: set[str] = set()
    for raw in names:
        name = " ".join(strip_bidi_controls(raw).split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            cleaned.append(name)
    return cleaned


def clean_sources(sources: Sequence[SourceData]) -> list[SourceData]:
    """The sources with their address and name free of bidirectional controls."""
    return [
        replace(source, url=strip_bidi_controls(source.url), name=strip_bidi_controls(source.name))
        for source in sources
    ]


def build_search_document(signal: Signal) -> str:
    """The lower-cased text search reads: title, description, motivation, the sources' names
    and addresses, and the tags' names."""
    parts = [signal.title, signal.description, signal.motivation]
    for source in signal.sources.all():
        parts.extend([source.name, source.url])
    parts.extend(tag.name for tag in signal.tags.all())
    return "\n".join(part for part in parts if part).lower()


# --- writes ---------------------------------------------------------------------------------


@transaction.atomic
def signal_create(
    *,
    organization,
    user,
    title: str,
    motivation: str,
    level: str,
    sources: Sequence[SourceData],
    description: str = "",
    area: Area | None = None,
    trends: Iterable[Trend] = (),
    tags: Iterable[str] = (),
    time_horizon: str = "",
    impact: int | None = None,
    certainty: int | None = None,
    status: str = Status.LOGGED,
) -> Signal:
    """Log a new signal. Raises ValidationError (keyed by field) and stores nothing if any
    value is unacceptable."""
    now = timezone.now()
    signal = Signal(
        organization=organization,
        created_by=user,
        created_at=now,
        title=strip_bidi_controls(title),
        description=strip_bidi_controls(description),
        motivation=strip_bidi_controls(motivation),
        level=level,
        area=area,
        time_horizon=time_horizon,
        impact=impact,
        certainty=certainty,
        status=status,
    )
    trends = list(trends)
    tag_names = clean_tag_names(tags)
    sources = clean_sources(sources)
    _validate(signal, sources=sources, trends=trends, tag_names=tag_names)

    signal.save_without_historical_record()  # type: ignore[attr-defined]
    _write_relations(signal, user=user, when=now, sources=sources, trends=trends, tags=tag_names)
    _finish(signal, user=user, when=now, created=True)
    return signal


@transaction.atomic
def signal_update(*, signal: Signal, user, expected_version: int, **changes) -> Signal:
    """Change some of a signal's fields (any of ``UPDATABLE_FIELDS``; ``tags`` as names,
    ``sources`` as the complete list of ``SourceData``: those with an ``id`` update that source,
    those without are added, and the signal's sources not listed are removed).

    ``expected_version`` is the version the user's form was opened at. If the signal has been
    saved since, nothing is written and ``SignalConflict`` carries the current signal.
    """
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise TypeError(f"signal_update() cannot change {', '.join(sorted(unknown))}.")

    # Work on a fresh copy so a refused change leaves the caller's object as it was.
    fresh = Signal.objects.get(pk=signal.pk)
    sources = changes.pop("sources", None)
    trends = changes.pop("trends", None)
    tag_names = changes.pop("tags", None)
    for field, value in changes.items():
        setattr(fresh, field, strip_bidi_controls(value) if field in TEXT_FIELDS else value)
    trends = list(trends) if trends is not None else None
    tag_names = clean_tag_names(tag_names) if tag_names is not None else None
    sources = clean_sources(sources) if sources is not None else None
    if "status" in changes and fresh.status not in EDITABLE_STATUSES:
        raise ValidationError({"status": _("Choose draft or logged.")})
    _validate(fresh, sources=sources, trends=trends, tag_names=tag_names)

    _bump_version(fresh, expected_version)
    now = timezone.now()
    fresh.save_without_historical_record()  # type: ignore[attr-defined]
    _write_relations(fresh, user=user, when=now, sources=sources, trends=trends, tags=tag_names)
    _finish(fresh, user=user, when=now)
    return fresh


@transaction.atomic
def signal_archive(*, signal: Signal, user) -> Signal:
    """Take a signal out of the working register. Nothing is deleted; restore brings it back."""
    fresh = _lock(signal)
    if fresh.status == Status.ARCHIVED:
        return fresh
    _set_status(fresh, Status.ARCHIVED, user=user)
    return fresh


@transaction.atomic
def signal_restore(*, signal: Signal, user) -> Signal:
    """Bring an archived signal back with the status it had before it was archived (so an
    archived draft comes back as a draft, not suddenly visible to management)."""
    fresh = _lock(signal)
    if fresh.status != Status.ARCHIVED:
        return fresh
    before = fresh.history.exclude(status=Status.ARCHIVED).values_list("status", flat=True).first()
    _set_status(fresh, before if before in EDITABLE_STATUSES else Status.LOGGED, user=user)
    return fresh


@transaction.atomic
def signals_share_with_staff(*, signals: Iterable[Signal]) -> int:
    """Let the staff read these signals (a published report named them); returns how many
    were newly shared. Sharing is for good: a report once published stays readable, and so do
    its signals. Only logged signals are read by the staff, so an archived one stays hidden
    while it is archived."""
    ids = {signal.pk for signal in signals}
    if not ids:
        return 0
    rows = Signal.objects.filter(pk__in=ids, shared_with_staff=False)
    organization_ids = set(rows.values_list("organization_id", flat=True))
    # A flag, not an edit: no new version (an open edit form stays valid) and no history.
    count = rows.update(shared_with_staff=True)
    for organization_id in organization_ids:
        organization_data_changed(organization_id=organization_id)
    return count


def _lock(signal: Signal) -> Signal:
    """The signal as it is now, locked until the end of the transaction (PostgreSQL; SQLite's
    immediate transactions already write one at a time), so no edit lands between this read
    and the write that follows."""
    return Signal.objects.select_for_update().get(pk=signal.pk)


def _set_status(signal: Signal, status: str, *, user) -> None:
    """Write the status and the next version only: whatever else a colleague saved stays."""
    _bump_version(signal, signal.version)
    signal.status = status
    signal.save_without_historical_record(update_fields=["status", "updated_at"])  # type: ignore[attr-defined]
    _finish(signal, user=user, when=timezone.now())


# --- helpers --------------------------------------------------------------------------------


def _validate(
    signal: Signal,
    *,
    sources: Sequence[SourceData] | None,
    trends: list[Trend] | None,
    tag_names: list[str] | None,
) -> None:
    errors: dict[str, list] = {}
    try:
        signal.full_clean(
            exclude=["organization", "created_by", "created_at"], validate_unique=False
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)

    def add(field, message):
        errors.setdefault(field, []).append(message)

    # Friendlier than the model's "This field cannot be blank.", and catches whitespace too.
    if not signal.title.strip():
        errors["title"] = [_("Give the signal a title.")]
    if not signal.motivation.strip():
        errors["motivation"] = [
            _("Say why this is interesting for %(organization)s.")
            % {"organization": signal.organization.perspective_name}
        ]
    if len(signal.description) > MAX_DESCRIPTION_LENGTH:
        add(
            "description",
            _("Keep the description under %(max)d characters.") % {"max": MAX_DESCRIPTION_LENGTH},
        )
    if len(signal.motivation) > MAX_MOTIVATION_LENGTH:
        add(
            "motivation",
            _("Keep the motivation under %(max)d characters.") % {"max": MAX_MOTIVATION_LENGTH},
        )
    if signal.status not in Status.values:
        add("status", _("Choose a valid status."))
    if signal.level not in Level.values and "level" not in errors:
        add("level", LEVEL_INVALID)
    if signal.area is not None and signal.area.organization_id != signal.organization_id:
        add("area", AREA_INVALID)
    if trends is not None and any(t.organization_id != signal.organization_id for t in trends):
        add("trends", TRENDS_INVALID)
    if tag_names is not None:
        if len(tag_names) > MAX_TAGS:
            add("tags", TOO_MANY_TAGS % {"max": MAX_TAGS})
        max_tag = cast(int, Tag._meta.get_field("name").max_length)
        if any(len(name) > max_tag for name in tag_names):
            add("tags", TAG_TOO_LONG % {"max": max_tag})
    if sources is not None:
        source_errors = _source_errors(sources) + _source_id_errors(sources)
        if source_errors:
            errors.setdefault("sources", []).extend(source_errors)
    if errors:
        raise ValidationError(errors)


def _source_errors(sources: Sequence[SourceData]) -> list:
    if not sources:
        return [NO_SOURCE]
    if len(sources) > MAX_SOURCES:
        return [TOO_MANY_SOURCES % {"num": MAX_SOURCES}]
    errors: list = []
    for source in sources:
        if not (source.url or source.name):
            errors.append(_("Each source needs an address or a name."))
        try:
            validate_source_url(source.url)
        except ValidationError as exc:
            errors.extend(exc.messages)
        try:
            Source(url=source.url, name=source.name, published_on=source.published_on).clean_fields(
                exclude=["signal", "url"]
            )
        except ValidationError as exc:
            errors.extend(exc.messages)
    return errors


def _source_id_errors(sources: Sequence[SourceData]) -> list:
    """A source is listed at most once. An id that is not one of this signal's own sources
    (another signal's, another organisation's, one since removed, none at all) is not looked
    up anywhere: ``_replace_sources`` adds that row as a new source. Answering "not yours" for
    an id that exists elsewhere would tell a forger which ids exist."""
    ids = [source.id for source in sources if source.id is not None]
    if len(set(ids)) != len(ids):
        return [_("The same source is listed twice.")]
    return []


def _bump_version(signal: Signal, expected_version: int) -> None:
    """Claim the next version in one statement. On PostgreSQL the UPDATE also locks the row to
    the end of the transaction, so a concurrent save with the same expected version waits and
    then finds the version moved on."""
    rows = Signal.objects.filter(pk=signal.pk, version=expected_version)
    if not rows.update(version=F("version") + 1):
        raise SignalConflict(Signal.objects.get(pk=signal.pk))
    signal.version = expected_version + 1


def _resolve_tags(organization, names: list[str]) -> list[Tag]:
    """The organisation's tags by these names, ignoring case; missing ones are created.

    Case is folded in Python: SQLite's LIKE and LOWER fold only ASCII, so "Förskola" and
    "FÖRSKOLA" would otherwise become two tags there.
    """
    if not names:
        return []

    def existing():
        return {tag.name.casefold(): tag for tag in Tag.objects.filter(organization=organization)}

    by_name = existing()
    tags = []
    for name in names:
        tag = by_name.get(name.casefold())
        if tag is None:
            try:
                with transaction.atomic():
                    tag = Tag.objects.create(organization=organization, name=name)
            except IntegrityError:  # a colleague created it a moment ago
                by_name = existing()
                tag = by_name[name.casefold()]
            by_name[name.casefold()] = tag
        tags.append(tag)
    return tags


def _write_relations(signal, *, user, when, sources, trends, tags) -> None:
    """Set what changed among trends, tags and sources, without a history record per step:
    ``_finish`` writes one for the whole change."""
    signal.skip_history_when_saving = True
    try:
        if trends is not None:
            signal.trends.set(trends)
        if tags is not None:
            signal.tags.set(_resolve_tags(signal.organization, tags))
    finally:
        del signal.skip_history_when_saving
    if sources is not None:
        _replace_sources(signal, sources, user=user, when=when)


def _replace_sources(signal: Signal, sources: Sequence[SourceData], *, user, when) -> None:
    """Match the given sources to the stored ones by id: update those that changed (an
    unchanged one keeps its history quiet), add those without an id (or whose source was
    removed meanwhile) and delete the stored ones not listed."""
    existing = {source.pk: source for source in signal.sources.all()}
    kept = set()
    for position, data in enumerate(sources):
        source = existing.get(data.id) if data.id is not None else None
        if source is None:
            source = Source(signal=signal)
        else:
            kept.add(source.pk)
            unchanged = (source.url, source.name, source.published_on, source.position) == (
                data.url,
                data.name,
                data.published_on,
                position,
            )
            if unchanged:
                continue
        source.url, source.name, source.published_on = data.url, data.name, data.published_on
        source.position = position
        source._history_user = user  # type: ignore[attr-defined]
        source._history_date = when  # type: ignore[attr-defined]
        source.save()
    for pk, source in existing.items():
        if pk not in kept:
            source._history_user = user  # type: ignore[attr-defined]
            source._history_date = when  # type: ignore[attr-defined]
            source.delete()


def _finish(signal: Signal, *, user, when, created: bool = False) -> None:
    """Store the search document, write the one history record for this change and let the
    organisation's cached counts and filter choices go (every write of a signal ends here)."""
    signal.search_document = build_search_document(signal)
    signal._history_user = user  # type: ignore[attr-defined]
    signal._history_date = when  # type: ignore[attr-defined]
    signal.save(update_fields=["search_document", "updated_at"])
    del signal._history_user, signal._history_date  # type: ignore[attr-defined]
    if created:
        # The record was written by an update, so simple-history typed it "changed".
        signal.history.filter(history_date=when, history_type="~").update(history_type="+")
    organization_data_changed(organization_id=signal.organization_id)
