"""A realistic monthly report for a Swedish municipality, as data: for the benchmark, the tests
and anyone looking at the report's layout without a database."""

from datetime import date

from .document import CandidateLine, ReportDocument, ReportSignal, Source

ORGANIZATION = "Kungsbacka kommun"
PERSPECTIVE = "Kungsbacka"
MONTH = date(2026, 11, 1)
PUBLISHED_ON = date(2026, 12, 3)
APP = "https://spaning.example.se/kungsbacka/signals/"

INTRODUCTION = """\
I november gick omvärldsbevakningsgruppen igenom **48 signaler**. Tio av dem lyfter vi här: \
de vi tror att ledningen behöver känna till inför budgetarbetet och de kommande \
verksamhetsplanerna.

Tre mönster återkommer. Bristen på personal i välfärden syns nu i flera led samtidigt, \
klimatanpassningen går från planering till genomförande med nya krav på kommunerna, och \
AI-verktyg i handläggningen har lämnat försöksstadiet hos flera grannkommuner.

Hör gärna av dig till gruppen om en signal väcker frågor eller om du ser något vi har missat.
"""

# (title, level, area, trends, sources, motivation, meaning, consequences, audience)
SIGNALS = [
    (
        "Hälften av undersköterskorna i regionen går i pension inom tio år",
        "Närvärld",
        "Vård och omsorg",
        ["Kompetensförsörjning", "Demografisk förändring"],
        [
            (
                "Region Halland",
                "https://www.regionhalland.se/kompetensforsorjning",
                date(2026, 11, 4),
            ),
            ("SCB: Trender och prognoser", "https://www.scb.se/trender-och-prognoser", None),
        ],
        "Vår äldreomsorg har redan svårt att rekrytera, och grannkommunerna konkurrerar om "
        "samma personer.",
        "Vi kan inte räkna med att rekrytera oss ur bristen. Bemanningen i hemtjänsten blir en "
        "fråga om arbetssätt, teknik och hur vi behåller dem som redan arbetar hos oss.",
        "- Ta fram en kompetensförsörjningsplan för äldreomsorgen 2027–2030\n"
        "- Utred fler vägar in: validering, språkstöd och betald utbildning\n"
        "- Samverka med grannkommunerna i stället för att bjuda över varandra",
        "Socialnämnden, förvaltningschefen för vård och omsorg, HR-chefen.",
    ),
    (
        "Nya krav på kommunal klimatanpassningsplan från 2027",
        "Omvärld",
        "Samhällsbyggnad",
        ["Klimatförändringar", "Lagstiftning och styrning"],
        [
            ("Regeringskansliet", "https://www.regeringen.se/klimatanpassning", date(2026, 11, 12)),
            ("SMHI: Klimatanpassning", "https://www.smhi.se/klimat/klimatanpassa-samhallet", None),
        ],
        "Kustkommun med låglänta områden och flera planerade utbyggnadsområden nära vatten.",
        "Översiktsplanens klimatdel behöver göras om till en plan med åtgärder, ansvar och "
        "kostnader. Det påverkar detaljplaner som redan är påbörjade.",
        "Inventera vilka pågående detaljplaner som berörs och avsätt resurser för en "
        "risk- och sårbarhetsanalys under första halvåret.",
        "Kommunstyrelsen, samhällsbyggnadskontoret, räddningstjänsten.",
    ),
    (
        "Grannkommun inför AI-stöd i handläggningen av försörjningsstöd",
        "Närvärld",
        "Digitalisering",
        ["AI och automatisering"],
        [("Sveriges Kommuner och Regioner", "https://skr.se/digitalisering", date(2026, 11, 18))],
        "Vi har samma verksamhetssystem och liknande ärendevolymer; frågan kommer att ställas här.",
        "Erfarenheterna visar kortare handläggningstider men också nya frågor om rättssäkerhet, "
        "dokumentation och vem som bär ansvaret för ett beslut.",
        "Bjud in grannkommunen till ett erfarenhetsutbyte och ta fram riktlinjer för AI i "
        "myndighetsutövning innan ett införande diskuteras.",
        "Individ- och familjeomsorgen, dataskyddsombudet, IT-chefen.",
    ),
    (
        "Antalet invånare över 85 år ökar med 40 procent till 2035",
        "Invärld",
        "Vård och omsorg",
        ["Demografisk förändring"],
        [("Kommunens befolkningsprognos", "https://www.kungsbacka.se/befolkningsprognos", None)],
        "Prognosen gäller vår egen befolkning och bekräftar det vi har sett i hemtjänsten.",
        "Behovet av särskilt boende växer snabbare än planerat. Investeringsplanen bygger på "
        "en äldre prognos.",
        "Uppdatera lokalförsörjningsplanen och pröva hur välfärdsteknik kan skjuta upp behovet "
        "av boendeplatser.",
        "Kommunstyrelsen, lokalförsörjningen, vård och omsorg.",
    ),
    (
        "Energipriserna i elområde 4 väntas ligga kvar på hög nivå",
        "Omvärld",
        "Ekonomi",
        ["Energiomställning"],
        [("Energimyndigheten", "https://www.energimyndigheten.se/prognoser", date(2026, 11, 7))],
        "Våra fastigheter och vår kollektivtrafik är känsliga för elpriset.",
        "Driftbudgeten för fastigheter kan överskridas redan nästa år.",
        "Se över energiavtalen och påskynda solceller på kommunens tak.",
        "Ekonomichefen, fastighetsförvaltningen.",
    ),
    (
        "Fler unga lämnar gymnasiet utan examen i regionen",
        "Närvärld",
        "Utbildning",
        ["Kompetensförsörjning", "Social hållbarhet"],
        [("Skolverket", "https://www.skolverket.se/statistik", date(2026, 11, 20))],
        "Andelen i vår kommun är lägre, men ökningen syns också här.",
        "Unga utan examen har svårare att få arbete och behöver oftare försörjningsstöd.",
        "Följ upp det kommunala aktivitetsansvaret och samarbetet med näringslivet om praktik.",
        "Utbildningsnämnden, arbetsmarknadsenheten.",
    ),
    (
        "Krav på digital tillgänglighet skärps för kommunala e-tjänster",
        "Omvärld",
        "Digitalisering",
        ["Lagstiftning och styrning"],
        [("DIGG", "https://www.digg.se/tillganglighet", None)],
        "Flera av våra e-tjänster har brister som en granskning skulle hitta.",
        "Vi riskerar tillsyn och, viktigare, att invånare inte kan använda tjänsterna.",
        "Gör en tillgänglighetsgranskning av de tio mest använda e-tjänsterna.",
        "Digitaliseringsenheten, kommunikationschefen.",
    ),
    (
        "Skyfall i Halland: försäkringsbolag höjer premier i utsatta områden",
        "Närvärld",
        "Samhällsbyggnad",
        ["Klimatförändringar"],
        [("Svensk Försäkring", "https://www.svenskforsakring.se", date(2026, 11, 25))],
        "Flera bostadsområden i kommunen ligger i lågpunkter.",
        "Fastighetsägare kan få svårt att försäkra sig, och kommunen kan få krav på åtgärder.",
        "Prioritera skyfallskarteringen och informera berörda fastighetsägare.",
        "Samhällsbyggnadskontoret, VA-verksamheten.",
    ),
    (
        "Lokal arbetsgivare planerar att flytta 300 arbetstillfällen",
        "Invärld",
        "Näringsliv",
        ["Arbetsmarknad"],
        [("Lokaltidningen", "https://www.kungsbackaposten.se", date(2026, 11, 28))],
        "En av kommunens största privata arbetsgivare.",
        "Påverkar skatteunderlaget och efterfrågan på bostäder i centrala orten.",
        "Näringslivsenheten tar kontakt med företaget för att förstå planerna.",
        "Kommundirektören, näringslivschefen.",
    ),
    (
        "Ny nationell strategi för civilt försvar ställer krav på kommunerna",
        "Omvärld",
        "Säkerhet och beredskap",
        ["Säkerhetspolitik"],
        [("MSB", "https://www.msb.se/civilt-forsvar", date(2026, 11, 14))],
        "Vi har hamn, E6 och viktig infrastruktur inom kommungränsen.",
        "Krigsorganisation och kontinuitetsplaner behöver finnas för alla förvaltningar.",
        "Ta fram en tidsplan för kontinuitetsplanering och utbilda krisledningsnämnden.",
        "Säkerhetschefen, krisledningsnämnden.",
    ),
]

