"""Panels: what a higher app adds to a lower app's page, without the lower app knowing it.

A signal's page shows its discussion, a published report's page too; the signal register must
not import discussions (dependencies point downwards). So the page names a place
(``{% panels "signal_detail" signal %}``), and an app registers a function for it in its
``AppConfig.ready()``. Each function takes the request and the object and returns HTML (or
"" for nothing); it reads through visibility rules like any view.
"""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

Panel = Callable[[HttpRequest, object], str]
_PANELS: dict[str, list[Panel]] = {}


def panel(place: str) -> Callable[[Panel], Panel]:
    def register(function: Panel) -> Panel:
        _PANELS.setdefault(place, []).append(function)
        return function

    return register


def render_panels(place: str, request: HttpRequest, obj) -> SafeString:
    parts = [function(request, obj) for function in _PANELS.get(place, [])]
    # Each part is HTML its app rendered from a template (escaped there).
    return format_html_join("", "{}", ((mark_safe(part),) for part in parts if part))
