"""Publishing a cycle's report: the bounds, the frozen version, corrections, the e-mail to
management, the PDF built by the task from the frozen document, staff visibility."""

import hashlib
import io
import socket
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from organizations.models import Membership
from reports.assembly import document_for_cycle
from reports.document import document_from_dict, document_to_dict
from reports.models import CycleState, Decision, PdfState, PublishedReport
from reports.pdf import pdf_available
from reports.publish_services import (
    cycle_reopen,
    published_pdf_build,
    published_report_notify,
    report_correct,
    report_publish,
)
from signals.services import signal_archive, signal_update
from signals.visibility import visible_signals

from ..factories import CandidateFactory, MembershipFactory, ReportCycleFactory

BASE = "https://spaning.example.se/"
needs_pdf = pytest.mark.skipif(not pdf_available(), reason="WeasyPrint's libraries are missing")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def make_cycle(organization, chosen: int, others: int = 2, month=date(2026, 3, 1)):
    cycle = ReportCycleFactory(organization=organization, month=month)
    for number in range(1, chosen + 1):
        CandidateFactory(
            cycle=cycle,
            signal__title=f"Vald signal {number}",
            decision=Decision.IN,
            position=number,
            meaning=f"Betydelse {number}",
        )
    for number in range(1, others + 1):
        CandidateFactory(cycle=cycle, signal__title=f"Bortvald {number}", decision=Decision.OUT)
    return cycle


def publish(cycle, user, callbacks):
    with callbacks(execute=True):
        return report_publish(cycle=cycle, user=user, base_url=BASE)


@pytest.mark.parametrize("count", [4, 11])
def test_a_report_outside_the_bounds_is_refused(kommun, members, count):
    cycle = make_cycle(kommun, count)
    with translation.override("sv"), pytest.raises(ValidationError) as refused:
        report_publish(cycle=cycle, user=members["editor"], base_url=BASE)
    assert refused.value.messages == [
        f"Rapporten har {count} signaler; den ska ha minst 5 och högst 10."
    ]
    assert not PublishedReport.objects.exists()
    cycle.refresh_from_db()
    assert cycle.state == CycleState.OPEN


@pytest.mark.parametrize("count", [5, 10])
def test_a_report_within_the_bounds_is_published(
    kommun, members, count, django_capture_on_commit_callbacks
):
    cycle = make_cycle(kommun, count)
    report = publish(cycle, members["editor"], django_capture_on_commit_callbacks)
    cycle.refresh_from_db()
    assert cycle.state == CycleState.PUBLISHED
    assert report.version == 1
    document = document_from_dict(report.document)
    assert [s.title for s in document.signals] == [f"Vald signal {n}" for n in range(1, count + 1)]
    assert document.published_on is not None


@pytest.mark.parametrize("role", ["scanner", "management", "staff"])
def test_only_editors_and_admins_publish(kommun, members, role):
    cycle = make_cycle(kommun, 5)
    with pytest.raises(ValidationError):
        report_publish(cycle=cycle, user=members[role], base_url=BASE)


def test_the_document_round_trips_through_json(kommun):
    cycle = make_cycle(kommun, 5)
    document = document_for_cycle(cycle, base_url=BASE)
    assert document_from_dict(document_to_dict(document)) == document


def test_the_published_text_stays_when_a_signal_is_edited_or_archived(
    kommun, members, django_capture_on_commit_callbacks
):
    cycle = make_cycle(kommun, 5)
    report = publish(cycle, members["editor"], django_capture_on_commit_callbacks)
    signal = cycle.candidates.get(position=1).signal
    signal_update(
        signal=signal, user=members["editor"], expected_version=signal.version, title="Ändrad"
    )
    signal.refresh_from_db()
    signal_archive(signal=signal, user=members["editor"])
    report.refresh_from_db()
    assert document_from_dict(report.document).signals[0].title == "Vald signal 1"


