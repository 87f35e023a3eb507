from datetime import timedelta

import pytest
from django.utils import timezone

from reports.models import Decision
from signals.models import Level

from ..factories import (
    CandidateFactory,
    PublishedReportFactory,
    ReportCycleFactory,
    SignalFactory,
)


def last_month():
    return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


@pytest.fixture
def report(kommun):
    """Last month's published report of `kommun`: three chosen signals (shared with the staff,
    as publishing does) and one left out."""
    cycle = ReportCycleFactory(organization=kommun, month=last_month(), state="published")
    for position, (title, level) in enumerate(
        (
            ("Färre barn föds", Level.NEAR),
            ("AI-förordningen börjar gälla", Level.OUTER),
            ("Värmeböljor på äldreboenden", Level.INNER),
        ),
        start=1,
    ):
        CandidateFactory(
            cycle=cycle,
            signal=SignalFactory(
                organization=kommun, title=title, level=level, shared_with_staff=True
            ),
            decision=Decision.IN,
            position=position,
        )
    CandidateFactory(
        cycle=cycle,
        signal=SignalFactory(organization=kommun, title="Inte med i rapporten"),
        decision=Decision.OUT,
    )
    return PublishedReportFactory(cycle=cycle)


@pytest.fixture
def chosen(report):
    """The report's signals, in its order."""
    return [
        c.signal for c in report.cycle.candidates.filter(decision=Decision.IN).order_by("position")
    ]


@pytest.fixture
def left_out(report):
    return report.cycle.candidates.get(decision=Decision.OUT).signal


@pytest.fixture
def other_report(other_kommun):
    cycle = ReportCycleFactory(organization=other_kommun, month=last_month(), state="published")
    CandidateFactory(
        cycle=cycle,
        signal=SignalFactory(organization=other_kommun, title="Varbergs signal"),
        decision=Decision.IN,
        position=1,
    )
    return PublishedReportFactory(cycle=cycle)
