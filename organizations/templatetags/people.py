from django import template

from core.lib.people import display_name as _display_name

register = template.Library()


@register.filter
def display_name(user) -> str:
    """The account's own name, else the username; empty for a removed user."""
    return _display_name(user) if user else ""


@register.filter
def named_by(user, people) -> str:
    """``{{ user|named_by:people }}``: the person as the page's organisation names them
    (``people`` is the context's ``organizations.people.MemberNames``); empty for a removed
    user. Without ``people`` (a page outside any organisation), the account's own name."""
    if not user:
        return ""
    return people(user) if people else _display_name(user)
