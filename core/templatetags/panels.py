from django import template

from core.lib.panels import render_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context, place: str, obj):
    """``{% panels "signal_detail" signal %}``: what other apps add here (core.lib.panels)."""
    request = context.get("request")
    if request is None or getattr(request, "membership", None) is None:
        return ""
    return render_panels(place, request, obj)
