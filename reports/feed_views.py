"""The Atom feed of published reports, and the page where a person makes or revokes its
address. Outside any organisation: one feed lists the current reports of every organisation
the person belongs to, each read through that membership's visibility rule."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.lib.text import strip_bidi_controls

from .document import document_from_dict
from .feed_token_services import (
    report_feed_token_create,
    report_feed_token_revoke,
    report_feed_user,
)
from .models import ReportFeedToken
from .visibility import visible_published_reports

# Reports per feed: a year of monthly reports for several organisations, and then some.
FEED_LENGTH = 50
SUMMARY_LENGTH = 600


@login_required
@require_GET
def report_feed_settings(request):
    return render(
        request,
        "reports/feed_settings.html",
        {
            "has_address": ReportFeedToken.objects.filter(user=request.user).exists(),
            "new_address": request.session.pop("report_feed_address", None),
        },
    )


@login_required
@require_POST
def report_feed_create(request):
    token = report_feed_token_create(user=request.user)
    # Shown once, on the page this redirects to; never stored as it is.
    request.session["report_feed_address"] = request.build_absolute_uri(
        reverse("report_feed", args=[token])
    )
    messages.success(request, _("Your feed address is made. Copy it now: it is shown only once."))
    return redirect("report_feed_settings")


@login_required
@require_POST
def report_feed_revoke(request):
    report_feed_token_revoke(user=request.user)
    messages.success(request, _("Your feed address is revoked: it no longer works anywhere."))
    return redirect("report_feed_settings")


@require_GET
def report_feed(request, token: str):
    user = report_feed_user(token)
    if user is None:
        raise Http404
    reports = []
    for membership in user.memberships.filter(accepted_at__isnull=False).select_related(
        "organization"
    ):
        current = visible_published_reports(membership).filter(superseded_at__isnull=True)
        reports += [(membership.organization, report) for report in current[:FEED_LENGTH]]
    reports.sort(key=lambda pair: pair[1].published_at, reverse=True)

    feed = Atom1Feed(
        title=_("Published horizon scanning reports"),
        link=request.build_absolute_uri("/"),
        description=_("The monthly reports of your organisations in Spaning."),
        language="sv",
        feed_url=request.build_absolute_uri(),
    )
    for organization, report in reports[:FEED_LENGTH]:
        document = document_from_dict(report.document)
        link = request.build_absolute_uri(
            reverse("reports:published", args=[organization.slug, report.pk])
        )
        title = _("Horizon scanning report %(month)s – %(organization)s") % {
            "month": document.month_name,
            "organization": strip_bidi_controls(organization.name),
        }
        summary = strip_bidi_controls(document.introduction)[:SUMMARY_LENGTH]
        feed.add_item(
            title=title,
            link=link,
            description=summary,
            unique_id=link,
            pubdate=report.published_at,
            updateddate=report.published_at,
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    # The address is a secret: no shared cache may keep the answer.
    response["Cache-Control"] = "private, no-store"
    return response
