from django import template

register = template.Library()


@register.filter
def link_of(links: dict, key) -> str:
    """``{{ signal_links|link_of:signal.id }}``: the address of a signal the reader may open,
    or "" (its title is then shown without a link)."""
    return links.get(key, "") if isinstance(links, dict) else ""
