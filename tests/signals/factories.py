"""Signals for tests, written straight to the database (fast, and independent of the forms).

``search_document`` is composed by the write side's ``build_search_document``, so search tests
read exactly what the services would store.
"""

from datetime import datetime

from django.utils import timezone

from signals.models import Area, Level, Signal, Source, Status, Tag, Trend
from signals.services import build_search_document

_counter = 0


def make_signal(
    organization,
    *,
    title: str | None = None,
    motivation: str = "Därför är detta intressant för oss: det påverkar våra verksamheter.",
    description: str = "",
    level: str = Level.OUTER,
    status: str = Status.LOGGED,
    area: Area | str | None = None,
    trends: list[Trend | str] = (),
    tags: list[str] = (),
    sources: list[tuple[str, str]] | None = None,
    created_by=None,
    created_at: datetime | None = None,
    impact: int | None = None,
    certainty: int | None = None,
    time_horizon: str = "",
) -> Signal:
    """One signal with its sources, trends and tags. Area and trends may be given by name."""
    global _counter
    _counter += 1
    if isinstance(area, str):
        area = Area.objects.get(organization=organization, name=area)
    signal = Signal.objects.create(
        organization=organization,
        title=title or f"Signal nummer {_counter}",
        description=description,
        motivation=motivation,
        level=level,
        status=status,
        area=area,
        created_by=created_by,
        created_at=created_at or timezone.now(),
        impact=impact,
        certainty=certainty,
        time_horizon=time_horizon,
    )
    for position, (url, name) in enumerate(sources or [("https://www.skr.se/", "SKR")]):
        Source.objects.create(signal=signal, url=url, name=name, position=position)
    signal.trends.set(
        Trend.objects.get(organization=organization, name=t) if isinstance(t, str) else t
        for t in trends
    )
    signal.tags.set(
        Tag.objects.get_or_create(organization=organization, name=name)[0] for name in tags
    )
    signal.search_document = build_search_document(signal)
    signal.save(update_fields=["search_document"])
    return signal