# Where each of SIGNALS sits on the report's radar: (level, time horizon, impact, driving force).
RADAR = [
    ("near", "3-10", 4, "Demografi"),
    ("outer", "1-3", 3, "Klimat"),
    ("near", "now", 3, "Teknik"),
    ("inner", "3-10", 4, "Demografi"),
    ("outer", "1-3", 2, "Globalisering"),
    ("near", "3-10", 3, "Värderingar"),
    ("outer", "now", 2, "Teknik"),
    ("near", "1-3", 3, "Klimat"),
    ("inner", "now", 2, "Globalisering"),
    ("outer", "1-3", 4, "Globalisering"),
]
DRIVING_FORCES = ["Demografi", "Globalisering", "Klimat", "Teknik", "Värderingar"]

OTHER_CANDIDATES = [
    ("Ökat intresse för kolonilotter bland unga familjer", "Invärld", "Fritid och kultur"),
    ("Regionen utreder ny busslinje mot Göteborg", "Närvärld", "Samhällsbyggnad"),
    ("EU:s nya regler om hållbarhetsrapportering", "Omvärld", "Ekonomi"),
    ("Bibliotek som mötesplats för nyanlända", "Invärld", "Fritid och kultur"),
    ("Ökad efterfrågan på förskoleplatser i norra kommundelen", "Invärld", "Utbildning"),
    ("Nationell satsning på laddinfrastruktur", "Omvärld", "Samhällsbyggnad"),
    ("Brist på specialistsjuksköterskor i regionen", "Närvärld", "Vård och omsorg"),
    ("Cyberangrepp mot kommunala IT-system ökar", "Omvärld", "Digitalisering"),
]


