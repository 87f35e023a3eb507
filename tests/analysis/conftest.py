"""Last year's trend analysis of `kommun`, started by its scanner, with signals of that year
on two of its trends."""

from datetime import datetime

import pytest
from django.utils import timezone

from analysis.services import analysis_start
from signals.models import Level, Status, Trend

from ..factories import SignalFactory

DIGITAL = "Användare driver teknisk utveckling"  # Teknik
LEARNING = "Ökat behov av livslångt lärande"  # Teknik
TRUST = "Tillitens betydelse uppmärksammas allt mer"  # Värderingar


def last_year() -> int:
    return timezone.localdate().year - 1


def in_year(year: int, month: int = 6, day: int = 15) -> datetime:
    return datetime(year, month, day, 12, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def year():
    return last_year()


@pytest.fixture
def analysis(kommun, members, year):
    return analysis_start(organization=kommun, user=members["scanner"], year=year)


def trend(kommun, name) -> Trend:
    return Trend.objects.get(organization=kommun, name=name)


@pytest.fixture
def year_signals(kommun, members, year):
    """Signals of the year: two on DIGITAL (inner, outer), one on both DIGITAL and TRUST
    (near); a draft, one from the year before and one from this year on DIGITAL, which do not
    count."""
    made = {
        "inner": SignalFactory(
            organization=kommun,
            title="E-tjänst för bygglov",
            level=Level.INNER,
            trends=[DIGITAL],
            created_at=in_year(year, 3),
            time_horizon="now",
            impact=3,
        ),
        "outer": SignalFactory(
            organization=kommun,
            title="EU:s AI-förordning",
            level=Level.OUTER,
            trends=[DIGITAL],
            created_at=in_year(year, 9),
            time_horizon="1-3",
            impact=4,
        ),
        "near": SignalFactory(
            organization=kommun,
            title="Regionens digitala vårdcentral",
            level=Level.NEAR,
            trends=[DIGITAL, TRUST],
            created_at=in_year(year, 11),
            time_horizon="3-10",
        ),
        "draft": SignalFactory(
            organization=kommun,
            title="Utkast om robotar",
            status=Status.DRAFT,
            trends=[DIGITAL],
            created_at=in_year(year, 5),
        ),
        "before": SignalFactory(
            organization=kommun,
            title="Gammal signal",
            trends=[DIGITAL],
            created_at=in_year(year - 1, 12, 20),
        ),
        "after": SignalFactory(
            organization=kommun,
            title="Ny signal i år",
            trends=[DIGITAL],
            created_at=in_year(year + 1, 1, 2),
        ),
    }
    return made
