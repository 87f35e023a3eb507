"""The demo's follow-up for `manage.py seed_demo`: last month's Kungsbacka report with actions
on its signals, owned by Lena (management), Anna (editor), Mats (staff) and departments, in
every status; one of Mats's is overdue, so it heads the follow-up page and his start page.

Written through the services, as people would, then dated back like the demo signals: an
action decided a while ago whose due date has passed cannot be made today (the service
refuses a past due date), so its due date and the history record that holds it are moved
afterwards. Safe to run twice: a report that has any follow-up is left as it is.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from reports.models import Candidate, Decision, PublishedReport

from .models import Action, ActionKind, ActionStatus, ReportedSignal
from .services import action_create, action_status_set, reported_signal_answer


@dataclass(frozen=True)
class DemoAction:
    signal: str  # the signal's title in the report
    kind: str
    title: str
    decided_by: str
    due_in_days: int  # negative: overdue
    owner: str = ""  # a demo username
    department: str = ""
    # (status, note, by whom) in order, after it was proposed.
    moves: tuple[tuple[str, str, str], ...] = ()


ECONOMY = "SKR: kommunernas resultat försämras nästa år"
FEWER_CHILDREN = "Färre barn föds – förskolor i landet står halvtomma"
ACCESSIBILITY = "Tillgänglighetslagen gäller nu även e-tjänster och e-handel"
AI_ACT = "EU:s AI-förordning börjar gälla i etapper"
HEATWAVES = "Värmeböljor – ny vägledning för äldreboenden"
ENERGY = "Lokala energigemenskaper växer i Halland"

DEMO_ACTIONS = [
    DemoAction(
        signal=ACCESSIBILITY,
        kind=ActionKind.INVESTIGATION,
        title="Inventera e-tjänster och betalflöden mot tillgänglighetskraven",
        decided_by="lena",
        owner="mats",
        due_in_days=-4,
        moves=(
            (ActionStatus.AGREED, "Beslutat i ledningsgruppen.", "lena"),
            (ActionStatus.IN_PROGRESS, "Hälften av e-tjänsterna är genomgångna.", "mats"),
        ),
    ),
    DemoAction(
        signal=ECONOMY,
        kind=ActionKind.INVESTIGATION,
        title="Pröva budgetramarna mot SKR:s nya prognos",
        decided_by="lena",
        owner="lena",
        due_in_days=12,
        moves=((ActionStatus.AGREED, "Tas upp inför vårens ramärende.", "lena"),),
    ),
    DemoAction(
        signal=FEWER_CHILDREN,
        kind=ActionKind.REFERRAL,
        title="Uppdatera lokalförsörjningsplanen med den nya befolkningsprognosen",
        decided_by="anna",
        department="Förskole- och grundskoleförvaltningen",
        due_in_days=40,
        moves=(
            (ActionStatus.AGREED, "", "lena"),
            (ActionStatus.IN_PROGRESS, "Prognosen är beställd från statistikenheten.", "lena"),
        ),
    ),
    DemoAction(
        signal=FEWER_CHILDREN,
        kind=ActionKind.EXPERIMENT,
        title="Försök med flexibla lokaler i den nya förskolan i Kolla",
        decided_by="anna",
        owner="anna",
        due_in_days=90,
    ),
    DemoAction(
        signal=AI_ACT,
        kind=ActionKind.INVESTIGATION,
        title="Förteckna de AI-system kommunen använder",
        decided_by="anna",
        owner="admin",
        due_in_days=20,
        moves=(
            (ActionStatus.AGREED, "", "lena"),
            (ActionStatus.DONE, "Förteckningen finns på intranätet: sju system.", "admin"),
        ),
    ),
    DemoAction(
        signal=AI_ACT,
        kind=ActionKind.REFERRAL,
        title="Dataskyddsombudet bedömer riskklassen för varje AI-system",
        decided_by="lena",
        department="Kommunledningskontoret",
        due_in_days=60,
        moves=((ActionStatus.AGREED, "Uppdraget ges i december.", "lena"),),
    ),
    DemoAction(
        signal=HEATWAVES,
        kind=ActionKind.WATCH,
        title="Bevaka hur vägledningen för äldreboenden tillämpas i grannkommunerna",
        decided_by="anna",
        department="Vård och omsorg",
        due_in_days=150,
    ),
    DemoAction(
        signal=ENERGY,
        kind=ActionKind.INVESTIGATION,
        title="Utred om kommunala fastigheter kan ingå i en energigemenskap",
        decided_by="lena",
        department="Fastighetsförvaltningen",
        due_in_days=75,
        moves=((ActionStatus.DROPPED, "Prioriteras inte i år; tas upp igen i budgeten.", "lena"),),
    ),
]

# Title → the three questions: which risk or opportunity, what we can do, what success is.
DEMO_QUESTIONS = {
    ECONOMY: (
        "En risk: mindre marginal för investeringar medan befolkningen växer.",
        "Pröva budgetramarna och investeringsplanens ordning mot prognosen.",
        "Vårens ramärende bygger på den nya prognosen.",
    ),
    ACCESSIBILITY: (
        "En risk: tillsyn, och invånare som inte kan använda våra e-tjänster.",
        "Inventera tjänsterna och ställ kraven i varje ny upphandling.",
        "Alla e-tjänster klarar kraven före nästa sommar.",
    ),
}


def seed_followup(report: PublishedReport | None, users: dict) -> int:
    """The demo's actions on last month's report; returns how many were added (none when the
    report already has a follow-up)."""
    if report is None or ReportedSignal.objects.filter(cycle_id=report.cycle_id).exists():
        return 0
    cycle = report.cycle
    signals = {
        candidate.signal.title: candidate.signal
        for candidate in Candidate.objects.filter(cycle=cycle, decision=Decision.IN).select_related(
            "signal"
        )
    }
    today = timezone.localdate()
    added = 0
    for demo in DEMO_ACTIONS:
        signal = signals.get(demo.signal)
        decided_by = users.get(demo.decided_by)
        if signal is None or decided_by is None:
            continue
        action = action_create(
            cycle=cycle,
            signal=signal,
            user=decided_by,
            kind=demo.kind,
            title=demo.title,
            due_on=today + timedelta(days=max(demo.due_in_days, 0)),
            owner=users.get(demo.owner),
            owner_department=demo.department,
        )
        for status, note, by in demo.moves:
            action_status_set(action=action, user=users[by], status=status, note=note)
        if demo.due_in_days < 0:
            # Decided with a due date that has since passed: as if decided weeks ago.
            due_on = today + timedelta(days=demo.due_in_days)
            Action.objects.filter(pk=action.pk).update(due_on=due_on)
            action.history.update(due_on=due_on)
        added += 1
    for title, answers in DEMO_QUESTIONS.items():
        if title in signals and users.get("lena") is not None:
            risk, can_do, success = answers
            reported_signal_answer(
                cycle=cycle,
                signal=signals[title],
                user=users["lena"],
                risk_or_opportunity=risk,
                what_we_can_do=can_do,
                success_looks_like=success,
            )
    return added
