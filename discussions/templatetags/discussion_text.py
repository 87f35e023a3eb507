from django import template

from core.lib.markdown import render_markdown
from core.lib.text import strip_bidi_controls

register = template.Library()


@register.filter
def comment_html(text: str):
    """A comment or opening text as people wrote it: plain text with addresses made links, and
    the small Markdown subset of signal descriptions, cleaned by nh3 (core.lib.markdown)."""
    return render_markdown(strip_bidi_controls(text or ""))
