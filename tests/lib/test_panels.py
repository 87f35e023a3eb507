"""core.lib.panels: a place for a list gives each registered function all the objects at
once, and each object gets the HTML said about it, in the order registered."""

from dataclasses import dataclass

import pytest
from django.test import RequestFactory

from core.lib import panels


@dataclass
class Thing:
    pk: int


@pytest.fixture
def place(monkeypatch):
    monkeypatch.setattr(panels, "_EACH_PANELS", {})
    return "test_place"


def test_each_function_is_called_once_with_every_object(place):
    calls = []

    @panels.panel_for_each(place)
    def first(request, objects):
        calls.append(list(objects))
        return {thing.pk: f"<p>first {thing.pk}</p>" for thing in objects if thing.pk != 2}

    @panels.panel_for_each(place)
    def second(request, objects):
        return {1: "<p>second</p>", 99: "<p>not asked for</p>"}

    things = [Thing(1), Thing(2), Thing(3)]
    shown = panels.render_panels_for_each(place, RequestFactory().get("/"), things)
    assert calls == [things]
    assert shown == {1: "<p>first 1</p><p>second</p>", 3: "<p>first 3</p>"}


def test_no_objects_calls_nothing(place):
    @panels.panel_for_each(place)
    def never(request, objects):
        raise AssertionError("called")

    assert panels.render_panels_for_each(place, RequestFactory().get("/"), []) == {}
    assert panels.render_panels_for_each("nobody_adds_here", RequestFactory().get("/"), [1]) == {}
