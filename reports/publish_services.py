"""Publishing a cycle's report: the frozen version, its PDF, the e-mail to management.

``report_publish`` freezes the report as it stands (``assembly.document_for_cycle``) into a new
``PublishedReport`` version, as JSON. After the commit two Celery tasks take over: one builds
the PDF from that JSON (``tasks.build_published_pdf``), the other e-mails management
(``tasks.notify_management_of_report``), never in the request. From then on neither the page
nor the PDF reads a signal or a candidate again: editing, archiving or deleting them changes
nothing published.

A correction is publishing again. The editor reopens the published cycle (``cycle_reopen``: the
published versions stay as they are and stay readable), changes the shortlist, the analyses or
the introduction, and publishes: the new version supersedes the one before, which stays in the
archive marked superseded. ``report_correct`` is the same as ``report_publish`` but insists that
there is something to correct.
"""

import hashlib
import logging
from dataclasses import replace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from organizations.models import Membership
from organizations.roles import Role
from signals.models import Signal
from signals.services import signals_share_with_staff

from .assembly import document_for_cycle
from .document import document_from_dict, document_to_dict
from .models import Candidate, CycleState, Decision, PdfState, PublishedReport, ReportCycle
from .pdf import PdfUnavailable, build_pdf
from .services import require_capability

logger = logging.getLogger(__name__)

NOT_PUBLISHER = _("Only the editor publishes the report.")
WRONG_COUNT = _(
    "The report has %(count)d signals; it must have at least %(min)d and at most %(max)d."
)
NOT_PUBLISHED_YET = _("The report is not published yet: publish it before correcting it.")
PDF_FAILED = _("The PDF could not be built.")


def _chosen_count(cycle: ReportCycle) -> int:
    return Candidate.objects.filter(cycle=cycle, decision=Decision.IN).count()


def check_bounds(cycle: ReportCycle) -> None:
    """Refuse a report outside the cycle's bounds, saying how many it has and may have."""
    count = _chosen_count(cycle)
    if not cycle.min_signals <= count <= cycle.max_signals:
        raise ValidationError(
            {
                "__all__": [
                    WRONG_COUNT
                    % {"count": count, "min": cycle.min_signals, "max": cycle.max_signals}
                ]
            }
        )


def report_url(report: PublishedReport, base_url: str) -> str:
    """The published report's page, absolute, in its own organisation."""
    path = reverse("reports:published", args=[report.organization.slug, report.pk])
    return f"{base_url.rstrip('/')}{path}" if base_url else path


@transaction.atomic
def report_publish(*, cycle: ReportCycle, user, base_url: str) -> PublishedReport:
    """Publish the cycle's report as it stands: a new frozen version (the previous one, if
    any, superseded), the cycle marked published, its signals shared with the staff; after
    the commit the PDF is built and management gets an e-mail with the link. ``base_url``
    (e.g. "https://spaning.kungsbacka.se") makes the report's and the e-mail's links
    absolute; it is kept on the report for the e-mail, which a task sends."""
    require_capability(user, cycle.organization_id, "compose_reports", NOT_PUBLISHER)
    given = cycle
    cycle = ReportCycle.objects.select_for_update().select_related("organization").get(pk=cycle.pk)
    check_bounds(cycle)
    now = timezone.now()
    previous = PublishedReport.objects.filter(cycle=cycle).aggregate(last=Max("version"))["last"]
    version = (previous or 0) + 1
    document = document_for_cycle(cycle, base_url=base_url)
    document = _published(document, on=timezone.localdate(), version=version)
    PublishedReport.objects.filter(cycle=cycle, superseded_at__isnull=True).update(
        superseded_at=now
    )
    report = PublishedReport.objects.create(
        organization_id=cycle.organization_id,
        cycle=cycle,
        version=version,
        published_at=now,
        published_by=user,
        document=document_to_dict(document),
        base_url=base_url,
    )
    if cycle.state != CycleState.PUBLISHED:
        cycle.state = CycleState.PUBLISHED
        cycle.save(update_fields=["state", "updated_at"])
    given.state = cycle.state  # the caller's copy says so too
    chosen = Signal.objects.filter(
        pk__in=Candidate.objects.filter(cycle=cycle, decision=Decision.IN).values("signal_id")
    )
    signals_share_with_staff(signals=chosen)

    from . import tasks  # the tasks import this module

    tasks.build_published_pdf.delay_on_commit(report.pk)
    tasks.notify_management_of_report.delay_on_commit(report.pk)
    return report


def report_correct(*, cycle: ReportCycle, user, base_url: str) -> PublishedReport:
    """Publish a corrected version of a published report: the same as publishing, only
    refused for a cycle never published (there is nothing to correct)."""
    if not PublishedReport.objects.filter(cycle=cycle).exists():
        raise ValidationError({"__all__": [NOT_PUBLISHED_YET]})
    return report_publish(cycle=cycle, user=user, base_url=base_url)


