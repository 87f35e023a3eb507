from organizations.demo import seed_people
from reports.demo import seed_cycle
from reports.models import Candidate, Score
from signals.catalogue import install_default_catalogue
from signals.demo import seed_signals


def test_the_demo_cycle_is_open_with_scores_and_seeding_twice_adds_nothing(db):
    organization, users = seed_people()
    install_default_catalogue(organization)
    seed_signals(organization, users)
    candidates = seed_cycle(organization, users)
    assert candidates > 5
    scores = Score.objects.filter(organization=organization)
    assert (
        scores.filter(user=users["bertil"]).exists() and scores.filter(user=users["anna"]).exists()
    )
    counts = (Candidate.objects.count(), scores.count())
    assert seed_cycle(organization, users) == candidates
    assert (Candidate.objects.count(), scores.count()) == counts


def test_last_months_demo_report_is_published_once_with_its_pdf(
    db, settings, tmp_path, django_capture_on_commit_callbacks
):
    from reports.demo import DEMO_ANALYSES, seed_published_report
    from reports.document import document_from_dict
    from reports.models import PdfState, PublishedReport
    from reports.pdf import pdf_available

    settings.MEDIA_ROOT = str(tmp_path)
    organization, users = seed_people()
    install_default_catalogue(organization)
    seed_signals(organization, users)
    with django_capture_on_commit_callbacks(execute=True):
        report = seed_published_report(organization, users)
    document = document_from_dict(report.document)
    assert {signal.title for signal in document.signals} == set(DEMO_ANALYSES)
    assert all(signal.meaning and signal.audience for signal in document.signals)
    assert len(document.candidates) > len(DEMO_ANALYSES)
    # Written through the compose services, as an editor would: each text saved as a version.
    assert report.cycle.version == 2
    chosen = report.cycle.candidates.filter(decision="in")
    assert all(candidate.version == 3 for candidate in chosen)  # decided, then written
    report.refresh_from_db()
    if pdf_available():
        assert report.pdf_state == PdfState.READY
    assert seed_published_report(organization, users) == report
    assert PublishedReport.objects.count() == 1
