"""Showing text a person wrote (a title, a tag, a name) so that it cannot pose as something else.

- ``{{ value|isolate }}`` for a value inside a sentence ("History of “…”"): the value in
  ``<bdi>``, so a name in a right-to-left script, or one that starts with punctuation, cannot
  reorder the words around it.
- ``{{ value|without_bidi_controls }}`` for a value that is an element's whole text (a table
  cell, a tag chip, a link): ``spaning.css`` isolates those elements, and in ``<title>`` or
  ``<option>`` no markup is possible.

Both remove the bidirectional controls an older row may still hold (``core.lib.text``); new
text is stored without them. ``spaning.css`` also lets such text wrap anywhere, so a
250-character word cannot widen the page.
"""

from django import template
from django.utils.html import format_html

from core.lib.text import strip_bidi_controls

register = template.Library()


@register.filter
def isolate(value):
    if value is None or value == "":
        return ""
    return format_html("<bdi>{}</bdi>", strip_bidi_controls(str(value)))


@register.filter
def without_bidi_controls(value):
    if value is None:
        return ""
    return strip_bidi_controls(str(value))
