"""Who may read which discussion, registered with ``organizations.access``.

A discussion is read by whoever may read its subject, through the subject's own rule: a
report's by those who read the published report (everyone, staff included, once a version is
published; discussions open only on published reports, and a cycle reopened for a correction
keeps its published version); a signal's by those who see the signal (staff: the signals a
published report shared with them); a theme's by every member. Comments are read with their
thread. A notification is its recipient's alone.
"""

from django.db.models import Q, QuerySet

from organizations.access import organization_rows, visibility_rule
from organizations.models import Membership
from reports.visibility import visible_published_reports
from signals.visibility import visible_signals

from .models import Comment, Notification, Theme, Thread, ThreadKind


def _discusses(membership: Membership | None) -> bool:
    return membership is not None and membership.can("discuss")


@visibility_rule(Theme)
def visible_themes(membership: Membership | None) -> QuerySet[Theme]:
    if not _discusses(membership):
        return Theme.objects.none()
    return organization_rows(Theme, membership)


@visibility_rule(Thread)
def visible_threads(membership: Membership | None) -> QuerySet[Thread]:
    if not _discusses(membership):
        return Thread.objects.none()
    published_cycles = visible_published_reports(membership).values("cycle_id")
    return organization_rows(Thread, membership).filter(
        Q(kind=ThreadKind.THEME)
        | Q(kind=ThreadKind.REPORT, report_cycle__in=published_cycles)
        | Q(kind=ThreadKind.SIGNAL, signal__in=visible_signals(membership).values("pk"))
    )


@visibility_rule(Comment)
def visible_comments(membership: Membership | None) -> QuerySet[Comment]:
    return Comment.objects.filter(thread__in=visible_threads(membership))


@visibility_rule(Notification)
def visible_notifications(membership: Membership | None) -> QuerySet[Notification]:
    if membership is None:
        return Notification.objects.none()
    return organization_rows(Notification, membership).filter(recipient_id=membership.user_id)
