"""The overview's shared register: a signal of each status, one shared with the staff, one
without a horizon, and another organisation's signal."""

from datetime import timedelta

import pytest
from django.utils import timezone

from organizations.roles import Role
from signals.models import Level, Status, Trend

from ..factories import SignalFactory


def trend(kommun, force: str) -> Trend:
    return Trend.objects.filter(organization=kommun, driving_force__name=force).first()


@pytest.fixture
def register(kommun, members):
    """A signal of each status, one shared with the staff, one without a horizon."""
    teknik, klimat = trend(kommun, "Teknik"), trend(kommun, "Klimat")
    common = {"organization": kommun, "created_by": members[Role.SCANNER]}
    return {
        "logged": SignalFactory(
            title="Loggad om AI", level=Level.OUTER, time_horizon="1-3", impact=3,
            trends=[teknik], area="Digitalisering", tags=["ai"], **common,
        ),
        "shared": SignalFactory(
            title="Delad om klimatet", level=Level.NEAR, time_horizon="now", impact=4,
            trends=[klimat], area="Klimat och miljö", shared_with_staff=True, **common,
        ),
        "draft": SignalFactory(
            title="Utkast om skolan", level=Level.INNER, time_horizon="3-10", status=Status.DRAFT,
            trends=[teknik], **common,
        ),
        "archived": SignalFactory(
            title="Arkiverad om vatten", level=Level.NEAR, time_horizon="10+",
            status=Status.ARCHIVED, **common,
        ),
        "old": SignalFactory(
            title="Gammal om vägar", level=Level.OUTER, time_horizon="10+",
            created_at=timezone.now() - timedelta(days=500), **common,
        ),
        "no_horizon": SignalFactory(title="Utan horisont", level=Level.OUTER, **common),
    }  # fmt: skip


@pytest.fixture
def foreign(other_kommun, other_members):
    return SignalFactory(
        organization=other_kommun, title="Varbergs signal", time_horizon="now",
        created_by=other_members[Role.SCANNER],
    )  # fmt: skip
