"""The demo register for `manage.py seed_demo`: about forty signals from this month and the last,
as Kungsbacka's scanning group might have logged them.

Invärld is Kungsbacka kommun itself, närvärld is Halland and Göteborgsregionen, omvärld is
Sweden, the EU and the world. The sources are the kind the group reads; their addresses are
plausible but invented, as are the events. Signals are created through the write services (so
search and history are as in real use) and then dated back. Running it again adds only the
signals the organisation does not yet have, by title.

The scanning group has divided the areas between them (``DEMO_WATCHES``), leaving one that
nobody watches, so the areas page has a blind spot to show.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from organizations.models import Membership

from .models import Area, AreaWatch, Level, Signal, Source, Status, Trend
from .services import SourceData, signal_archive, signal_create
from .watch_services import areas_watched_set

# SKR's trends as the default catalogue names them (signals.catalogue.SKR_TRENDS).
LARANDE = "Ökat behov av livslångt lärande"
ANVANDARE = "Användare driver teknisk utveckling"
LIVSMONSTER = "Nya livsmönster påverkar platsbundenhet"
HALLBARHET = "Hållbarhetsarbete ger konkurrensfördelar"
VALFARDSBROTT = "Välfärdsbrottslighet slukar allt mer resurser"
POLARISERING = "Ökad polarisering och utsatthet"
HANDLINGSUTRYMME = "Det lokala och regionala handlingsutrymmet utmanas"
TILLIT = "Tillitens betydelse uppmärksammas allt mer"
NYA_ARBETSSATT = "Komplexa samhällsutmaningar kräver nya arbetssätt"
SARBARHET = "Ökad medvetenhet om samhällets sårbarhet"

# The default areas (signals.catalogue.DEFAULT_AREAS).
DIGITALISERING = "Digitalisering"
KLIMAT = "Klimat och miljö"
VALFARD = "Välfärd och hälsa"
SAMHALLSBYGGNAD = "Samhällsbyggnad"
DEMOKRATI = "Demokrati och delaktighet"
KOMPETENS = "Kompetensförsörjning"


# The areas each demo member of the scanning group watches. Kompetensförsörjning is left
# to nobody: the blind spot on the areas page.
DEMO_WATCHES = {
    "anna": (VALFARD, DEMOKRATI, KLIMAT),
    "bertil": (DIGITALISERING, SAMHALLSBYGGNAD),
    "admin": (KLIMAT,),
}


@dataclass(frozen=True)
class DemoSignal:
    title: str
    level: str
    area: str
    trends: tuple[str, ...]
    sources: tuple[tuple[str, str], ...]  # (url, source name)
    description: str
    why: str  # answers "Därför är detta intressant för Kungsbacka"
    by: str  # demo username
    months_ago: int  # 0: this month, 1: last month
    at: float  # how far into that month (0–1; this month: of the days so far)
    tags: tuple[str, ...] = ()
    time_horizon: str = ""
    impact: int | None = None
    certainty: int | None = None
    status: str = Status.LOGGED


S = DemoSignal
DEMO_SIGNALS = [
    # --- omvärld: Sweden, the EU, the world ---------------------------------------------------
    S(
        "SKR: kommunernas resultat försämras nästa år",
        Level.OUTER,
        VALFARD,
        (HANDLINGSUTRYMME, NYA_ARBETSSATT),
        (("https://skr.se/skr/ekonomi/ekonomirapporten", "SKR, Ekonomirapporten"),),
        "Ekonomirapporten räknar med att skatteunderlaget växer långsammare samtidigt som "
        "behoven inom äldreomsorgen ökar. Många kommuner väntas gå med underskott.",
        "budgetarbetet för nästa år behöver räkna med svagare intäkter medan antalet invånare "
        "över 80 år ökar snabbt i kommunen.",
        "anna",
        1,
        0.15,
        ("ekonomi", "budget"),
        "1-3",
        4,
        2,
    ),
    S(
        "AI-assistenter i kommunal handläggning – SKR samlar erfarenheter",
        Level.OUTER,
        DIGITALISERING,
        (ANVANDARE, NYA_ARBETSSATT),
        (("https://skr.se/digitaliseringivalfarden/ai-i-kommunal-verksamhet", "SKR"),),
        "Ett tjugotal kommuner testar språkmodeller för att sammanfatta ärenden och besvara "
        "frågor från invånare. SKR publicerar en kunskapsbank med lärdomar och risker.",
        "vi kan lära av andras piloter innan vi själva testar AI-stöd i kontaktcenter och "
        "bygglovshandläggning.",
        "bertil",
        0,
        0.35,
        ("AI", "e-tjänster"),
        "now",
        3,
        2,
    ),
    S(
        "EU:s AI-förordning börjar gälla i etapper",
        Level.OUTER,
        DIGITALISERING,
        (SARBARHET, TILLIT),
        (
            (
                "https://digital-strategy.ec.europa.eu/sv/policies/regulatory-framework-ai",
                "EU-kommissionen",
            ),
            ("https://www.regeringen.se/artiklar/ai-forordningen", "Regeringen"),
        ),
        "Förordningen ställer krav på riskklassning, dokumentation och mänsklig kontroll av "
        "AI-system, även i offentlig sektor.",
        "alla förvaltningar som köper eller bygger AI-stöd behöver kunna visa vilken riskklass "
        "systemen har; upphandlingsmallarna behöver ses över.",
        "anna",
        1,
        0.4,
        ("AI", "juridik", "upphandling"),
        "1-3",
        3,
        3,
    ),
    S(
        "Bristen på förskollärare väntas bestå till mitten av 2030-talet",
        Level.OUTER,
        KOMPETENS,
        (LARANDE,),
        (("https://www.scb.se/hitta-statistik/artiklar/trender-och-prognoser", "SCB"),),
        "SCB:s prognos visar att efterfrågan på förskollärare fortsatt överstiger antalet "
        "examinerade, särskilt i växande storstadsregioner.",
        "flera nya förskolor planeras i norra kommundelen och rekryteringen konkurrerar med "
        "Göteborg och Mölndal.",
        "bertil",
        1,
        0.55,
        ("förskola", "rekrytering"),
        "3-10",
        3,
        3,
    ),
    S(
        "Naturvårdsverket: klimatanpassning ska med tidigt i den fysiska planeringen",
        Level.OUTER,
        KLIMAT,
        (SARBARHET, HALLBARHET),
        (("https://www.naturvardsverket.se/amnesomraden/klimatanpassning", "Naturvårdsverket"),),
        "Ny vägledning om hur kommuner ska väga in skyfall, höga vattennivåer och värme redan i "
        "översiktsplanen.",
        "den nya översiktsplanen tas fram nu, och kustnära områden som Onsala och Särö är "
        "utsatta för stigande havsnivåer.",
        "anna",
        0,
        0.2,
        ("klimatanpassning", "översiktsplan"),
        "3-10",
        4,
        2,
    ),
    S(
        "Boverket föreslår enklare regler för bygglov",
        Level.OUTER,
        SAMHALLSBYGGNAD,
        (HANDLINGSUTRYMME,),
        (("https://www.boverket.se/sv/om-boverket/publicerat-av-boverket/", "Boverket"),),
        "Fler åtgärder föreslås bli bygglovsbefriade och handläggningstiderna kortas.",
        "bygglovsenheten kan få färre ärenden men fler frågor om vad som gäller; taxan och "
        "bemanningen påverkas.",
        "bertil",
        0,
        0.6,
        ("bygglov",),
        "1-3",
        2,
        2,
    ),
    S(
        "Ungas förtroende för politiker minskar",
        Level.OUTER,
        DEMOKRATI,
        (TILLIT, POLARISERING),
        (("https://www.mucf.se/publikationer/ungdomsbarometern", "MUCF"),),
        "Myndigheten för ungdoms- och civilsamhällesfrågor ser en minskande tilltro till "
        "politiska partier bland 16–25-åringar, medan engagemanget i enskilda frågor ökar.",
        "ungdomsrådet och medborgardialogerna behöver nå unga där de är, inte bara i kommunhuset.",
        "anna",
        1,
        0.7,
        ("unga", "förtroende"),
        "3-10",
        2,
        2,
    ),
    S(
        "Cyberangrepp mot kommuner ökar – nya råd om beredskap",
        Level.OUTER,
        DIGITALISERING,
        (SARBARHET,),
        (("https://www.ncsc.se/publikationer/", "Nationellt cybersäkerhetscenter"),),
        "Överbelastningsattacker och utpressningsprogram har slagit ut e-tjänster i flera "
        "kommuner. Centret rekommenderar övade reservrutiner.",
        "våra verksamhetskritiska system (bland annat hemtjänstens planering) saknar övade "
        "manuella reservrutiner.",
        "bertil",
        0,
        0.1,
        ("informationssäkerhet", "krisberedskap"),
        "now",
        4,
        3,
    ),
    S(
        "Stöd till laddinfrastruktur vid flerbostadshus förlängs",
        Level.OUTER,
        KLIMAT,
        (HALLBARHET,),
        (("https://www.naturvardsverket.se/bidrag/ladda-hemma/", "Naturvårdsverket"),),
        "Bostadsrättsföreningar och hyresvärdar kan söka stöd för laddplatser även nästa år.",
        "Eksta Bostads AB och bostadsrättsföreningarna i Kungsbacka kan snabba på elektrifieringen "
        "av bilparken, ett mål i kommunens energiplan.",
        "admin",
        1,
        0.25,
        ("elbilar", "energi"),
        "now",
        1,
        3,
    ),
    S(
        "Fler barn rekryteras till kriminella nätverk",
        Level.OUTER,
        VALFARD,
        (POLARISERING, SARBARHET),
        (("https://polisen.se/aktuellt/nyheter/", "Polisen"),),
        "Polisen rapporterar att allt yngre barn används för våldsuppdrag, ofta rekryterade "
        "via sociala medier.",
        "socialtjänsten, skolan och fritidsgårdarna behöver gemensamma rutiner för tidiga "
        "signaler; samverkan med polisen i Kungsbacka ses över.",
        "anna",
        0,
        0.45,
        ("trygghet", "unga", "socialtjänst"),
        "now",
        4,
        3,
    ),
    S(
        "Skolverket skjuter upp digitala nationella prov",
        Level.OUTER,
        DIGITALISERING,
        (LARANDE,),
        (("https://www.skolverket.se/om-oss/press/pressmeddelanden", "Skolverket"),),
        "Införandet av digitala nationella prov senareläggs ett år på grund av tekniska "
        "problem i provplattformen.",
        "skolornas investeringar i datorer och nätverk kan planeras om, och IT-supporten får "
        "andrum inför vårterminen.",
        "bertil",
        1,
        0.85,
        ("skola",),
        "now",
        1,
        3,
    ),
    S(
        "Ensamhet bland äldre – ny rapport från Folkhälsomyndigheten",
        Level.OUTER,
        VALFARD,
        (POLARISERING, LIVSMONSTER),
        (
            (
                "https://www.folkhalsomyndigheten.se/publikationer-och-material/",
                "Folkhälsomyndigheten",
            ),
        ),
        "Var femte person över 75 år uppger att de ofta känner sig ensamma; risken är störst "
        "för den som bor kvar hemma utan nära anhöriga.",
        "andelen äldre som bor kvar hemma ökar i kommunen och träffpunkterna i Åsa och Vallda "
        "har korta öppettider.",
        "anna",
        0,
        0.55,
        ("äldre", "folkhälsa"),
        "1-3",
        3,
        3,
    ),
    S(
        "Färre barn föds – förskolor i landet står halvtomma",
        Level.OUTER,
        SAMHALLSBYGGNAD,
        (LIVSMONSTER,),
        (("https://www.scb.se/hitta-statistik/statistik-efter-amne/befolkning/", "SCB"),),
        "Barnafödandet är det lägsta som uppmätts, och flera kommuner lägger ner "
        "förskoleavdelningar.",
        "lokalförsörjningsplanen bygger på en högre prognos; vi riskerar att bygga förskolor "
        "som står tomma om tio år.",
        "bertil",
        1,
        0.1,
        ("förskola", "befolkning", "lokalförsörjning"),
        "3-10",
        3,
        2,
    ),
    S(
        "Konkurrensen om ingenjörer skärps av den gröna omställningen",
        Level.OUTER,
        KOMPETENS,
        (HALLBARHET, LARANDE),
        (("https://tillvaxtverket.se/tillvaxtverket/statistikochanalys.html", "Tillväxtverket"),),
        "Batterifabriker och vätgasprojekt i Norden lockar ingenjörer med höga löner.",
        "samhällsbyggnadsförvaltningen har redan svårt att rekrytera VA- och trafikingenjörer.",
        "admin",
        0,
        0.75,
        ("rekrytering",),
        "1-3",
        3,
        2,
    ),
    S(
        "Tillgänglighetslagen gäller nu även e-tjänster och e-handel",
        Level.OUTER,
        DIGITALISERING,
        (ANVANDARE, TILLIT),
        (
            ("https://www.digg.se/tdosanmalan/bestammelser-och-tillsyn", "DIGG"),
            ("https://eur-lex.europa.eu/eli/dir/2019/882/oj", "EUR-Lex"),
        ),
        "Tillgänglighetsdirektivet är infört i svensk lag och tillsynen skärps.",
        "våra e-tjänster för bokning av lokaler och för kulturskolan behöver granskas mot WCAG "
        "innan nästa upphandling.",
        "bertil",
        1,
        0.3,
        ("tillgänglighet", "e-tjänster"),
        "now",
        2,
        3,
    ),
    S(
        "Utredning föreslår ny lag om insyn i kommunala bolag",
        Level.OUTER,
        DEMOKRATI,
        (HANDLINGSUTRYMME, TILLIT),
        (
            (
                "https://www.regeringen.se/rattsliga-dokument/statens-offentliga-utredningar/",
                "Regeringen, SOU",
            ),
        ),
        "Förslaget ger fullmäktige större rätt att styra och granska kommunala bolag.",
        "ägardirektiven till de kommunala bolagen kan behöva skrivas om; oklart när lagen "
        "träder i kraft.",
        "anna",
        0,
        0.8,
        ("juridik", "styrning"),
        "3-10",
        2,
        1,
        Status.DRAFT,
    ),
    S(
        "Värmeböljor – ny vägledning för äldreboenden",
        Level.OUTER,
        VALFARD,
        (SARBARHET, NYA_ARBETSSATT),
        (
            (
                "https://www.folkhalsomyndigheten.se/livsvillkor-levnadsvanor/klimat-och-halsa/",
                "Folkhälsomyndigheten",
            ),
        ),
        "Vägledningen beskriver hur boenden ska planera för svalka, vätskeintag och bemanning "
        "under värmeböljor.",
        "flera av våra äldreboenden saknar kylda utrymmen, och sommaren är när vikarierna är "
        "flest.",
        "bertil",
        1,
        0.6,
        ("äldre", "klimatanpassning"),
        "1-3",
        3,
        3,
    ),
    S(
        "Arbetsförmedlingen lanserar ny matchningstjänst för utrikes födda",
        Level.OUTER,
        KOMPETENS,
        (LARANDE, POLARISERING),
        (("https://arbetsformedlingen.se/om-oss/press/pressmeddelanden", "Arbetsförmedlingen"),),
        "Tjänsten kopplar ihop arbetsgivare med arbetssökande som har utländsk utbildning.",
        "vård och omsorg i kommunen kan nå nya sökande; vuxenutbildningen kan erbjuda "
        "kompletterande kurser.",
        "admin",
        0,
        0.3,
        ("integration", "rekrytering"),
        "now",
        2,
        2,
    ),
    # --- närvärld: Halland and Göteborgsregionen -------------------------------------------
    S(
        "Region Halland bygger ut digitala vårdbesök",
        Level.NEAR,
        VALFARD,
        (ANVANDARE,),
        (("https://www.regionhalland.se/nyheter/", "Region Halland"),),
        "Alla vårdcentraler i Halland ska erbjuda videobesök och chatt, även kvällstid.",
        "hemsjukvården och regionens digitala vård behöver hänga ihop för våra äldre invånare, "
        "och många behöver hjälp att komma igång.",
        "anna",
        1,
        0.2,
        ("vård", "e-hälsa"),
        "1-3",
        2,
        3,
    ),
    S(
        "Göteborgsregionen tar fram ny strategi för pendeltåg",
        Level.NEAR,
        SAMHALLSBYGGNAD,
        (LIVSMONSTER, HANDLINGSUTRYMME),
        (
            ("https://goteborgsregionen.se/kunskapsbank/", "Göteborgsregionen"),
            ("https://www.gp.se/nyheter/goteborg/", "Göteborgs-Posten"),
        ),
        "Strategin pekar ut tätare turer på Kungsbackapendeln och nya pendelparkeringar.",
        "stationsnära bostäder i Kungsbacka, Anneberg och Hede blir mer attraktiva; "
        "detaljplanerna bör ta höjd för fler resenärer.",
        "bertil",
        0,
        0.25,
        ("kollektivtrafik", "pendling"),
        "3-10",
        3,
        2,
    ),
    S(
        "Mölndal inför kontrollprogram mot välfärdsbrott",
        Level.NEAR,
        VALFARD,
        (VALFARDSBROTT,),
        (
            ("https://www.molndal.se/startsida/kommun-och-politik/nyheter.html", "Mölndals stad"),
            ("https://www.gp.se/nyheter/molndal/", "Göteborgs-Posten"),
        ),
        "Mölndal granskar utbetalningar av försörjningsstöd och assistansersättning systematiskt.",
        "vi har liknande utbetalningar men ingen samlad kontroll; vi kan be att få ta del av "
        "Mölndals arbetssätt.",
        "anna",
        1,
        0.5,
        ("välfärdsbrottslighet", "kontroll"),
        "now",
        3,
        3,
    ),
    S(
        "Skyfall orsakade översvämningar i Varberg och Falkenberg",
        Level.NEAR,
        KLIMAT,
        (SARBARHET,),
        (("https://www.hallandsposten.se/nyheter/", "Hallandsposten"),),
        "Källare och vägar översvämmades när det föll 60 mm regn på en timme.",
        "Kungsbackaåns dalgång och centrala staden har liknande risker; skyfallskarteringen "
        "är fem år gammal.",
        "bertil",
        0,
        0.05,
        ("skyfall", "klimatanpassning"),
        "now",
        4,
        3,
    ),
    S(
        "Halmstad testar fyradagarsvecka i äldreomsorgen",
        Level.NEAR,
        KOMPETENS,
        (NYA_ARBETSSATT,),
        (("https://www.hallandsposten.se/nyheter/halmstad/", "Hallandsposten"),),
        "Försöket ska se om kortare arbetsvecka minskar sjukfrånvaron och gör det lättare att "
        "rekrytera undersköterskor.",
        "sjukfrånvaron i vår hemtjänst är hög; resultatet kan ge underlag till vår "
        "kompetensförsörjningsplan.",
        "admin",
        1,
        0.65,
        ("arbetsmiljö", "äldreomsorg"),
        "1-3",
        2,
        1,
    ),
    S(
        "Fler flyttar från Göteborg till kranskommunerna",
        Level.NEAR,
        SAMHALLSBYGGNAD,
        (LIVSMONSTER,),
        (
            ("https://www.gp.se/nyheter/goteborg/", "Göteborgs-Posten"),
            ("https://www.scb.se/hitta-statistik/statistik-efter-amne/befolkning/", "SCB"),
        ),
        "Distansarbete gör att barnfamiljer flyttar ut från Göteborg men behåller jobbet i staden.",
        "inflyttningen till Kungsbacka kan bli större än prognosen; trycket på skola och "
        "pendelparkeringar ökar.",
        "bertil",
        1,
        0.35,
        ("befolkning", "distansarbete"),
        "3-10",
        3,
        2,
    ),
    S(
        "Yrkesvux i vård utökas i Halland",
        Level.NEAR,
        KOMPETENS,
        (LARANDE,),
        (("https://www.regionhalland.se/utbildning/", "Region Halland"),),
        "Hallands kommuner erbjuder gemensamt fler platser på undersköterskeutbildningen.",
        "vår vuxenutbildning kan ta fler platser i samarbetet och våra äldreboenden behöver "
        "handledare för praktik.",
        "anna",
        0,
        0.5,
        ("vuxenutbildning",),
        "1-3",
        2,
        3,
    ),
    S(
        "Länsstyrelsen i Halland övar regional krisledning",
        Level.NEAR,
        DEMOKRATI,
        (SARBARHET, TILLIT),
        (
            (
                "https://www.lansstyrelsen.se/halland/om-oss/nyheter-och-press.html",
                "Länsstyrelsen Halland",
            ),
        ),
        "Övningen samlar kommuner, region och polis kring ett scenario med långvarigt elavbrott.",
        "vår krisledningsnämnd bör delta; övningen visar hur vi når invånare utan el och mobilnät.",
        "bertil",
        1,
        0.75,
        ("krisberedskap",),
        "now",
        3,
        3,
    ),
    S(
        "Varbergstunneln ändrar pendlingsmönstren i Halland",
        Level.NEAR,
        SAMHALLSBYGGNAD,
        (LIVSMONSTER,),
        (("https://www.trafikverket.se/vara-projekt/", "Trafikverket"),),
        "Snabbare tåg genom Varberg kortar restiden mellan Halmstad och Göteborg.",
        "Kungsbacka kan få fler genomresande och färre som byter till bil vid stationen; "
        "pendelparkeringen bör följas upp.",
        "admin",
        0,
        0.65,
        ("pendling", "kollektivtrafik"),
        "1-3",
        1,
        2,
    ),
    S(
        "Göteborgs Stad stoppar upphandlingar efter avslöjat fusk",
        Level.NEAR,
        VALFARD,
        (VALFARDSBROTT, TILLIT),
        (("https://www.gp.se/nyheter/goteborg/", "Göteborgs-Posten"),),
        "Ett städbolag med kopplingar till organiserad brottslighet vann flera kontrakt med "
        "falska intyg.",
        "våra upphandlingar av städ och bygg har samma svaga kontroll av underleverantörer.",
        "anna",
        0,
        0.15,
        ("välfärdsbrottslighet", "upphandling"),
        "now",
        3,
        3,
    ),
    S(
        "Lokala energigemenskaper växer i Halland",
        Level.NEAR,
        KLIMAT,
        (HALLBARHET, NYA_ARBETSSATT),
        (("https://www.hallandsposten.se/nyheter/", "Hallandsposten"),),
        "Bönder, föreningar och företag går ihop för att producera och dela solel.",
        "kommunens tak och markreserver kan ingå i gemenskaper; energirådgivningen får fler "
        "frågor.",
        "bertil",
        1,
        0.9,
        ("energi", "solceller"),
        "3-10",
        2,
        1,
    ),
    S(
        "Mölndal inför medborgarbudget för unga",
        Level.NEAR,
        DEMOKRATI,
        (TILLIT,),
        (("https://www.molndal.se/startsida/kommun-och-politik/nyheter.html", "Mölndals stad"),),
        "Unga mellan 13 och 19 år får besluta om hur en halv miljon kronor ska användas i "
        "närområdet.",
        "vårt ungdomsråd har efterfrågat mer inflytande; Mölndals modell kan prövas i Kungsbacka.",
        "anna",
        0,
        0.9,
        ("unga", "medborgardialog"),
        "1-3",
        1,
        3,
    ),
    S(
        "Lägre vaccinationstäckning bland barn i vissa områden i Halland",
        Level.NEAR,
        VALFARD,
        (POLARISERING, TILLIT),
        (("https://www.regionhalland.se/nyheter/", "Region Halland"),),
        "Region Halland ser sjunkande täckning i områden med låg tillit till myndigheter.",
        "förskolor och öppna förskolan kan bli viktiga kanaler för information, i samarbete "
        "med barnhälsovården.",
        "bertil",
        0,
        0.7,
        ("folkhälsa", "barn"),
        "1-3",
        2,
        2,
        Status.DRAFT,
    ),
    # --- invärld: Kungsbacka kommun itself --------------------------------------------------
    S(
        "Medarbetarenkäten: ökad arbetsbelastning i hemtjänsten",
        Level.INNER,
        KOMPETENS,
        (NYA_ARBETSSATT,),
        (("https://www.kungsbacka.se/kommun-och-politik/", "Kungsbacka kommun, HR-avdelningen"),),
        "Andelen medarbetare i hemtjänsten som upplever hög arbetsbelastning har ökat för tredje "
        "året i rad.",
        "sjukfrånvaro och personalomsättning hänger ihop med arbetsbelastningen och påverkar "
        "kvaliteten för brukarna.",
        "anna",
        1,
        0.45,
        ("arbetsmiljö", "hemtjänst"),
        "now",
        3,
        3,
    ),
    S(
        "E-tjänsten för bygglov halverade handläggningstiden",
        Level.INNER,
        DIGITALISERING,
        (ANVANDARE,),
        (("https://www.kungsbacka.se/bygga-bo-och-miljo/bygglov/", "Kungsbacka kommun"),),
        "Sedan den nya e-tjänsten infördes kommer ansökningarna kompletta och handläggningen går "
        "på hälften av tiden.",
        "erfarenheten visar vad vi kan vinna med fler e-tjänster, till exempel för "
        "serveringstillstånd.",
        "bertil",
        0,
        0.4,
        ("e-tjänster", "bygglov"),
        "now",
        2,
        3,
    ),
    S(
        "Rekordmånga deltog i dialogen om stadskärnan",
        Level.INNER,
        DEMOKRATI,
        (TILLIT,),
        (
            (
                "https://www.kungsbacka.se/kommun-och-politik/paverka-och-tyck-till/",
                "Kungsbacka kommun",
            ),
        ),
        "Över 2 000 invånare lämnade synpunkter på framtidens stadskärna, många digitalt.",
        "dialogen visar att digitala kanaler når fler och yngre; resultatet ska återkopplas "
        "innan planarbetet går vidare.",
        "anna",
        1,
        0.8,
        ("medborgardialog", "stadskärnan"),
        "1-3",
        2,
        3,
    ),
    S(
        "Ny reservvattenförsörjning för Kungsbacka utreds",
        Level.INNER,
        SAMHALLSBYGGNAD,
        (SARBARHET,),
        (
            (
                "https://www.kungsbacka.se/bygga-bo-och-miljo/vatten-och-avlopp/",
                "Kungsbacka kommun, Vatten och avlopp",
            ),
        ),
        "Kommunen utreder en andra vattentäkt och en ledning till grannkommunerna.",
        "i dag är nästan hela kommunen beroende av en enda råvattentäkt; en störning skulle "
        "drabba alla invånare.",
        "admin",
        0,
        0.85,
        ("vatten", "krisberedskap"),
        "3-10",
        4,
        2,
    ),
    S(
        "Klimatlöfte: fossilfria tjänsteresor till 2027",
        Level.INNER,
        KLIMAT,
        (HALLBARHET,),
        (
            (
                "https://www.kungsbacka.se/kommun-och-politik/hallbar-utveckling/",
                "Kungsbacka kommun",
            ),
        ),
        "Kommunstyrelsen har antagit ett klimatlöfte om fossilfria tjänsteresor och fordon.",
        "fordonsflottan i hemtjänsten och tekniska förvaltningen behöver bytas ut snabbare än "
        "planerat, och laddplatser saknas.",
        "bertil",
        0,
        0.95,
        ("energi", "fordon"),
        "1-3",
        2,
        3,
        Status.DRAFT,
    ),
    S(
        "Socialtjänsten prövar AI-stöd i dokumentationen",
        Level.INNER,
        DIGITALISERING,
        (ANVANDARE, NYA_ARBETSSATT),
        (
            (
                "https://www.kungsbacka.se/omsorg-och-hjalp/",
                "Kungsbacka kommun, Individ och familjeomsorg",
            ),
        ),
        "En pilot låter handläggare tala in anteckningar som blir utkast till journaltext.",
        "om piloten håller kan handläggarna lägga mer tid på möten med invånare; "
        "dataskyddet måste vara utrett innan.",
        "anna",
        1,
        0.95,
        ("AI", "socialtjänst", "dataskydd"),
        "1-3",
        3,
        1,
    ),
    S(
        "Föreningar i Kungsbacka saknar ledare",
        Level.INNER,
        DEMOKRATI,
        (TILLIT, POLARISERING),
        (
            ("https://www.hallandsposten.se/nyheter/kungsbacka/", "Hallandsposten"),
            (
                "https://www.kungsbacka.se/uppleva-och-gora/foreningsliv/",
                "Kungsbacka kommun, Föreningsservice",
            ),
        ),
        "Flera idrottsföreningar har fått ställa in träningar för att ledarna inte räcker till.",
        "föreningslivet är en stor del av barns fritid och av tilliten i samhället; "
        "föreningsbidragen kan behöva premiera ledarutbildning.",
        "bertil",
        0,
        0.5,
        ("civilsamhället", "unga"),
        "1-3",
        2,
        2,
    ),
    S(
        "Nya bostadsområden i norra Kungsbacka kräver fler skolplatser",
        Level.INNER,
        SAMHALLSBYGGNAD,
        (LIVSMONSTER,),
        (
            (
                "https://www.kungsbacka.se/bygga-bo-och-miljo/planer-och-projekt/",
                "Kungsbacka kommun",
            ),
        ),
        "Detaljplanerna för Kolla Parksvik och Hede ger plats för 1 500 nya bostäder.",
        "skolorna i Kullavik och Älvsåker är redan fulla; en ny skola behöver planeras nu för "
        "att stå klar i tid.",
        "anna",
        0,
        0.75,
        ("skola", "lokalförsörjning"),
        "3-10",
        4,
        3,
    ),
    S(
        "Gamla portalen för felanmälan fasas ut",
        Level.INNER,
        DIGITALISERING,
        (ANVANDARE,),
        (("https://www.kungsbacka.se/kontakta-oss/", "Kungsbacka kommun"),),
        "Felanmälan av gatubelysning och vägar flyttas in i den nya e-tjänsteplattformen.",
        "invånare som sparat den gamla adressen behöver hänvisas rätt.",
        "bertil",
        1,
        0.05,
        ("e-tjänster",),
        status=Status.ARCHIVED,
    ),
]


def _when(months_ago: int, at: float, index: int, now: datetime) -> datetime:
    """A working-day time ``at`` of the way into this month (up to now) or last month."""
    local = timezone.localtime(now)
    this_month = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if months_ago == 0:
        start, end = this_month, local
    else:
        start = (this_month - timedelta(days=1)).replace(day=1)
        end = this_month
    day = start + (end - start) * at
    when = day.replace(hour=8 + index % 9, minute=(index * 17) % 60, second=0, microsecond=0)
    when = min(when, local - timedelta(minutes=10 * (index + 1)))
    if months_ago == 0 and when < this_month:
        # The month has only just begun (the demo seeded in its first hours): this month's
        # signals are logged in the time it has had, so that its cycle still has them.
        when = this_month + (local - this_month) * (1 - (index + 1) / 1000)
    return when


def seed_signals(organization, users: dict) -> int:
    """Log the demo signals the organisation does not have yet. Returns how many were added.

    ``users`` maps demo usernames to users (from ``organizations.demo.seed_people``).
    """
    existing = set(Signal.objects.filter(organization=organization).values_list("title", flat=True))
    areas = {area.name: area for area in Area.objects.filter(organization=organization)}
    trends = {trend.name: trend for trend in Trend.objects.filter(organization=organization)}
    now = timezone.now()
    added = 0
    for index, demo in enumerate(DEMO_SIGNALS):
        if demo.title in existing:
            continue
        _log(organization, demo, index, now, users, areas, trends)
        added += 1
    return added


@transaction.atomic
def _log(organization, demo: DemoSignal, index, now, users, areas, trends) -> Signal:
    user = users.get(demo.by)
    when = _when(demo.months_ago, demo.at, index, now)
    signal = signal_create(
        organization=organization,
        user=user,
        title=demo.title,
        description=demo.description,
        # The form's label already says "Därför är detta intressant för …": the text goes on.
        motivation=demo.why[:1].upper() + demo.why[1:],
        level=demo.level,
        area=areas.get(demo.area),
        # An admin may have renamed or removed a trend; the demo uses those still there.
        trends=[trends[name] for name in demo.trends if name in trends],
        tags=list(demo.tags),
        sources=[
            SourceData(url=url, name=name, published_on=(when - timedelta(days=1)).date())
            for url, name in demo.sources
        ],
        time_horizon=demo.time_horizon,
        impact=demo.impact,
        certainty=demo.certainty,
        status=Status.DRAFT if demo.status == Status.DRAFT else Status.LOGGED,
    )
    # Date it back, and its first history record with it, as if logged then.
    Signal.objects.filter(pk=signal.pk).update(created_at=when, updated_at=when)
    signal.history.filter(history_type="+").update(history_date=when)
    Source.history.filter(signal_id=signal.pk).update(history_date=when)
    if demo.status == Status.ARCHIVED:
        signal_archive(signal=signal, user=user)
    return signal


def seed_watches(organization) -> int:
    """Give the demo members of the scanning group their areas (``DEMO_WATCHES``), through the
    service. A member who already watches areas keeps them, so running it again changes
    nothing, not even what someone chose in the demo. Returns how many members were given
    areas."""
    areas = {area.name: area for area in Area.objects.filter(organization=organization)}
    watching = set(
        AreaWatch.objects.filter(organization=organization).values_list("membership", flat=True)
    )
    memberships = Membership.objects.filter(
        organization=organization, user__username__in=DEMO_WATCHES
    ).select_related("user")
    given = 0
    for membership in memberships:
        if membership.pk in watching or not membership.can("watch_areas"):
            continue
        # An admin may have renamed or retired an area; the demo uses those still in use.
        names = DEMO_WATCHES[membership.user.username]
        chosen = [areas[name] for name in names if name in areas and areas[name].is_active]
        areas_watched_set(membership=membership, areas=chosen)
        given += 1
    return given
