"""The demo's earlier year, for `manage.py seed_demo`: so the overview has a shape to show.

``signals.demo`` logs this month's and last month's signals; these are the two to eleven
months before, fewer per month (the group was finding its rhythm), with the far horizon
(beyond ten years) the recent ones lack, and an area, Kultur och fritid, that the group
watched in the spring and has not looked at since: the start page's blind spot. Created
through the signal register's services and dated back, like the rest of the demo; running
it again adds only what is missing, by title.
"""

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
    DemoSignal,
)
from signals.models import Area, Level, Signal, Source, Trend
from signals.services import SourceData, signal_create
from signals.taxonomy_services import area_create

KULTUR = "Kultur och fritid"

S = DemoSignal
# months_ago: 2 to 11; at: how far into that month.
HISTORY = [
    S(
        "Havsnivån vid Hallandskusten kan stiga en meter till 2100",
        Level.OUTER, KLIMAT, (SARBARHET, HALLBARHET),
        (("https://www.smhi.se/klimat/stigande-havsnivaer", "SMHI"),),
        "SMHI:s nya beräkningar visar att högvattnet vid Hallandskusten kan ligga en meter "
        "högre om hundra år.",
        "stora delar av Onsala och Särö ligger lågt; översiktsplanen och va-nätet behöver "
        "räkna med högre vatten redan nu.",
        "anna", 11, 0.3, ("klimatanpassning",), "10+", 4, 2,
    ),
    S(
        "Befolkningsprognos: var fjärde invånare över 65 år 2040",
        Level.NEAR, VALFARD, (HANDLINGSUTRYMME, NYA_ARBETSSATT),
        (("https://www.regionhalland.se/statistik/befolkningsprognos", "Region Halland"),),
        "Regionens prognos visar att andelen äldre i Halland växer snabbast i Kungsbacka "
        "och Varberg.",
        "äldreomsorgen, hemtjänsten och bostadsplaneringen behöver dimensioneras för fler "
        "äldre med färre i arbetsför ålder.",
        "anna", 10, 0.5, ("demografi", "äldreomsorg"), "10+", 4, 3,
    ),
    S(
        "Biblioteken blir mötesplatser – besöken ökar igen",
        Level.OUTER, KULTUR, (LIVSMONSTER, TILLIT),
        (("https://www.kb.se/biblioteksstatistik", "Kungliga biblioteket"),),
        "Biblioteksstatistiken visar att besöken ökar för första gången på tio år, "
        "särskilt kvällar och helger.",
        "våra bibliotek i Kungsbacka och Onsala kan bli platser för samhällsinformation och "
        "digital hjälp.",
        "admin", 9, 0.4, ("bibliotek",), "1-3", 2, 2,
    ),
    S(
        "Autonoma bussar testas i linjetrafik i Göteborg",
        Level.NEAR, SAMHALLSBYGGNAD, (ANVANDARE,),
        (("https://www.vasttrafik.se/om-vasttrafik/nyheter", "Västtrafik"),),
        "Västtrafik testar självkörande bussar på en linje i Lindholmen under ett år.",
        "pendlingen till Göteborg och kollektivtrafiken i glesare kommundelar kan se helt "
        "annorlunda ut om tekniken håller.",
        "bertil", 9, 0.7, ("kollektivtrafik",), "10+", 3, 1,
    ),
    S(
        "Föreningslivet tappar ledare efter pandemin",
        Level.OUTER, KULTUR, (TILLIT, POLARISERING),
        (("https://www.rf.se/nyheter", "Riksidrottsförbundet"),),
        "Allt färre vill vara ideella ledare; barnidrotten drabbas först.",
        "kommunens föreningsbidrag och lokaler bygger på att föreningarna har ledare; "
        "barn och unga i Kungsbacka kan få färre aktiviteter.",
        "admin", 8, 0.2, ("föreningsliv",), "1-3", 3, 2,
    ),
    S(
        "Kungsbacka teater får färre besökare – publiken åldras",
        Level.INNER, KULTUR, (LIVSMONSTER,),
        (("https://www.kungsbacka.se/kultur", "Kulturförvaltningen"),),
        "Kulturförvaltningens egen uppföljning visar att publiken blir äldre och färre.",
        "utbudet och marknadsföringen behöver nå unga vuxna om teatern ska ha en publik "
        "om tio år.",
        "anna", 7, 0.6, ("kultur",), "3-10", 2, 3,
    ),
    S(
        "Regeringen utreder en nationell digital identitet",
        Level.OUTER, DIGITALISERING, (ANVANDARE, TILLIT),
        (("https://www.regeringen.se/pressmeddelanden", "Regeringen"),),
        "En statlig e-legitimation föreslås som komplement till bankernas.",
        "våra e-tjänster bygger på BankID; invånare utan bank-id kan få en väg in.",
        "bertil", 8, 0.6, ("e-tjänster",), "3-10", 3, 2,
    ),
    S(
        "Värmeböljor blir vanligare – fler dagar över 30 grader",
        Level.OUTER, KLIMAT, (SARBARHET,),
        (("https://www.smhi.se/klimat/framtidens-klimat", "SMHI"),),
        "Klimatscenarierna visar att antalet dagar med värmebölja fördubblas till mitten "
        "av seklet.",
        "äldreboenden, förskolor och skolor behöver svalare lokaler och skuggiga gårdar.",
        "anna", 7, 0.2, ("klimatanpassning", "äldreomsorg"), "10+", 3, 2,
    ),
    S(
        "Skolor i Göteborgsregionen delar på lärarvikarier",
        Level.NEAR, KOMPETENS, (LARANDE, NYA_ARBETSSATT),
        (("https://goteborgsregionen.se/nyheter", "Göteborgsregionen"),),
        "Fem kommuner startar en gemensam vikariepool för grundskolan.",
        "vi har samma brist på vikarier och kan gå med i poolen eller starta en egen.",
        "bertil", 6, 0.5, ("skola", "rekrytering"), "1-3", 2, 2,
    ),
    S(
        "Sommarlovsaktiviteter utan statsbidrag i år",
        Level.OUTER, KULTUR, (HANDLINGSUTRYMME,),
        (("https://www.socialstyrelsen.se/statsbidrag", "Socialstyrelsen"),),
        "Statsbidraget för lovaktiviteter för barn och unga dras in.",
        "kultur och fritid behöver besluta om sommarens aktiviteter ska finansieras av "
        "kommunen själv.",
        "admin", 5, 0.3, ("barn och unga",), "now", 3, 3,
    ),
    S(
        "Ny lag om skydd mot olyckor ställer krav på kommunens krisberedskap",
        Level.OUTER, SAMHALLSBYGGNAD, (SARBARHET,),
        (("https://www.msb.se/sv/aktuellt/nyheter", "MSB"),),
        "MSB:s föreskrifter skärper kraven på kommunernas risk- och sårbarhetsanalyser.",
        "vår risk- och sårbarhetsanalys ska uppdateras före årsskiftet; räddningstjänsten "
        "och förvaltningarna behöver samordnas.",
        "anna", 5, 0.6, ("krisberedskap",), "1-3", 3, 3,
    ),
    S(
        "Bidragsbrott mot assistansersättningen ökar i regionen",
        Level.NEAR, VALFARD, (VALFARDSBROTT,),
        (("https://www.forsakringskassan.se/nyheter", "Försäkringskassan"),),
        "Försäkringskassan ser fler misstänkta fall av felaktiga utbetalningar i Halland.",
        "våra egna utbetalningar inom LSS behöver samma kontroller; det handlar om "
        "skattepengar och om förtroendet.",
        "bertil", 4, 0.4, ("välfärdsbrott",), "now", 3, 2,
    ),
    S(
        "Medborgarbudget i Mölndal: invånarna fick fördela två miljoner",
        Level.NEAR, DEMOKRATI, (TILLIT,),
        (("https://www.molndal.se/nyheter", "Mölndals stad"),),
        "Över 3 000 invånare röstade om vilka lekplatser och mötesplatser som skulle byggas.",
        "ett sätt att nå dem som sällan deltar i samråd; passar våra nya bostadsområden.",
        "anna", 4, 0.7, ("delaktighet",), "1-3", 2, 2,
    ),
    S(
        "Elnätet i Halland räcker inte för nya industrier",
        Level.NEAR, SAMHALLSBYGGNAD, (HALLBARHET, HANDLINGSUTRYMME),
        (("https://www.svk.se/press-och-nyheter", "Svenska kraftnät"),),
        "Svenska kraftnät varnar för kapacitetsbrist i regionnätet till början av 2030-talet.",
        "nya verksamhetsområden i Kungsbacka kan få vänta på el; näringslivsstrategin "
        "behöver räkna med det.",
        "bertil", 3, 0.3, ("energi",), "3-10", 4, 2,
    ),
    S(
        "Allt fler unga mår psykiskt dåligt, visar Folkhälsomyndigheten",
        Level.OUTER, VALFARD, (POLARISERING, NYA_ARBETSSATT),
        (("https://www.folkhalsomyndigheten.se/nyheter", "Folkhälsomyndigheten"),),
        "Andelen unga med psykiska besvär har fördubblats sedan 1980-talet.",
        "elevhälsan, socialtjänsten och fritidsverksamheten behöver arbeta tillsammans "
        "tidigare.",
        "anna", 3, 0.5, ("barn och unga", "folkhälsa"), "3-10", 4, 3,
    ),
    S(
        "Kommunens egen medarbetarenkät: fler vill arbeta på distans",
        Level.INNER, KOMPETENS, (LIVSMONSTER, LARANDE),
        (("https://intranat.kungsbacka.se/medarbetarenkat", "HR-avdelningen"),),
        "Var tredje medarbetare med kontorsarbete vill arbeta hemifrån minst två dagar i "
        "veckan.",
        "lokalbehovet och vår attraktivitet som arbetsgivare påverkas; riktlinjerna är från "
        "före pandemin.",
        "bertil", 2, 0.4, ("arbetsgivare",), "now", 2, 3,
    ),
    S(
        "Digital vård i hemmet prövas i Varberg",
        Level.NEAR, VALFARD, (ANVANDARE, NYA_ARBETSSATT),
        (("https://www.varberg.se/nyheter", "Varbergs kommun"),),
        "Hemtjänsten i Varberg följer upp äldre med sensorer och videosamtal.",
        "kan minska resorna i hemtjänsten och ge tryggare nätter; vi behöver veta vad "
        "brukarna tycker.",
        "anna", 2, 0.6, ("äldreomsorg", "välfärdsteknik"), "1-3", 3, 2,
    ),
    S(
        "Klimatanpassning: EU kräver planer för skyfall i alla kommuner",
        Level.OUTER, KLIMAT, (SARBARHET, HALLBARHET),
        (("https://climate.ec.europa.eu/eu-action/adaptation", "EU-kommissionen"),),
        "EU:s nya strategi för klimatanpassning väntas bli bindande för medlemsländernas "
        "kommuner.",
        "vår skyfallskartering från 2019 behöver bli en plan med åtgärder och pengar.",
        "bertil", 6, 0.8, ("klimatanpassning",), "10+", 3, 1,
    ),
]  # fmt: skip


