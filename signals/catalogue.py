"""The default trend catalogue every new organisation starts from, and the demo's areas.

SKR's ten trends from "Vägval för framtiden 4", framed under its five driving forces. The
catalogue is the organisation's own after that: admins rename, add and retire trends.
"""

from django.db import transaction

from .models import Area, DrivingForce, Trend

DRIVING_FORCES = ["Globalisering", "Demografi", "Klimat", "Teknik", "Värderingar"]

SKR_TRENDS = [
    "Ökat behov av livslångt lärande",
    "Användare driver teknisk utveckling",
    "Nya livsmönster påverkar platsbundenhet",
    "Hållbarhetsarbete ger konkurrensfördelar",
    "Välfärdsbrottslighet slukar allt mer resurser",
    "Ökad polarisering och utsatthet",
    "Det lokala och regionala handlingsutrymmet utmanas",
    "Tillitens betydelse uppmärksammas allt mer",
    "Komplexa samhällsutmaningar kräver nya arbetssätt",
    "Ökad medvetenhet om samhällets sårbarhet",
]

DEFAULT_AREAS = [
    "Digitalisering",
    "Klimat och miljö",
    "Välfärd och hälsa",
    "Samhällsbyggnad",
    "Demokrati och delaktighet",
    "Kompetensförsörjning",
]


@transaction.atomic
def install_default_catalogue(organization, *, areas=DEFAULT_AREAS) -> None:
    """Give an organisation SKR's driving forces and trends and the given areas.

    Safe to run again: what exists (by name) is left as the organisation has edited it.
    """
    for name in DRIVING_FORCES:
        DrivingForce.objects.get_or_create(organization=organization, name=name)
    for name in SKR_TRENDS:
        Trend.objects.get_or_create(organization=organization, name=name)
    for name in areas:
        Area.objects.get_or_create(organization=organization, name=name)
