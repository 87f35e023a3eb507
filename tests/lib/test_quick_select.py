"""``core.forms.QuickSelect`` writes the same ``<select>`` as Django's template does."""

import re

import pytest
from django import forms

from core.forms import QuickSelect


def _tags(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


class Both(forms.Form):
    plain = forms.ChoiceField(required=False)
    quick = forms.ChoiceField(required=False, widget=QuickSelect)


CHOICES = [
    ("", "All <levels>"),
    ("a", 'Say "A" & B'),
    (3, "Three"),
    ("Group", [("g1", "In a group"), ("g2", "Another")]),
]


@pytest.mark.parametrize("value", ["", "a", "3", "g2", "missing"])
def test_same_element_as_djangos_select(value):
    form = Both({"plain": value, "quick": value})
    for name in ("plain", "quick"):
        form.fields[name].choices = CHOICES
        form.fields[name].widget.attrs["form"] = 'filters"x'
    plain = _tags(form["plain"]).replace("plain", "quick")
    assert _tags(form["quick"]) == plain
    assert "&lt;levels&gt;" in plain


def test_required_and_invalid_attributes_as_djangos():
    form = Both({"plain": "nope", "quick": "nope"})
    for name in ("plain", "quick"):
        form.fields[name].required = True
        form.fields[name].choices = CHOICES[1:]
    assert not form.is_valid()
    quick = _tags(form["quick"])
    assert _tags(form["plain"]).replace("plain", "quick") == quick
    assert 'aria-invalid="true"' in quick
