"""Opening and moderating discussions, and following themes: every write to threads and themes.

A service checks the member's capability and the thread's organisation itself, so a view that
forgets cannot let a write through; it raises ``ValidationError`` keyed by field before it
stores anything. Comments have their own module (``comment_services``).
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.lib.text import strip_bidi_controls
from organizations.models import Membership
from reports.models import PublishedReport, ReportCycle
from signals.models import Signal, Status

from . import notification_services
from .models import (
    THEME_NAME_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Theme,
    ThemeFollow,
    Thread,
    ThreadKind,
)

NOT_OPENER = _("Only the scanning group opens discussions.")
NOT_MODERATOR = _("Only editors and administrators moderate discussions.")
NOT_MEMBER = _("You are not a member of the organisation this discussion belongs to.")
TITLE_REQUIRED = _("Give the discussion a title.")
TITLE_TOO_LONG = _("The title can be at most %(max)d characters.")
REPORT_NOT_PUBLISHED = _(
    "A discussion about a report opens once the report is published: until then the staff "
    "cannot read it."
)
SIGNAL_NOT_SHARED = _(
    "A discussion about a signal opens once a published report has shared the signal with the "
    "staff: until then they cannot read it."
)
THEME_REQUIRED = _("Choose a theme or name a new one.")
THEME_NAME_TOO_LONG = _("A theme's name can be at most %(max)d characters.")
ALREADY_DISCUSSED = _("This already has a discussion.")
BODY_TOO_LONG = _("The opening text can be at most %(max)d characters.")

BODY_MAX_LENGTH = 5000


def require(membership: Membership, capability: str, message) -> None:
    if not membership.can(capability):
        raise ValidationError({"__all__": [message]})


def require_same_organization(membership: Membership, thread: Thread) -> None:
    if thread.organization_id != membership.organization_id:
        raise ValidationError({"__all__": [NOT_MEMBER]})


def _clean_title(title: str) -> str:
    title = strip_bidi_controls(title or "").strip()
    if not title:
        raise ValidationError({"title": [TITLE_REQUIRED]})
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationError({"title": [TITLE_TOO_LONG % {"max": TITLE_MAX_LENGTH}]})
    return title


def _clean_body(body: str) -> str:
    body = strip_bidi_controls(body or "").strip()
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationError({"body": [BODY_TOO_LONG % {"max": BODY_MAX_LENGTH}]})
    return body


def existing_thread(*, report_cycle=None, signal=None) -> Thread | None:
    """The discussion a report or a signal already has, if any."""
    if report_cycle is not None:
        return Thread.objects.filter(report_cycle=report_cycle).first()
    if signal is not None:
        return Thread.objects.filter(signal=signal).first()
    return None


def _theme(membership: Membership, theme: Theme | None, theme_name: str) -> Theme:
    if theme is not None:
        if theme.organization_id != membership.organization_id:
            raise ValidationError({"theme": [THEME_REQUIRED]})
        return theme
    name = " ".join(strip_bidi_controls(theme_name or "").split())
    if not name:
        raise ValidationError({"theme": [THEME_REQUIRED]})
    if len(name) > THEME_NAME_MAX_LENGTH:
        raise ValidationError(
            {"theme_name": [THEME_NAME_TOO_LONG % {"max": THEME_NAME_MAX_LENGTH}]}
        )
    # "Smarta städer" and "smarta städer" are one theme.
    found = (
        Theme.objects.filter(organization_id=membership.organization_id)
        .annotate(lower=Lower("name"))
        .filter(lower=name.lower())
        .first()
    )
    return found or Theme.objects.create(organization_id=membership.organization_id, name=name)


@transaction.atomic
def thread_open(
    *,
    membership: Membership,
    title: str,
    body: str = "",
    report_cycle: ReportCycle | None = None,
    signal: Signal | None = None,
    theme: Theme | None = None,
    theme_name: str = "",
    base_url: str = "",
) -> Thread:
    """Open a discussion about a published report, a signal shared with the staff, or a theme
    (an existing one, or a new one by name). A report or a signal has one discussion: opening
    a second is refused. Followers of a theme are told of its new discussion."""
    require(membership, "open_threads", NOT_OPENER)
    title = _clean_title(title)
    body = _clean_body(body)
    organization_id = membership.organization_id
    fields: dict = {}
    if report_cycle is not None:
        published = PublishedReport.objects.filter(
            cycle=report_cycle, organization_id=organization_id
        )
        if report_cycle.organization_id != organization_id or not published.exists():
            raise ValidationError({"__all__": [REPORT_NOT_PUBLISHED]})
        fields = {"kind": ThreadKind.REPORT, "report_cycle": report_cycle}
    elif signal is not None:
        shared = signal.shared_with_staff and signal.status == Status.LOGGED
        if signal.organization_id != organization_id or not shared:
            raise ValidationError({"__all__": [SIGNAL_NOT_SHARED]})
        fields = {"kind": ThreadKind.SIGNAL, "signal": signal}
    else:
        fields = {"kind": ThreadKind.THEME, "theme": _theme(membership, theme, theme_name)}
    try:
        with transaction.atomic():
            thread = Thread.objects.create(
                organization_id=organization_id,
                title=title,
                body=body,
                opened_by=membership.user,
                **fields,
            )
    except IntegrityError:
        # Two members opened the same report's discussion at once: the first one stands.
        raise ValidationError({"__all__": [ALREADY_DISCUSSED]}) from None
    if thread.kind == ThreadKind.THEME:
        notification_services.notify_theme_followers(
            thread=thread, actor=membership.user, base_url=base_url
        )
    return thread


def _moderate(membership: Membership, thread: Thread, **changes) -> Thread:
    require(membership, "moderate_discussions", NOT_MODERATOR)
    require_same_organization(membership, thread)
    Thread.objects.filter(pk=thread.pk).update(**changes, updated_at=timezone.now())
    for name, value in changes.items():
        setattr(thread, name, value)
    return thread


def thread_close(*, membership: Membership, thread: Thread) -> Thread:
    """Close a discussion: it stays readable, and nobody comments any more."""
    return _moderate(membership, thread, closed_at=timezone.now(), closed_by=membership.user)


def thread_reopen(*, membership: Membership, thread: Thread) -> Thread:
    return _moderate(membership, thread, closed_at=None, closed_by=None)


def thread_pin(*, membership: Membership, thread: Thread) -> Thread:
    """Pin a discussion: it heads the forum overview, whatever else is newer."""
    return _moderate(membership, thread, pinned_at=timezone.now())


def thread_unpin(*, membership: Membership, thread: Thread) -> Thread:
    return _moderate(membership, thread, pinned_at=None)


def theme_follow(*, membership: Membership, theme: Theme) -> None:
    """Follow a theme: hear of each new discussion on it. Following twice is following."""
    if theme.organization_id != membership.organization_id:
        raise ValidationError({"__all__": [NOT_MEMBER]})
    ThemeFollow.objects.get_or_create(theme=theme, user=membership.user)


def theme_unfollow(*, membership: Membership, theme: Theme) -> None:
    ThemeFollow.objects.filter(theme=theme, user=membership.user).delete()
