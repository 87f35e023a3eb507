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
