"""What of the follow-up a member may see, registered with ``organizations.access``.

The follow-up of a report is read by whoever reads the published report: every member, staff
included (an action's owner may be anyone, and the organisation shows openly what it does about
what it reported). A cycle reopened for a correction keeps its published version, and so its
follow-up. Nothing of an unpublished report is reached. A review reminder is its recipient's
alone.
"""

from django.db.models import QuerySet

from organizations.access import organization_rows, visibility_rule
from organizations.models import Membership
from reports.visibility import visible_published_reports

from .models import Action, ReportedSignal, ReviewReminder


def _follows_up(membership: Membership | None) -> bool:
    return membership is not None and membership.can("follow_up")


def published_cycle_ids(membership: Membership | None) -> QuerySet:
    """The cycles with a published version the member reads, as a subquery."""
    return visible_published_reports(membership).values("cycle_id")


@visibility_rule(ReportedSignal)
def visible_reported_signals(membership: Membership | None) -> QuerySet[ReportedSignal]:
    if not _follows_up(membership):
        return ReportedSignal.objects.none()
    return organization_rows(ReportedSignal, membership).filter(
        cycle_id__in=published_cycle_ids(membership)
    )


@visibility_rule(Action)
def visible_actions(membership: Membership | None) -> QuerySet[Action]:
    if not _follows_up(membership):
        return Action.objects.none()
    return organization_rows(Action, membership).filter(
        reported__cycle_id__in=published_cycle_ids(membership)
    )


@visibility_rule(ReviewReminder)
def visible_review_reminders(membership: Membership | None) -> QuerySet[ReviewReminder]:
    if membership is None:
        return ReviewReminder.objects.none()
    return organization_rows(ReviewReminder, membership).filter(recipient_id=membership.user_id)
