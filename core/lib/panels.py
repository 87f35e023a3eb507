"""Panels: what a higher app adds to a lower app's page, without the lower app knowing it.

A signal's page shows its discussion, a published report's page too; the signal register must
not import discussions (dependencies point downwards). So the page names a place
(``{% panels "signal_detail" signal %}``), and an app registers a function for it in its
``AppConfig.ready()``. Each function takes the request and the object and returns HTML (or
"" for nothing); it reads through visibility rules like any view.

A list page that shows a panel for each of its rows (the report archive, a panel per report)
would call a panel once per row, each with its own queries. So a place may be for a list
instead: the view calls ``render_panels_for_each(place, request, objects)`` once, and each
function registered with ``panel_for_each`` is given all the objects together and returns
the HTML of those it has something to say about, keyed by the object's ``pk``.
"""

from collections.abc import Callable, Hashable, Sequence

from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

Panel = Callable[[HttpRequest, object], str]
_PANELS: dict[str, list[Panel]] = {}
EachPanel = Callable[[HttpRequest, Sequence], dict[Hashable, str]]
_EACH_PANELS: dict[str, list[EachPanel]] = {}


def panel(place: str) -> Callable[[Panel], Panel]:
    def register(function: Panel) -> Panel:
        _PANELS.setdefault(place, []).append(function)
        return function

    return register


def render_panels(place: str, request: HttpRequest, obj) -> SafeString:
    parts = [function(request, obj) for function in _PANELS.get(place, [])]
    # Each part is HTML its app rendered from a template (escaped there).
    return format_html_join("", "{}", ((mark_safe(part),) for part in parts if part))


def panel_for_each(place: str) -> Callable[[EachPanel], EachPanel]:
    def register(function: EachPanel) -> EachPanel:
        _EACH_PANELS.setdefault(place, []).append(function)
        return function

    return register


def render_panels_for_each(
    place: str, request: HttpRequest, objects: Sequence
) -> dict[Hashable, SafeString]:
    """Each object's panels by its ``pk`` (objects nobody adds to are left out)."""
    if not objects:
        return {}
    results = [function(request, objects) for function in _EACH_PANELS.get(place, [])]
    panels: dict[Hashable, SafeString] = {}
    for obj in objects:
        parts = [result[obj.pk] for result in results if result.get(obj.pk)]
        if parts:
            # As above: HTML each app rendered from a template.
            panels[obj.pk] = format_html_join("", "{}", ((mark_safe(part),) for part in parts))
    return panels
