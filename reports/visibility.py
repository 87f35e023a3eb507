"""What of the report cycle a member may see, registered with ``organizations.access``.

The scanning group sees every cycle of its organisation, open or published: it does the work.
The other roles that read reports see published cycles only; an open cycle is work in
progress. Published reports (every version, superseded ones too) are read by every role that
reads reports: that is everyone, staff included. Candidates are seen with their cycle. Scores
are the scanning group's own working notes: seen by the group only, and on the pages only once
a member has scored the candidate themselves (``selectors``: no anchoring).
"""

from django.db.models import QuerySet

from organizations.access import organization_rows, visibility_rule
from organizations.models import Membership
from organizations.roles import SCANNING_GROUP, role_has

from .models import Candidate, CycleState, PublishedReport, ReportCycle, Score


def _in_scanning_group(membership: Membership | None) -> bool:
    return membership is not None and membership.role in SCANNING_GROUP


@visibility_rule(ReportCycle)
def visible_report_cycles(membership: Membership | None) -> QuerySet[ReportCycle]:
    cycles = organization_rows(ReportCycle, membership)
    if _in_scanning_group(membership):
        return cycles
    if membership is not None and role_has(membership.role, "read_reports"):
        return cycles.filter(state=CycleState.PUBLISHED)
    return cycles.none()


@visibility_rule(Candidate)
def visible_candidates(membership: Membership | None) -> QuerySet[Candidate]:
    return organization_rows(Candidate, membership).filter(
        cycle__in=visible_report_cycles(membership)
    )


@visibility_rule(Score)
def visible_scores(membership: Membership | None) -> QuerySet[Score]:
    if not _in_scanning_group(membership):
        return Score.objects.none()
    return organization_rows(Score, membership)


@visibility_rule(PublishedReport)
def visible_published_reports(membership: Membership | None) -> QuerySet[PublishedReport]:
    if membership is None or not role_has(membership.role, "read_reports"):
        return PublishedReport.objects.none()
    return organization_rows(PublishedReport, membership)