@transaction.atomic
def cycle_reopen(*, cycle: ReportCycle, user) -> ReportCycle:
    """Open a published cycle again to correct its report. What was published stays
    published, unchanged, until a new version is published."""
    require_capability(user, cycle.organization_id, "compose_reports", NOT_PUBLISHER)
    ReportCycle.objects.filter(pk=cycle.pk).update(state=CycleState.OPEN, updated_at=timezone.now())
    cycle.refresh_from_db()
    return cycle


def _published(document, *, on, version):
    return replace(document, published_on=on, version=version, superseded=False)


# --- the e-mail ------------------------------------------------------------------------------


def management_addresses(organization_id: int) -> list[str]:
    """The e-mail addresses of the organisation's management (accepted members only)."""
    memberships = Membership.objects.filter(
        organization_id=organization_id, role=Role.MANAGEMENT, accepted_at__isnull=False
    ).select_related("user")
    return sorted({m.user.email for m in memberships if m.user.email and m.user.is_active})


def published_report_notify(*, report_id: int) -> int:
    """E-mail management that the report version is published, once: the version is marked
    notified before anything is sent, so a second run (a task delivered twice, a retry after
    the first run finished) sends nothing. If sending fails the mark is taken back and the
    error raised, so that the task's retry sends it; whoever got it before the failure may
    then get it twice, which beats nobody getting it. Returns how many were sent."""
    claimed = PublishedReport.objects.filter(pk=report_id, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    if not claimed:
        return 0
    report = PublishedReport.objects.select_related("organization", "cycle").get(pk=report_id)
    try:
        return notify_management(report=report, base_url=report.base_url)
    except Exception:
        PublishedReport.objects.filter(pk=report_id).update(notified_at=None)
        raise


def notify_management(*, report: PublishedReport, base_url: str) -> int:
    """E-mail the organisation's management that the report is published, one message per
    person (no one sees who else got it). Returns how many were sent."""
    addresses = management_addresses(report.organization_id)
    if not addresses:
        return 0
    document = document_from_dict(report.document)
    with translation.override(document.language):
        month = document.month_name
        subject = gettext("Horizon scanning report for %(month)s published") % {"month": month}
        if report.version > 1:
            subject = gettext("%(subject)s (corrected, version %(version)d)") % {
                "subject": subject,
                "version": report.version,
            }
        body = gettext(
            "The horizon scanning report of %(organization)s for %(month)s is published, "
            "with %(count)d signals.\n\nRead it or download the PDF here:\n%(url)s\n"
        ) % {
            "organization": document.organization_name,
            "month": month,
            "count": len(document.signals),
            "url": report_url(report, base_url),
        }
    messages = [
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in addresses
    ]
    return get_connection().send_messages(messages) or 0


# --- the PDF ---------------------------------------------------------------------------------


def pdf_filename(report: PublishedReport) -> str:
    """What the downloaded file is called: omvarldsrapport-kungsbacka-2026-03-v1.pdf."""
    month = f"{report.cycle.month:%Y-%m}"
    return f"omvarldsrapport-{report.organization.slug}-{month}-v{report.version}.pdf"


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def published_pdf_build(*, report_id: int) -> PublishedReport | None:
    """Build and store the PDF of a published report from its frozen document. Safe to run
    twice: a ready PDF is left as it is. Without WeasyPrint's libraries the report is marked
    failed with what to install; the page says so instead of failing."""
    report = (
        PublishedReport.objects.select_related("organization", "cycle").filter(pk=report_id).first()
    )
    if report is None or report.pdf_ready:
        return report
    PublishedReport.objects.filter(pk=report.pk).update(pdf_state=PdfState.BUILDING, pdf_error="")
    try:
        content = build_pdf(document_from_dict(report.document))
    except PdfUnavailable as error:
        return _pdf_failed(report, str(error))
    except Exception as error:  # a report must never fail a request; the log has the trace
        logger.exception("report PDF %s could not be built", report.pk)
        return _pdf_failed(report, f"{PDF_FAILED} ({type(error).__name__})")
    _store_pdf(report, content)
    return report


def _pdf_failed(report: PublishedReport, error: str) -> PublishedReport:
    PublishedReport.objects.filter(pk=report.pk).update(pdf_state=PdfState.FAILED, pdf_error=error)
    report.refresh_from_db()
    return report


@transaction.atomic
def _store_pdf(report: PublishedReport, content: bytes) -> None:
    if report.pdf:
        report.pdf.delete(save=False)  # a half-built earlier attempt's file
    report.pdf.save(pdf_filename(report), ContentFile(content), save=False)
    report.pdf_sha256 = sha256_of(content)
    report.pdf_state = PdfState.READY
    report.pdf_error = ""
    report.save(update_fields=["pdf", "pdf_sha256", "pdf_state", "pdf_error", "updated_at"])


def pdf_intact(report: PublishedReport) -> bytes | None:
    """The stored PDF's bytes when they still hash to the SHA-256 recorded at publishing,
    else None (a file changed or lost on the disk is not handed out as the report)."""
    if not report.pdf_ready or not report.pdf_sha256:
        return None
    try:
        with report.pdf.open("rb") as file:
            content = file.read()
    except OSError:
        return None
    return content if sha256_of(content) == report.pdf_sha256 else None
