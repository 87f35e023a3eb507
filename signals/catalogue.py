"""The default trend catalogue every new organisation starts from, and the demo's areas.

SKR's ten trends from "Vägval för framtiden 4", framed under its five driving forces. The
catalogue is the organisation's own after that: admins rename, add and retire trends and
driving forces.
"""

from django.db import transaction

from .models import Area, DrivingForce, Trend

DRIVING_FORCES = ["Globalisering", "Demografi", "Klimat", "Teknik", "Värderingar"]

# Each trend with the driving force it is read under. SKR presents the trends next to the
# driving forces rather than under them, so this is our reading (none is read as Demografi):
# a starting point an admin may change on the trend's page.
SKR_TREND_DRIVING_FORCES = {
    "Ökat behov av livslångt lärande": "Teknik",
    "Användare driver teknisk utveckling": "Teknik",
    "Nya livsmönster påverkar platsbundenhet": "Värderingar",
    "Hållbarhetsarbete ger konkurrensfördelar": "Klimat",
    "Välfärdsbrottslighet slukar allt mer resurser": "Värderingar",
    "Ökad polarisering och utsatthet": "Värderingar",
    "Det lokala och regionala handlingsutrymmet utmanas": "Globalisering",
    "Tillitens betydelse uppmärksammas allt mer": "Värderingar",
    "Komplexa samhällsutmaningar kräver nya arbetssätt": "Globalisering",
    "Ökad medvetenhet om samhällets sårbarhet": "Globalisering",
}
SKR_TRENDS = list(SKR_TREND_DRIVING_FORCES)

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

    Safe to run again: what exists (by name) is left as the organisation has edited it. A
    trend gets its driving force only when it is created here; an existing trend keeps the
    one its admin chose, or none.
    """
    forces = {
        name: DrivingForce.objects.get_or_create(organization=organization, name=name)[0]
        for name in DRIVING_FORCES
    }
    for name, force in SKR_TREND_DRIVING_FORCES.items():
        Trend.objects.get_or_create(
            organization=organization,
            name=name,
            defaults={"driving_force": forces[force]},
        )
    for name in areas:
        Area.objects.get_or_create(organization=organization, name=name)
