from django import template

from core.lib.markdown import render_markdown
from core.lib.text import strip_bidi_controls

from ..mentions import highlight_mentions

register = template.Library()


@register.filter
def comment_html(text: str, mentioned: set[str] | None = None):
    """A comment or opening text as people wrote it: plain text with addresses made links, and
    the small Markdown subset of signal descriptions, cleaned by nh3 (core.lib.markdown).
    ``mentioned``: the usernames the comment notified, whose mentions are marked up."""
    return highlight_mentions(render_markdown(strip_bidi_controls(text or "")), mentioned or set())
