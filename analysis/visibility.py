"""What of the trend analyses a member may see, registered with ``organizations.access``.

A draft is the scanning group's work in progress: only the group (scanners, editors, admins)
sees it, its trends and its inputs. A published analysis is read by every member, management
and staff included: the organisation's shared picture of the year, frozen like a published
report. The staff read it as published (its snapshot lists the signals' titles and levels as
the group recorded them); a signal's own page stays behind the signal register's rule, so a
link to it is shown only to those who may open it.
"""

from django.db.models import QuerySet

from organizations.access import organization_rows, visibility_rule
from organizations.models import Membership
from organizations.roles import role_has

from .models import AnalysisInput, AnalysisStatus, AnalysisTrend, TrendAnalysis


def sees_drafts(membership: Membership | None) -> bool:
    return membership is not None and role_has(membership.role, "write_trend_analysis")


@visibility_rule(TrendAnalysis)
def visible_trend_analyses(membership: Membership | None) -> QuerySet[TrendAnalysis]:
    if membership is None or not role_has(membership.role, "read_trend_analyses"):
        return TrendAnalysis.objects.none()
    analyses = organization_rows(TrendAnalysis, membership)
    if sees_drafts(membership):
        return analyses
    return analyses.filter(status=AnalysisStatus.PUBLISHED)


@visibility_rule(AnalysisTrend)
def visible_analysis_trends(membership: Membership | None) -> QuerySet[AnalysisTrend]:
    return organization_rows(AnalysisTrend, membership).filter(
        analysis__in=visible_trend_analyses(membership)
    )


@visibility_rule(AnalysisInput)
def visible_analysis_inputs(membership: Membership | None) -> QuerySet[AnalysisInput]:
    return organization_rows(AnalysisInput, membership).filter(
        analysis__in=visible_trend_analyses(membership)
    )