def test_a_new_version_supersedes_the_old(kommun, members, django_capture_on_commit_callbacks):
    cycle = make_cycle(kommun, 5)
    first = publish(cycle, members["editor"], django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):  # a published cycle's shortlist is closed…
        report_publish_after_change(cycle, members["editor"])
    cycle_reopen(cycle=cycle, user=members["editor"])  # …until it is reopened for a correction
    report_publish_after_change(cycle, members["editor"])
    with django_capture_on_commit_callbacks(execute=True):
        second = report_correct(cycle=cycle, user=members["admin"], base_url=BASE)
    first.refresh_from_db()
    assert second.version == 2 and second.is_current
    assert first.superseded_at is not None
    assert len(document_from_dict(first.document).signals) == 5
    assert len(document_from_dict(second.document).signals) == 6


def report_publish_after_change(cycle, user):
    from reports.services import candidate_decide

    candidate = cycle.candidates.filter(decision=Decision.OUT).first()
    candidate_decide(
        candidate=candidate, user=user, decision=Decision.IN, expected_version=candidate.version
    )


def test_correcting_a_report_never_published_is_refused(kommun, members):
    cycle = make_cycle(kommun, 5)
    with pytest.raises(ValidationError):
        report_correct(cycle=cycle, user=members["editor"], base_url=BASE)


def test_management_alone_is_emailed_a_link_in_the_right_organisation(
    kommun, other_kommun, members, other_members, mailoutbox, django_capture_on_commit_callbacks
):
    for _role, user in [*members.items(), *other_members.items()]:
        user.email = f"{user.username}@example.se"
        user.save()
    pending = MembershipFactory(
        organization=kommun, role="management", pending=True, user__email="ny@example.se"
    )
    cycle = make_cycle(kommun, 5)
    report = publish(cycle, members["editor"], django_capture_on_commit_callbacks)

    assert [message.to for message in mailoutbox] == [["management-kungsbacka@example.se"]]
    message = mailoutbox[0]
    assert message.subject == "Omvärldsrapporten för mars 2026 är publicerad"
    assert f"{BASE}kungsbacka/reports/published/{report.pk}/" in message.body
    assert pending.user.email not in str([m.to for m in mailoutbox])


def _with_management_emails(*user_groups):
    for users in user_groups:
        for user in users.values():
            user.email = f"{user.username}@example.se"
            user.save()


