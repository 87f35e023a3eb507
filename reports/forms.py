"""The shape of what the report pages submit; the rules are the services'."""

from dataclasses import dataclass

from core.lib.ids import parse_id
from signals.models import Level
from signals.visibility import visible_areas, visible_trends

from .selectors import BoardFilters


@dataclass
class BoardFilterChoices:
    """The board's filter choices and what the query string asked for, forged values dropped."""

    filters: BoardFilters
    levels: list
    areas: list
    trends: list


def board_filters(data, membership) -> BoardFilterChoices:
    areas = list(visible_areas(membership).only("pk", "name"))
    trends = list(visible_trends(membership).filter(is_active=True).only("pk", "name"))
    level = data.get("level", "")
    level = level if level in Level.values else ""
    area = parse_id(data.get("area"))
    trend = parse_id(data.get("trend"))
    return BoardFilterChoices(
        filters=BoardFilters(
            level=level,
            area=area if area in {a.pk for a in areas} else None,
            trend=trend if trend in {t.pk for t in trends} else None,
        ),
        levels=list(Level.choices),
        areas=areas,
        trends=trends,
    )