def sample_document(n_signals: int = 10, *, language: str = "sv") -> ReportDocument:
    """A published report of ``n_signals`` (at most 10) chosen signals and the month's other
    candidates."""
    chosen = SIGNALS[:n_signals]
    signals = [
        ReportSignal(
            title=title,
            level_label=level,
            area=area,
            trends=list(trends),
            sources=[Source(name=name, url=url, published_on=on) for name, url, on in sources],
            motivation=motivation,
            meaning=meaning,
            consequences=consequences,
            audience=audience,
            url=f"{APP}{101 + index}/",
            level=RADAR[index][0],
            horizon=RADAR[index][1],
            impact=RADAR[index][2],
            driving_force=RADAR[index][3],
        )
        for index, (
            title, level, area, trends, sources, motivation, meaning, consequences, audience,
        ) in enumerate(chosen)
    ]  # fmt: skip
    candidates = [
        CandidateLine(title=s.title, level_label=s.level_label, area=s.area, chosen=True,
                      score=round(5.8 - 0.2 * index, 1))
        for index, s in enumerate(signals)
    ] + [
        CandidateLine(title=title, level_label=level, area=area, chosen=False,
                      score=round(3.6 - 0.25 * index, 1))
        for index, (title, level, area) in enumerate(OTHER_CANDIDATES)
    ]  # fmt: skip
    by_level: dict[str, int] = {}
    by_area: dict[str, int] = {}
    for candidate in candidates:
        by_level[candidate.level_label] = by_level.get(candidate.level_label, 0) + 1
        by_area[candidate.area] = by_area.get(candidate.area, 0) + 1
    return ReportDocument(
        organization_name=ORGANIZATION,
        perspective_name=PERSPECTIVE,
        month=MONTH,
        published_on=PUBLISHED_ON,
        introduction=INTRODUCTION,
        signals=signals,
        candidates=candidates,
        counts_by_level=by_level,
        counts_by_area=dict(sorted(by_area.items(), key=lambda item: -item[1])),
        driving_forces=list(DRIVING_FORCES),
        language=language,
    )
