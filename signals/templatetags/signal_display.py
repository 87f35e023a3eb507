from django import template

from .. import display

register = template.Library()


@register.filter
def shown(signal, name: str) -> str:
    """``{{ signal|shown:"level" }}``: the field as every page reads it (``display.text``)."""
    return display.text(signal, name)


@register.filter
def short_date(value) -> str:
    """``{{ signal.created_at|short_date }}``: "28 nov 2026", as lists show a date."""
    return display.short_date(value)


@register.filter
def date_time(value) -> str:
    """``{{ entry.when|date_time }}``: "4 March 2025, 08:15", as pages show a moment."""
    return display.date_time(value)
