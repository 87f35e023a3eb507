"""The cycle's rules, for every caller: opening, carrying over, scoring, deciding, ordering."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from reports.models import Candidate, Decision, ReportCycle
from reports.services import (
    ALREADY_CANDIDATE,
    CandidateConflict,
    bounds_text,
    candidate_carry_over,
    candidate_decide,
    cycle_open,
    score_set,
    shortlist_reorder,
)
from reports.tasks import open_monthly_cycles
from signals.models import Status

from ..factories import CandidateFactory, OrganizationFactory, SignalFactory

pytestmark = pytest.mark.usefixtures("english")


def last_month():
    return timezone.localdate().replace(day=1) - timedelta(days=3)


def titles(cycle):
    return sorted(Candidate.objects.filter(cycle=cycle).values_list("signal__title", flat=True))


def test_opening_takes_the_months_logged_signals_only(kommun, other_kommun, members):
    SignalFactory(organization=kommun, title="Loggad")
    SignalFactory(organization=kommun, title="Utkast", status=Status.DRAFT)
    SignalFactory(organization=kommun, title="Arkiverad", status=Status.ARCHIVED)
    SignalFactory(
        organization=kommun,
        title="Förra månaden",
        created_at=timezone.now().replace(day=1) - timedelta(days=3),
    )
    SignalFactory(organization=other_kommun, title="Grannens")
    cycle = cycle_open(organization=kommun, month=timezone.localdate())
    assert cycle.month == timezone.localdate().replace(day=1)
    assert titles(cycle) == ["Loggad"]


def test_opening_twice_is_the_same_cycle_and_adds_only_new_signals(kommun, members):
    SignalFactory(organization=kommun, title="Första")
    first = cycle_open(organization=kommun, month=timezone.localdate())
    again = cycle_open(organization=kommun, month=timezone.localdate())
    assert first.pk == again.pk
    assert titles(first) == ["Första"]
    SignalFactory(organization=kommun, title="Andra")
    cycle_open(organization=kommun, month=timezone.localdate())
    assert titles(first) == ["Andra", "Första"]
    assert ReportCycle.objects.filter(organization=kommun).count() == 1


def test_only_an_editor_opens_a_cycle_by_hand(kommun, members):
    with pytest.raises(ValidationError):
        cycle_open(organization=kommun, month=timezone.localdate(), user=members["scanner"])
    assert cycle_open(organization=kommun, month=timezone.localdate(), user=members["editor"])


def test_the_periodic_task_opens_a_cycle_for_every_organisation(kommun, other_kommun):
    third = OrganizationFactory(catalogue=False)
    open_monthly_cycles.delay()
    month = timezone.localdate().replace(day=1)
    for organization in (kommun, other_kommun, third):
        assert ReportCycle.objects.filter(organization=organization, month=month).exists()
    open_monthly_cycles.delay()  # safe twice
    assert ReportCycle.objects.filter(month=month).count() == 3


def test_carry_over_takes_an_earlier_logged_signal_once(kommun, members, cycle):
    earlier = SignalFactory(
        organization=kommun, created_at=timezone.now().replace(day=1) - timedelta(days=40)
    )
    candidate = candidate_carry_over(cycle=cycle, signal=earlier, user=members["editor"])
    assert candidate.carried_over
    with pytest.raises(ValidationError) as refused:
        candidate_carry_over(cycle=cycle, signal=earlier, user=members["editor"])
    assert refused.value.message_dict == {"signal": [str(ALREADY_CANDIDATE)]}


def test_carry_over_refuses_this_months_drafts_and_scanners(kommun, members, cycle):
    this_month = Candidate.objects.filter(cycle=cycle).first().signal
    with pytest.raises(ValidationError):
        candidate_carry_over(cycle=cycle, signal=this_month, user=members["editor"])
    draft = SignalFactory(
        organization=kommun,
        status=Status.DRAFT,
        created_at=timezone.now().replace(day=1) - timedelta(days=40),
    )
    with pytest.raises(ValidationError):
        candidate_carry_over(cycle=cycle, signal=draft, user=members["editor"])
    earlier = SignalFactory(
        organization=kommun, created_at=timezone.now().replace(day=1) - timedelta(days=40)
    )
    with pytest.raises(ValidationError):
        candidate_carry_over(cycle=cycle, signal=earlier, user=members["scanner"])


def test_a_score_is_one_per_member_and_replaced(kommun, members, cycle):
    candidate = Candidate.objects.filter(cycle=cycle).first()
    score_set(candidate=candidate, user=members["scanner"], relevance=3, urgency=1)
    score = score_set(
        candidate=candidate,
        user=members["scanner"],
        relevance="2",
        urgency="3",
        comment="Viktig\nför skolan \u202e",
    )
    assert candidate.scores.count() == 1
    assert (score.relevance, score.urgency, score.comment) == (2, 3, "Viktig för skolan")


@pytest.mark.parametrize(
    "values",
    [
        {"relevance": 0, "urgency": 2},
        {"relevance": 2, "urgency": "4"},
        {"relevance": None, "urgency": 1},
    ],
)
def test_scores_outside_1_to_3_are_refused(members, cycle, values):
    candidate = Candidate.objects.filter(cycle=cycle).first()
    with pytest.raises(ValidationError):
        score_set(candidate=candidate, user=members["scanner"], **values)
    assert not candidate.scores.exists()


def test_long_comments_management_and_staff_are_refused(members, cycle):
    candidate = Candidate.objects.filter(cycle=cycle).first()
    with pytest.raises(ValidationError):
        score_set(
            candidate=candidate, user=members["scanner"], relevance=1, urgency=1, comment="x" * 201
        )
    for role in ("management", "staff"):
        with pytest.raises(ValidationError):
            score_set(candidate=candidate, user=members[role], relevance=1, urgency=1)


def test_deciding_is_the_editors_and_conflict_safe(members, cycle):
    candidate = Candidate.objects.filter(cycle=cycle).first()
    with pytest.raises(ValidationError):
        candidate_decide(
            candidate=candidate, user=members["scanner"], decision="in", expected_version=1
        )
    decided = candidate_decide(
        candidate=candidate, user=members["editor"], decision="in", expected_version=1
    )
    assert (decided.decision, decided.version, decided.position) == (Decision.IN, 2, 1)
    with pytest.raises(CandidateConflict) as conflict:
        candidate_decide(
            candidate=candidate, user=members["admin"], decision="out", expected_version=1
        )
    assert conflict.value.current.decision == Decision.IN
    candidate.refresh_from_db()
    assert candidate.decision == Decision.IN


def test_reordering_the_shortlist(members, cycle):
    chosen = list(Candidate.objects.filter(cycle=cycle).order_by("pk"))
    for candidate in chosen:
        candidate_decide(
            candidate=candidate, user=members["editor"], decision="in", expected_version=1
        )
    ids = [candidate.pk for candidate in reversed(chosen)]
    shortlist_reorder(cycle=cycle, user=members["editor"], candidate_ids=ids)
    order = Candidate.objects.filter(cycle=cycle).order_by("position").values_list("pk", flat=True)
    assert list(order) == ids
    with pytest.raises(ValidationError):
        shortlist_reorder(cycle=cycle, user=members["editor"], candidate_ids=ids[:2])
    with pytest.raises(ValidationError):
        shortlist_reorder(cycle=cycle, user=members["scanner"], candidate_ids=ids)


def test_the_bounds_say_5_to_10(cycle):
    with translation.override("en"):
        assert bounds_text(cycle) == "A report has at least 5 and at most 10 signals."


def test_a_published_cycle_takes_no_scores(members, cycle):
    cycle.state = "published"
    cycle.save()
    candidate = CandidateFactory(cycle=cycle)
    with pytest.raises(ValidationError):
        score_set(candidate=candidate, user=members["scanner"], relevance=1, urgency=1)
    assert cycle_open(organization=cycle.organization, month=cycle.month).pk == cycle.pk
