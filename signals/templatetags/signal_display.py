from django import template

from .. import display

register = template.Library()


@register.filter
def shown(signal, name: str) -> str:
    """``{{ signal|shown:"level" }}``: the field as every page reads it (``display.text``)."""
    return display.text(signal, name)
