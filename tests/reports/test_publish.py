"""Publishing a cycle's report: the bounds, the frozen version, corrections, the e-mail to
management, the PDF built by the task from the frozen document, staff visibility."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from reports.assembly import document_for_cycle
from reports.document import document_from_dict, document_to_dict
from reports.models import CycleState, Decision, PublishedReport
from reports.pdf import pdf_available
from reports.publish_services import (
    report_publish,
)
from signals.services import signal_archive, signal_update

from ..factories import CandidateFactory, ReportCycleFactory

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
    page = members_client_page = None  # noqa: F841
