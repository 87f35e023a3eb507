import pytest

from reports.services import cycle_open
from signals.models import Level

from ..factories import SignalFactory


@pytest.fixture
def cycle(kommun, members):
    """This month's open cycle of `kommun` with three logged candidates."""
    for number, level in enumerate((Level.INNER, Level.NEAR, Level.OUTER), start=1):
        SignalFactory(organization=kommun, title=f"Kandidat {number}", level=level)
    return cycle_open(organization=kommun, month=_today())


def _today():
    from django.utils import timezone

    return timezone.localdate()
