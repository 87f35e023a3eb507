"""The pages of publishing and of the archive: who may open them, the frozen page, the PDF's
status fragment and its download."""

import hashlib
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from reports.models import CycleState, Decision, PdfState
from reports.pdf import pdf_available
from reports.publish_services import report_publish
from signals.services import signal_update

from ..factories import CandidateFactory, ReportCycleFactory

pytestmark = pytest.mark.usefixtures("english")

ROLES = ["scanner", "editor", "admin", "management", "staff"]
BASE = "http://testserver/"
needs_pdf = pytest.mark.skipif(not pdf_available(), reason="WeasyPrint's libraries are missing")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def client_as(user):
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def url(name, *args):
    return reverse(f"reports:{name}", args=["kungsbacka", *args])


def make_cycle(organization, chosen=5):
    cycle = ReportCycleFactory(organization=organization, month=date(2026, 3, 1))
    for number in range(1, chosen + 1):
        CandidateFactory(
            cycle=cycle, signal__title=f"Vald {number}", decision=Decision.IN, position=number
        )
    CandidateFactory(cycle=cycle, signal__title="Inte vald", decision=Decision.OUT)
    return cycle


@pytest.fixture
def published(kommun, members, django_capture_on_commit_callbacks):
    cycle = make_cycle(kommun)
    with django_capture_on_commit_callbacks(execute=True):
        report = report_publish(cycle=cycle, user=members["editor"], base_url=BASE)
    report.refresh_from_db()
    return report


@pytest.mark.parametrize("role", ROLES)
def test_every_member_reads_the_archive_and_the_published_report(members, published, role):
    client = client_as(members[role])
    archive = client.get(url("archive"))
    assert archive.status_code == 200
    assert "March 2026" in archive.content.decode()
    page = client.get(url("published", published.pk))
    assert page.status_code == 200
    assert "Vald 1" in page.content.decode()
    assert client.get(url("pdf_status", published.pk)).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_another_organisation_gets_404(other_members, published, role):
    client = client_as(other_members[role])
    for name in ("published", "pdf_status", "pdf"):
        assert (
            client.get(reverse(f"reports:{name}", args=["kungsbacka", published.pk])).status_code
            == 404
        )
    assert (
        client.get(reverse("reports:published", args=["varberg", published.pk])).status_code == 404
    )


@pytest.mark.parametrize("role", ROLES)
def test_only_editors_and_admins_open_the_publish_page(kommun, members, role):
    cycle = make_cycle(kommun)
    response = client_as(members[role]).get(url("publish", cycle.pk))
    if role in ("editor", "admin"):
        assert response.status_code == 200
        assert "Publish the report" in response.content.decode()
    else:
        assert response.status_code in (403, 404)
    response = client_as(members[role]).post(url("publish", cycle.pk))
    cycle.refresh_from_db()
    assert (cycle.state == CycleState.PUBLISHED) == (role in ("editor", "admin"))


def test_the_publish_page_says_why_it_refuses(kommun, members):
    cycle = make_cycle(kommun, chosen=4)
    client = client_as(members["editor"])
    page = client.get(url("publish", cycle.pk)).content.decode()
    assert "The shortlist has 4 signals." in page
    response = client.post(url("publish", cycle.pk))
    assert response.status_code == 400
    assert "The report has 4 signals; it must have at least 5 and at most 10." in (
        response.content.decode()
    )


def test_publishing_from_the_page_leads_to_the_published_report(
    kommun, members, django_capture_on_commit_callbacks
):
    cycle = make_cycle(kommun)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(members["editor"]).post(url("publish", cycle.pk))
    report = cycle.publications.get()
    assert response.status_code == 302
    assert response.url == url("published", report.pk)


def test_the_page_shows_what_was_published_not_what_the_signal_says_now(members, published):
    signal = published.cycle.candidates.get(position=1).signal
    signal_update(
        signal=signal, user=members["editor"], expected_version=signal.version, title="Nytt namn"
    )
    page = client_as(members["staff"]).get(url("published", published.pk)).content.decode()
    assert "Vald 1" in page and "Nytt namn" not in page


def test_the_status_fragment_polls_while_building_and_stops_when_ready(members, published):
    client = client_as(members["management"])
    published.pdf_state = PdfState.BUILDING
    published.save()
    fragment = client.get(url("pdf_status", published.pk)).content.decode()
    assert 'hx-trigger="every 2s"' in fragment
    assert "The PDF is being built" in fragment
    assert "<html" not in fragment
    published.pdf_state = PdfState.FAILED
    published.save()
    fragment = client.get(url("pdf_status", published.pk)).content.decode()
    assert "hx-trigger" not in fragment and "could not be built" in fragment


@needs_pdf
def test_the_ready_pdf_is_offered_and_downloaded(members, published):
    client = client_as(members["staff"])
    fragment = client.get(url("pdf_status", published.pk)).content.decode()
    assert "hx-trigger" not in fragment
    assert url("pdf", published.pk) in fragment
    response = client.get(url("pdf", published.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="omvarldsrapport-kungsbacka-2026-03-v{published.version}.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"
    content = b"".join(response.streaming_content)
    assert hashlib.sha256(content).hexdigest() == published.pdf_sha256


@needs_pdf
def test_a_changed_file_is_not_handed_out(members, published):
    with open(published.pdf.path, "ab") as file:
        file.write(b"tampered")
    response = client_as(members["management"]).get(url("pdf", published.pk))
    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html")


def test_a_superseded_version_is_marked_and_listed_under_the_current(
    kommun, members, published, django_capture_on_commit_callbacks
):
    from reports.publish_services import cycle_reopen

    cycle = published.cycle
    cycle_reopen(cycle=cycle, user=members["editor"])
    with django_capture_on_commit_callbacks(execute=True):
        second = report_publish(cycle=cycle, user=members["editor"], base_url=BASE)
    client = client_as(members["staff"])
    archive = client.get(url("archive")).content.decode()
    assert archive.index(url("published", second.pk)) < archive.index(
        url("published", published.pk)
    )
    assert "superseded" in archive
    old = client.get(url("published", published.pk)).content.decode()
    assert "A later version of this report replaces this one." in old
    assert url("published", second.pk) in old


def test_the_archive_within_a_query_budget(members, published, django_assert_max_num_queries):
    client = client_as(members["staff"])
    with django_assert_max_num_queries(12):
        client.get(url("archive"))
    with django_assert_max_num_queries(12):
        client.get(url("published", published.pk))
