from django import template

from core.lib.people import display_name as _display_name

register = template.Library()


@register.filter
def display_name(user) -> str:
    """How a person is named in the UI: full name, else username; empty for a removed user."""
    return _display_name(user) if user else ""