def test_the_email_is_sent_by_a_task_after_the_commit_never_while_publishing(
    kommun, members, mailoutbox, django_capture_on_commit_callbacks
):
    from celery.signals import task_postrun, task_prerun

    _with_management_emails(members)
    cycle = make_cycle(kommun, 5)
    runs: list[tuple[str, str, list, int]] = []

    def before(sender=None, args=None, **_):
        runs.append(("start", sender.name, list(args), len(mailoutbox)))

    def after(sender=None, args=None, **_):
        runs.append(("end", sender.name, list(args), len(mailoutbox)))

    task_prerun.connect(before, weak=False)
    task_postrun.connect(after, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            report = report_publish(cycle=cycle, user=members["editor"], base_url=BASE)
        assert mailoutbox == []  # publishing itself sends nothing
        report.refresh_from_db()
        assert report.notified_at is None and report.base_url == BASE
        for callback in callbacks:
            callback()
    finally:
        task_prerun.disconnect(before)
        task_postrun.disconnect(after)

    task = "reports.tasks.notify_management_of_report"
    assert ("start", task, [report.pk], 0) in runs  # the task gets the id, nothing else
    assert ("end", task, [report.pk], 1) in runs  # and the e-mail is sent inside it
    report.refresh_from_db()
    assert report.notified_at is not None


def test_the_email_goes_out_once_however_often_the_task_runs(
    kommun, members, mailoutbox, django_capture_on_commit_callbacks
):
    from reports.tasks import notify_management_of_report

    _with_management_emails(members)
    cycle = make_cycle(kommun, 5)
    report = publish(cycle, members["editor"], django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1
    notify_management_of_report.apply(args=[report.pk])
    notify_management_of_report.delay(report.pk)
    assert published_report_notify(report_id=report.pk) == 0
    assert len(mailoutbox) == 1


def test_a_failed_send_is_sent_by_the_next_try(kommun, members, settings, mailoutbox):
    _with_management_emails(members)
    cycle = make_cycle(kommun, 5)
    report = report_publish(cycle=cycle, user=members["editor"], base_url=BASE)  # no commit
    # A mail server that is not there: a port nothing listens on.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    with pytest.raises(ConnectionError):
        published_report_notify(report_id=report.pk)
    report.refresh_from_db()
    assert report.notified_at is None  # so the task's retry sends it

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert published_report_notify(report_id=report.pk) == 1
    report.refresh_from_db()
    assert report.notified_at is not None
    assert [m.to for m in mailoutbox] == [["management-kungsbacka@example.se"]]


def test_a_correction_is_announced_as_its_own_version(
    kommun, members, mailoutbox, django_capture_on_commit_callbacks
):
    _with_management_emails(members)
    cycle = make_cycle(kommun, 5)
    publish(cycle, members["editor"], django_capture_on_commit_callbacks)
    cycle_reopen(cycle=cycle, user=members["editor"])
    with django_capture_on_commit_callbacks(execute=True):
        report_correct(cycle=cycle, user=members["editor"], base_url=BASE)
    assert [m.subject for m in mailoutbox] == [
        "Omvärldsrapporten för mars 2026 är publicerad",
        "Omvärldsrapporten för mars 2026 är publicerad (rättad, version 2)",
    ]


@needs_pdf
def test_the_task_builds_the_pdf_from_the_frozen_document(
    kommun, members, django_capture_on_commit_callbacks
):
    from pypdf import PdfReader

    cycle = make_cycle(kommun, 5)
    report = publish(cycle, members["editor"], django_capture_on_commit_callbacks)
    # Edited after publishing: the PDF (built afterwards here) still says what was published.
    signal = cycle.candidates.get(position=1).signal
    signal_update(
        signal=signal, user=members["editor"], expected_version=signal.version, title="Ändrad"
    )
    report.refresh_from_db()
    report.pdf_state = PdfState.PENDING
    report.pdf_sha256 = ""
    report.save()
    published_pdf_build(report_id=report.pk)
    report.refresh_from_db()

    assert report.pdf_state == PdfState.READY
    content = report.pdf.read()
    assert report.pdf_sha256 == hashlib.sha256(content).hexdigest()
    assert report.pdf.name == f"reports/kungsbacka/2026-03-v{report.version}.pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    for number in range(1, 6):
        assert f"Vald signal {number}" in text
    assert "Ändrad" not in text
    assert "mars 2026" in text


@needs_pdf
def test_a_ready_pdf_is_not_built_again(kommun, members, django_capture_on_commit_callbacks):
    cycle = make_cycle(kommun, 5)
    report = publish(cycle, members["editor"], django_capture_on_commit_callbacks)
    report.refresh_from_db()
    assert report.pdf_state == PdfState.READY  # built by the task, run in-process in tests
    name, digest = report.pdf.name, report.pdf_sha256
    published_pdf_build(report_id=report.pk)
    report.refresh_from_db()
    assert (report.pdf.name, report.pdf_sha256) == (name, digest)


def test_staff_see_the_published_signals_and_no_others(
    kommun, members, django_capture_on_commit_callbacks
):
    cycle = make_cycle(kommun, 5)
    staff = Membership.objects.get(user=members["staff"], organization=kommun)
    assert not visible_signals(staff).exists()
    publish(cycle, members["editor"], django_capture_on_commit_callbacks)
    titles = set(visible_signals(staff).values_list("title", flat=True))
    assert titles == {f"Vald signal {n}" for n in range(1, 6)}
    # Archived later: hidden from the staff while archived, the report still names it.
    signal = cycle.candidates.get(position=1).signal
    signal_archive(signal=signal, user=members["editor"])
    assert "Vald signal 1" not in set(visible_signals(staff).values_list("title", flat=True))