def _when(months_ago: int, at: float, index: int, now: datetime) -> datetime:
    """A working-day time ``at`` of the way into the month ``months_ago`` months back."""
    local = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    start = local
    for _ in range(months_ago):
        start = (start - timedelta(days=1)).replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1)
    day = start + (end - start) * at
    return day.replace(hour=8 + index % 9, minute=(index * 23) % 60)


def seed_history(organization, users: dict) -> int:
    """Log the earlier year's signals the organisation does not have yet; returns how many."""
    if not Area.objects.filter(organization=organization, name=KULTUR).exists():
        area_create(organization=organization, name=KULTUR)
    existing = set(Signal.objects.filter(organization=organization).values_list("title", flat=True))
    areas = {area.name: area for area in Area.objects.filter(organization=organization)}
    trends = {trend.name: trend for trend in Trend.objects.filter(organization=organization)}
    now = timezone.now()
    added = 0
    for index, demo in enumerate(HISTORY):
        if demo.title not in existing:
            _log(
                organization,
                demo,
                _when(demo.months_ago, demo.at, index, now),
                users,
                areas,
                trends,
            )
            added += 1
    return added


@transaction.atomic
def _log(organization, demo: DemoSignal, when, users, areas, trends) -> None:
    user = users.get(demo.by)
    signal = signal_create(
        organization=organization,
        user=user,
        title=demo.title,
        description=demo.description,
        motivation=demo.why[:1].upper() + demo.why[1:],
        level=demo.level,
        area=areas.get(demo.area),
        trends=[trends[name] for name in demo.trends if name in trends],
        tags=list(demo.tags),
        sources=[
            SourceData(url=url, name=name, published_on=(when - timedelta(days=1)).date())
            for url, name in demo.sources
        ],
        time_horizon=demo.time_horizon,
        impact=demo.impact,
        certainty=demo.certainty,
    )
    # Date it back, and its first history record with it, as if logged then.
    Signal.objects.filter(pk=signal.pk).update(created_at=when, updated_at=when)
    signal.history.filter(history_type="+").update(history_date=when)
    Source.history.filter(signal_id=signal.pk).update(history_date=when)
