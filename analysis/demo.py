"""The demo's trend analyses for `manage.py seed_demo`: last year's, published, and this
year's, begun.

Last year's ("Trendanalys 2025" when run in 2026) rests on signals of that year, logged here
and dated back like the rest of the demo (the register's other demo signals are of the last
twelve months). The group adjusted SKR's trends for the year the way the method expects: one
renamed, one merged into another, one retired, one added after the committees' input, and
assessed each in a few paragraphs. Written through the services, as people would; publishing
freezes it. Safe to run twice: a year that has an analysis is left as it is, and signals are
added only when their title is missing.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from signals.demo import (
    ANVANDARE,
    DEMOKRATI,
    DIGITALISERING,
    HALLBARHET,
    HANDLINGSUTRYMME,
    KLIMAT,
    KOMPETENS,
    LARANDE,
    LIVSMONSTER,
    NYA_ARBETSSATT,
    POLARISERING,
    SAMHALLSBYGGNAD,
    SARBARHET,
    TILLIT,
    VALFARD,
    VALFARDSBROTT,
)
from signals.models import Area, Level, Signal, Source, Trend
from signals.services import SourceData, signal_create

from .models import AnalysisTrend, TrendAnalysis
from .services import (
    analysis_publish,
    analysis_start,
    analysis_update,
    input_add,
    trend_add,
    trend_merge,
    trend_retire,
    trend_update,
)


@dataclass(frozen=True)
class YearSignal:
    title: str
    level: str
    area: str
    trends: tuple[str, ...]
    source: tuple[str, str]  # (url, name)
    why: str
    by: str
    month: int  # of last year
    horizon: str
    impact: int


Y = YearSignal
LAST_YEAR_SIGNALS = [
    Y("Halland tar fram regional AI-strategi", Level.NEAR, DIGITALISERING, (ANVANDARE,),
      ("https://www.regionhalland.se/ai-strategi", "Region Halland"),
      "Våra e-tjänster och vår kundtjänst behöver följa samma principer som regionens.",
      "anna", 2, "1-3", 3),
    Y("Invånare förväntar sig e-tjänster dygnet runt", Level.OUTER, DIGITALISERING, (ANVANDARE,),
      ("https://www.digg.se/analys-och-uppfoljning", "Digg"),
      "Vår kontaktcenter får fler ärenden kvällstid än vi har bemanning för.",
      "bertil", 4, "now", 2),
    Y("Yrkesvux med lärlingsplatser ökar i regionen", Level.NEAR, KOMPETENS, (LARANDE,),
      ("https://www.gr.to/vuxenutbildning", "Göteborgsregionen"),
      "Vår vuxenutbildning kan fylla bristyrken inom vård och omsorg.",
      "anna", 3, "1-3", 3),
    Y("Upphandling med klimatkrav sänker kostnader i Varberg", Level.NEAR, KLIMAT, (HALLBARHET,),
      ("https://www.varberg.se/nyheter", "Varbergs kommun"),
      "Vi har liknande avtal för livsmedel och transporter som löper ut nästa år.",
      "bertil", 5, "1-3", 2),
    Y("EU:s taxonomi når kommunala bolag", Level.OUTER, KLIMAT, (HALLBARHET, HANDLINGSUTRYMME),
      ("https://finance.ec.europa.eu/sustainable-finance", "Europeiska kommissionen"),
      "Eksta Bostads AB och energibolaget behöver rapportera enligt taxonomin.",
      "anna", 6, "3-10", 3),
    Y("Fler unga uppger ensamhet i Skolenkäten", Level.OUTER, VALFARD, (POLARISERING,),
      ("https://www.skolinspektionen.se/skolenkaten", "Skolinspektionen"),
      "Elevhälsan i Kungsbacka ser samma mönster på högstadiet.",
      "bertil", 3, "now", 3),
    Y("Statsbidragen till kommunerna blir mer riktade", Level.OUTER, DEMOKRATI,
      (HANDLINGSUTRYMME,),
      ("https://www.regeringen.se/statsbudgeten", "Regeringen"),
      "Riktade bidrag binder upp vår planering och kräver mer administration.",
      "anna", 9, "1-3", 3),
    Y("Regionen och kommunerna samordnar nära vård", Level.NEAR, VALFARD, (HANDLINGSUTRYMME,),
      ("https://www.regionhalland.se/nara-vard", "Region Halland"),
      "Hemsjukvården i Kungsbacka påverkas direkt av hur ansvaret delas.",
      "bertil", 10, "1-3", 4),
    Y("Medborgarlöften mellan polis och kommun förnyas", Level.INNER, DEMOKRATI, (TILLIT,),
      ("https://www.kungsbacka.se/trygghet", "Kungsbacka kommun"),
      "Tryggheten i centrala Kungsbacka och Onsala bygger på att löftena följs upp.",
      "anna", 4, "now", 2),
    Y("Felaktiga utbetalningar: ny myndighet granskar kommuner", Level.OUTER, VALFARD,
      (VALFARDSBROTT, TILLIT),
      ("https://www.utbetalningsmyndigheten.se", "Utbetalningsmyndigheten"),
      "Vår hemtjänst och vårt ekonomiska bistånd behöver kontroller som håller.",
      "bertil", 8, "1-3", 3),
    Y("Försöksverksamhet med tillitsbaserad styrning i äldreomsorgen", Level.INNER, VALFARD,
      (NYA_ARBETSSATT, TILLIT),
      ("https://www.kungsbacka.se/aldreomsorg", "Kungsbacka kommun"),
      "Våra egna enheter prövar färre detaljmål och mer ansvar i teamen.",
      "anna", 9, "1-3", 2),
    Y("Skyfall i Kungsbacka centrum översvämmar källare", Level.INNER, SAMHALLSBYGGNAD,
      (SARBARHET,),
      ("https://www.kungsbacka.se/nyheter", "Kungsbacka kommun"),
      "Dagvattensystemet i centrum klarade inte regnet; fler skyfall väntas.",
      "bertil", 8, "now", 4),
    Y("Totalförsvaret: kommunerna ska planera för höjd beredskap", Level.OUTER, SAMHALLSBYGGNAD,
      (SARBARHET, HANDLINGSUTRYMME),
      ("https://www.msb.se/sv/amnesomraden/krisberedskap-och-civilt-forsvar", "MSB"),
      "Vi behöver kontinuitetsplaner för vatten, värme och omsorg under kris.",
      "anna", 11, "3-10", 4),
    Y("Distansarbete håller i sig hos regionens arbetsgivare", Level.NEAR, SAMHALLSBYGGNAD,
      (LIVSMONSTER,),
      ("https://www.vastsvenskahandelskammaren.se", "Västsvenska Handelskammaren"),
      "Inflyttare arbetar delvis hemifrån; det påverkar pendling och lokalbehov.",
      "bertil", 5, "3-10", 2),
]  # fmt: skip

NEW_COOPERATION = "Samhällsutmaningar kräver samverkan över gränser"
ENERGY = "Energiomställningen blir lokal"


@dataclass(frozen=True)
class Assessment:
    meaning: str
    opportunities: str
    risks: str


ASSESSMENTS = {
    LARANDE: Assessment(
        "Kompetensbristen inom vård, omsorg och skola är kommunens största planeringsrisk "
        "de kommande åren. Årets signaler visar att regionen satsar på yrkesvux och "
        "lärlingsplatser, och att behovet av omställning gäller även våra egna anställda.\n\n"
        "För Kungsbacka betyder det att vuxenutbildningen blir en del av "
        "kompetensförsörjningen, inte bara en utbildningsfråga.",
        "- Yrkesvux i samarbete med våra egna verksamheter som praktikplatser.\n"
        "- Validering av utländsk kompetens för undersköterskor och förskollärare.",
        "Utan samordning konkurrerar vi med grannkommunerna om samma elever och handledare.",
    ),
    ANVANDARE: Assessment(
        "Invånarna jämför våra tjänster med bankens och handelns. De förväntar sig att "
        "kunna följa ett ärende digitalt och få svar utanför kontorstid.\n\n"
        "Regionens AI-strategi ger en ram vi kan ansluta oss till i stället för att bygga "
        "egna principer från början.",
        "Automatiserad vägledning i kontaktcenter och e-tjänster som frigör tid för de "
        "ärenden som kräver en människa.",
        "Digitalt utanförskap bland äldre och nyanlända; beroende av ett fåtal leverantörer.",
    ),
    HALLBARHET: Assessment(
        "Hållbarhetskrav har gått från frivilliga ambitioner till krav i upphandling och "
        "rapportering. Våra bolag berörs av EU:s taxonomi, och grannkommuner visar att "
        "klimatkrav kan sänka kostnader.",
        "Samordnade upphandlingar med klimatkrav när livsmedels- och transportavtalen förnyas.",
        "Rapporteringskraven kan bli en administrativ börda för de mindre bolagen.",
    ),
    POLARISERING: Assessment(
        "Skillnaderna mellan kommundelarna växer, och allt fler unga uppger att de känner "
        "sig ensamma. Socialnämnden ser samma bild i sina ärenden.\n\n"
        "Kungsbacka behöver följa utvecklingen per område, inte bara som kommunsnitt.",
        "Förebyggande arbete tillsammans med föreningslivet och skolan, särskilt för "
        "högstadieelever.",
        "Ökad psykisk ohälsa bland unga, och att insatser hamnar där behoven redan syns "
        "i stället för där de växer.",
    ),
    HANDLINGSUTRYMME: Assessment(
        "Staten styr i högre grad med riktade bidrag och nya uppdrag, samtidigt som "
        "ansvaret för nära vård och beredskap förändras. Det lokala handlingsutrymmet "
        "krymper i budgeten, även när kostnaderna växer.",
        "Gemensamma lösningar med Göteborgsregionen och Region Halland där vi är för små "
        "att bära kostnaden själva.",
        "Bidrag som kräver medfinansiering låser framtida budgetår; otydligt ansvar i den "
        "nära vården.",
    ),
    TILLIT: Assessment(
        "Tillit är en förutsättning för att invånarna ska använda våra tjänster och följa "
        "våra beslut. Årets signaler visar två sidor av samma fråga: medborgarlöften och "
        "tillitsbaserad styrning bygger förtroende, medan felaktiga utbetalningar och "
        "välfärdsbrottslighet urholkar det.\n\n"
        "Trenden omfattar i år också välfärdsbrottsligheten, som gruppen har slagit ihop "
        "med den.",
        "Tillitsbaserad styrning i fler verksamheter; öppen redovisning av hur vi kontrollerar "
        "utbetalningar.",
        "Att kontrollerna blir så tunga att de drabbar de invånare som har rätt till stöd.",
    ),
    NYA_ARBETSSATT: Assessment(
        "Trenden heter i SKR:s katalog något annat; gruppen har i år betonat samverkan, "
        "eftersom de största utmaningarna – omsorgen om äldre, tryggheten och klimatet – "
        "inte ryms i en förvaltning.\n\n"
        "Försöket med tillitsbaserad styrning i äldreomsorgen är ett exempel på arbetssätt "
        "som kan spridas.",
        "Gemensamma mål över förvaltningsgränserna i budgeten.",
        "Otydligt ansvar när fler arbetar tillsammans.",
    ),
    SARBARHET: Assessment(
        "Sommarens skyfall i centrum och kraven på planering för höjd beredskap visar att "
        "samhällets sårbarhet inte längre är en teoretisk fråga för Kungsbacka.",
        "Klimatanpassning och beredskap kan planeras tillsammans: samma åtgärder skyddar "
        "mot både skyfall och avbrott.",
        "Stora investeringar i dagvatten och reservkraft konkurrerar med välfärden om "
        "samma pengar.",
    ),
    ENERGY: Assessment(
        "Miljö- och hälsoskyddsnämnden lyfte att energiomställningen allt oftare sker "
        "lokalt, genom solceller, energigemenskaper och laddinfrastruktur. Gruppen har "
        "därför lagt till trenden för året; signalerna om den loggas under kommande år.",
        "Kommunens tak och mark kan bli en del av en lokal energigemenskap.",
        "Elnätets kapacitet i Kungsbacka kan begränsa nya etableringar.",
    ),
}

INPUTS = [
    ("Socialnämnden", POLARISERING,
     "Vi ser fler orosanmälningar om unga som mår dåligt och en ökad ensamhet bland äldre. "
     "Förebyggande insatser behöver prioriteras i budgeten."),
    ("Barn- och utbildningsnämnden", LARANDE,
     "Lärarbristen är störst i förskolan och i matematik. Vi vill pröva fler vägar in i "
     "yrket tillsammans med vuxenutbildningen."),
    ("Förvaltningen för Service", ANVANDARE,
     "Kontaktcenter tar emot en tredjedel av ärendena efter klockan 17. Självservice och "
     "bättre e-tjänster är nödvändiga."),
    ("Miljö- och hälsoskyddsnämnden", ENERGY,
     "Intresset för lokala energigemenskaper ökar snabbt bland företag och föreningar. "
     "Kommunen bör ta ställning till sin roll."),
    ("Kommunstyrelsens förvaltning", None,
     "Trendanalysen är underlag för budgetdialogen i april. Gruppen ombeds lyfta de trender "
     "där kostnaderna växer snabbast."),
]  # fmt: skip

SUMMARY = (
    "Året präglades av en stramare ekonomi, ökade krav från staten och EU och en tydligare "
    "bild av samhällets sårbarhet. Gruppen har utgått från SKR:s trender och anpassat dem "
    "till Kungsbacka: en trend har bytt namn, välfärdsbrottsligheten har slagits ihop med "
    "tillitstrenden, livsmönstertrenden vilar i år och energiomställningen har tillkommit "
    "efter Miljö- och hälsoskyddsnämndens inspel.\n\n"
    "Tre trender väger tyngst inför budgeten: kompetensförsörjningen, det krympande lokala "
    "handlingsutrymmet och sårbarheten."
)


def _year_signal_when(year: int, month: int, index: int) -> datetime:
    return datetime(
        year, month, 6 + (index * 5) % 20, 8 + index % 8, (index * 13) % 60,
        tzinfo=timezone.get_current_timezone(),
    )  # fmt: skip


@transaction.atomic
def _log(organization, demo: YearSignal, when, user, areas, trends) -> None:
    url, name = demo.source
    signal = signal_create(
        organization=organization,
        user=user,
        title=demo.title,
        motivation=demo.why,
        level=demo.level,
        area=areas.get(demo.area),
        trends=[trends[name] for name in demo.trends if name in trends],
        sources=[SourceData(url=url, name=name, published_on=(when - timedelta(days=1)).date())],
        time_horizon=demo.horizon,
        impact=demo.impact,
    )
    Signal.objects.filter(pk=signal.pk).update(created_at=when, updated_at=when)
    signal.history.filter(history_type="+").update(history_date=when)
    Source.history.filter(signal_id=signal.pk).update(history_date=when)


def seed_year_signals(organization, users: dict, year: int) -> int:
    existing = set(Signal.objects.filter(organization=organization).values_list("title", flat=True))
    areas = {area.name: area for area in Area.objects.filter(organization=organization)}
    trends = {trend.name: trend for trend in Trend.objects.filter(organization=organization)}
    added = 0
    for index, demo in enumerate(LAST_YEAR_SIGNALS):
        if demo.title not in existing:
            when = _year_signal_when(year, demo.month, index)
            _log(organization, demo, when, users.get(demo.by), areas, trends)
            added += 1
    return added


def _entry(analysis, name) -> AnalysisTrend | None:
    return AnalysisTrend.objects.filter(analysis=analysis, name=name).first()


def _assess(entry: AnalysisTrend, user, assessment: Assessment, name: str | None = None) -> None:
    trend_update(
        entry=entry,
        user=user,
        name=name or entry.name,
        description=entry.description,
        driving_force=entry.driving_force,
        meaning=assessment.meaning,
        opportunities=assessment.opportunities,
        risks=assessment.risks,
    )


def seed_last_year(organization, users: dict, year: int) -> TrendAnalysis | None:
    """Last year's analysis, adjusted, assessed and published by the editor."""
    if TrendAnalysis.objects.filter(organization=organization, year=year).exists():
        return None
    anna, bertil = users["anna"], users["bertil"]
    analysis = analysis_start(organization=organization, user=anna, year=year)
    analysis_update(analysis=analysis, user=anna, title=analysis.title, summary=SUMMARY)
    if (retired := _entry(analysis, LIVSMONSTER)) is not None:
        trend_retire(entry=retired, user=bertil)
    welfare_crime, trust = _entry(analysis, VALFARDSBROTT), _entry(analysis, TILLIT)
    if welfare_crime is not None and trust is not None:
        trend_merge(entry=welfare_crime, into=trust, user=anna)
    trend_add(
        analysis=analysis,
        user=anna,
        name=ENERGY,
        driving_force="Klimat",
        description="Solceller, energigemenskaper och laddinfrastruktur byggs ut lokalt.",
    )
    for name, assessment in ASSESSMENTS.items():
        entry = _entry(analysis, name)
        if entry is None or not entry.is_assessed:
            continue
        renamed = NEW_COOPERATION if name == NYA_ARBETSSATT else None
        _assess(entry, bertil if name in (POLARISERING, SARBARHET) else anna, assessment, renamed)
    for source, trend_name, text in INPUTS:
        if trend_name == NYA_ARBETSSATT:
            trend_name = NEW_COOPERATION
        entry = _entry(analysis, trend_name) if trend_name else None
        input_add(analysis=analysis, user=bertil, source=source, text=text, trend=entry)
    # Whatever an admin has added to the catalogue since: a sentence, so it can be published.
    for entry in AnalysisTrend.objects.filter(
        analysis=analysis, merged_into__isnull=True, retired=False, meaning=""
    ):
        trend_update(
            entry=entry,
            user=anna,
            name=entry.name,
            driving_force=entry.driving_force,
            meaning="Gruppen bedömer att trenden påverkar Kungsbacka men inte ändrar "
            "budgetens inriktning i år.",
        )
    analysis_publish(analysis=analysis, user=anna)
    # Published in March, in time for the budget dialogue in April.
    published = min(
        timezone.now(),
        datetime(year + 1, 3, 12, 10, tzinfo=timezone.get_current_timezone()),
    )
    TrendAnalysis.objects.filter(pk=analysis.pk).update(published_at=published)
    snapshot = dict(analysis.snapshot or {})
    snapshot["published_on"] = timezone.localdate(published).isoformat()
    TrendAnalysis.objects.filter(pk=analysis.pk).update(snapshot=snapshot)
    return analysis


