"""The demo's open cycle for `manage.py seed_demo`: this month's candidates in Kungsbacka with
scores by Bertil (scanner) and Anna (editor), who disagree on a few. Safe to run twice: the
cycle is opened idempotently and a member's score is only added where they have none."""

from datetime import date, timedelta

from django.utils import timezone

from organizations.models import Organization

from .compose_services import candidate_analysis_save, cycle_introduction_save
from .models import Candidate, Decision, PublishedReport, Score
from .publish_services import report_publish
from .services import candidate_decide, cycle_open, score_set

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


# --- last month's published report ----------------------------------------------------------

DEMO_BASE_URL = "http://127.0.0.1:8000/"

DEMO_INTRODUCTION = """\
Månadens rapport lyfter sju signaler som ledningen i Kungsbacka bör känna till. Tre teman \
går igen: **kompetensförsörjningen** i skola och omsorg blir svårare samtidigt som \
barnkullarna minskar, **digitaliseringen** ställer nya krav på både tillgänglighet och \
regelefterlevnad, och **ekonomin** stramas åt när skatteintäkterna växer långsammare än \
kostnaderna.

Omvärldsgruppen har gått igenom månadens signaler, poängsatt dem efter relevans och \
brådska och valt ut dem som mest behöver diskuteras i förvaltningarnas planering inför \
nästa budgetår. Bilagan listar alla signaler som övervägdes."""

# Title → (what it means for us, possible consequences or actions, who should know).
DEMO_ANALYSES = {
    "SKR: kommunernas resultat försämras nästa år": (
        "Kungsbacka har räknat med ett resultat kring två procent av skatteintäkterna. SKR:s "
        "prognos tyder på att marginalen krymper redan nästa år, samtidigt som "
        "befolkningen fortsätter att växa och investeringsbehovet är stort.",
        "- Pröva budgetramarna mot SKR:s nya prognos före vårens ramärende.\n"
        "- Se över investeringsplanens tidsordning.",
        "Kommunledningen, ekonomichefen och förvaltningarnas ekonomer.",
    ),
    "Färre barn föds – förskolor i landet står halvtomma": (
        "Vår egen befolkningsprognos visar samma trend i de norra kommundelarna, medan "
        "inflyttningen håller uppe barnantalet i Kungsbacka stad. Planerade förskolor kan "
        "bli för stora där barnen blir färre.",
        "- Uppdatera lokalförsörjningsplanen med den nya prognosen.\n"
        "- Planera flexibla lokaler som kan bli skola eller äldreboende.",
        "Förskole- och grundskoleförvaltningen, lokalförsörjningen och samhällsbyggnad.",
    ),
    "Bristen på förskollärare väntas bestå till mitten av 2030-talet": (
        "Samtidigt som barnen blir färre i landet fortsätter bristen på behöriga förskollärare. "
        "Kungsbacka konkurrerar med Göteborg om samma utbildade personal.",
        "- Utveckla vägar för barnskötare att utbilda sig med lön.\n"
        "- Samverka med Högskolan i Halmstad om verksamhetsförlagd utbildning.",
        "HR-avdelningen och förskolans ledning.",
    ),
    "Tillgänglighetslagen gäller nu även e-tjänster och e-handel": (
        "Flera av kommunens e-tjänster och betallösningar omfattas. Brister kan leda till "
        "tillsyn och, viktigare, till att invånare inte kan använda tjänsterna.",
        "- Inventera e-tjänster och betalflöden mot de nya kraven.\n"
        "- Ställ tillgänglighetskrav i alla nya upphandlingar.",
        "Digitaliseringsenheten, upphandling och kommunikationsavdelningen.",
    ),
    "EU:s AI-förordning börjar gälla i etapper": (
        "Kommunen prövar redan AI-stöd, bland annat i socialtjänstens dokumentation. "
        "Förordningen ställer krav på riskbedömning och öppenhet för sådana system.",
        "- Ta fram en förteckning över de AI-system kommunen använder.\n"
        "- Ge dataskyddsombudet och juristerna uppdraget att bedöma riskklasserna.",
        "Kommunledningen, IT-chefen, dataskyddsombudet och socialtjänsten.",
    ),
    "Värmeböljor – ny vägledning för äldreboenden": (
        "Sommaren 2018 och 2022 visade att flera av våra äldreboenden blir för varma. Den nya "
        "vägledningen gör det tydligare vad som förväntas av oss som huvudman.",
        "- Gå igenom handlingsplanerna för värmebölja före sommaren.\n"
        "- Prioritera solskydd och kyla i fastighetsunderhållet.",
        "Vård och omsorg, fastighetsförvaltningen och krisberedskapen.",
    ),
    "Lokala energigemenskaper växer i Halland": (
        "Energigemenskaper kan sänka kostnader och öka robustheten i områden där kommunen "
        "själv äger fastigheter. Intresset finns redan i flera av våra samhällen.",
        "- Utred om kommunala fastigheter kan ingå i en pilot.\n"
        "- Ge energi- och klimatrådgivningen underlag för att svara invånare.",
        "Samhällsbyggnad, fastighet och energi- och klimatrådgivningen.",
    ),
}


def _last_month(today) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def seed_published_report(organization: Organization, users: dict) -> PublishedReport | None:
    """Last month's cycle with scores, seven chosen signals with their analyses, published by
    Anna (so its PDF is built in-process when there is no broker). Everything goes through
    the services an editor's pages use (scoring, deciding, composing, publishing). Safe to
    run twice: a month already published is left as it is."""
    editor = users.get("anna")
    if editor is None:
        return None
    cycle = cycle_open(organization=organization, month=_last_month(timezone.localdate()))
    earlier = PublishedReport.objects.filter(cycle=cycle).order_by("-version").first()
    if earlier is not None:
        return earlier
    candidates = list(
        Candidate.objects.filter(cycle=cycle)
        .select_related("signal", "cycle")
        .order_by("signal__created_at", "pk")
    )
    scorers = [user for user in (users.get("bertil"), editor) if user is not None]
    for place, candidate in enumerate(candidates):
        chosen = candidate.signal.title in DEMO_ANALYSES
        for turn, user in enumerate(scorers):
            if Score.objects.filter(candidate=candidate, user=user).exists():
                continue
            relevance = 3 if chosen else 1 + (place + turn) % 2
            urgency = 3 if chosen and (place + turn) % 2 else 2 if chosen else 1 + place % 2
            score_set(candidate=candidate, user=user, relevance=relevance, urgency=urgency)
    order = list(DEMO_ANALYSES)
    for candidate in sorted(
        candidates,
        key=lambda c: order.index(c.signal.title) if c.signal.title in order else len(order),
    ):
        decision = Decision.IN if candidate.signal.title in DEMO_ANALYSES else Decision.OUT
        if candidate.decision != decision:
            candidate_decide(
                candidate=candidate,
                user=editor,
                decision=decision,
                expected_version=candidate.version,
            )
        if decision == Decision.IN:
            meaning, consequences, audience = DEMO_ANALYSES[candidate.signal.title]
            candidate_analysis_save(
                candidate=candidate,
                user=editor,
                expected_version=candidate.version,
                meaning=meaning,
                consequences=consequences,
                audience=audience,
            )
    cycle_introduction_save(
        cycle=cycle, user=editor, expected_version=cycle.version, introduction=DEMO_INTRODUCTION
    )
    return report_publish(cycle=cycle, user=editor, base_url=DEMO_BASE_URL)
