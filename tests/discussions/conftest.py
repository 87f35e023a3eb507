import pytest

from discussions.models import ThreadKind

from ..factories import (
    PublishedReportFactory,
    ReportCycleFactory,
    SignalFactory,
    ThemeFactory,
    ThreadFactory,
)


@pytest.fixture
def published(kommun):
    """A published report of `kommun` (last month's)."""
    cycle = ReportCycleFactory(organization=kommun, state="published")
    return PublishedReportFactory(cycle=cycle)


@pytest.fixture
def report_thread(kommun, members, published):
    return ThreadFactory(
        organization=kommun,
        kind=ThreadKind.REPORT,
        report_cycle=published.cycle,
        title="Rapporten för oktober",
        opened_by=members["editor"],
    )


@pytest.fixture
def theme(kommun):
    return ThemeFactory(organization=kommun, name="Smarta städer")


@pytest.fixture
def theme_thread(kommun, members, theme):
    return ThreadFactory(
        organization=kommun,
        theme=theme,
        title="Vad är en smart stad?",
        opened_by=members["scanner"],
    )


@pytest.fixture
def shared_signal(kommun):
    return SignalFactory(organization=kommun, title="Delad signal", shared_with_staff=True)