def seed_this_year(organization, users: dict, year: int) -> TrendAnalysis | None:
    """This year's analysis, begun: two trends assessed, one input recorded."""
    if TrendAnalysis.objects.filter(organization=organization, year=year).exists():
        return None
    anna, bertil = users["anna"], users["bertil"]
    analysis = analysis_start(organization=organization, user=bertil, year=year)
    for name in (ANVANDARE, SARBARHET):
        entry = _entry(analysis, name)
        if entry is not None:
            _assess(entry, bertil, ASSESSMENTS[name])
    entry = _entry(analysis, HANDLINGSUTRYMME)
    input_add(
        analysis=analysis,
        user=anna,
        source="Kommunstyrelsens förvaltning",
        text="Budgetdialogen flyttas till mars; analysen behöver vara klar i februari.",
        trend=None,
    )
    if entry is not None:
        input_add(
            analysis=analysis,
            user=anna,
            source="Vård- och omsorgsnämnden",
            text="Överflyttningen av hemsjukvård från regionen kostar mer än beräknat.",
            trend=entry,
        )
    return analysis


def seed_trend_analyses(organization, users: dict) -> tuple[TrendAnalysis | None, int]:
    """Last year's analysis published and this year's begun; returns last year's (or None if
    it was there already) and how many of last year's signals were added."""
    this_year = timezone.localdate().year
    added = seed_year_signals(organization, users, this_year - 1)
    published = seed_last_year(organization, users, this_year - 1)
    seed_this_year(organization, users, this_year)
    return published, added
