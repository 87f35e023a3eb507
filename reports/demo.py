"""The demo's open cycle for `manage.py seed_demo`: this month's candidates in Kungsbacka with
scores by Bertil (scanner) and Anna (editor), who disagree on a few. Safe to run twice: the
cycle is opened idempotently and a member's score is only added where they have none."""

from django.utils import timezone

from organizations.models import Organization

from .models import Candidate, Score
from .services import cycle_open, score_set

# (relevance, urgency) by the candidate's place in the list; Bertil scores most, Anna some,
# and they disagree on every fourth.
BERTIL_SCORES = [(3, 2), (2, 2), (1, 3), (3, 3), (2, 1), (1, 1), (3, 1), (2, 3)]
ANNA_SCORES = [(3, 3), (2, 1), (3, 3), (1, 1)]


def seed_cycle(organization: Organization, users: dict) -> int:
    """Open this month's cycle and enter the demo scores; returns the number of candidates."""
    cycle = cycle_open(organization=organization, month=timezone.localdate())
    candidates = list(
        Candidate.objects.filter(cycle=cycle)
        .select_related("cycle")
        .order_by("signal__created_at", "pk")
    )
    for user, pattern, share in (
        (users.get("bertil"), BERTIL_SCORES, 3),  # three in four
        (users.get("anna"), ANNA_SCORES, 2),  # every other
    ):
        if user is None:
            continue
        scored = set(
            Score.objects.filter(user=user, candidate__cycle=cycle).values_list(
                "candidate_id", flat=True
            )
        )
        for place, candidate in enumerate(candidates):
            if place % 4 >= share or candidate.pk in scored:
                continue
            relevance, urgency = pattern[place % len(pattern)]
            score_set(
                candidate=candidate,
                user=user,
                relevance=relevance,
                urgency=urgency,
                comment="Viktig för våra skolor" if place == 0 else "",
            )
    return len(candidates)
