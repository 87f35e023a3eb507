"""``core.forms.QuickTextInput`` and ``QuickCheckboxInput`` write the same ``<input>`` as
Django's templates do."""

import pytest
from django import forms
from django.utils.safestring import mark_safe

from core.forms import QuickCheckboxInput, QuickTextInput


class Both(forms.Form):
    plain = forms.CharField(
        required=False, help_text="Help", widget=forms.TextInput(attrs={"type": "month"})
    )
    quick = forms.CharField(
        required=False, help_text="Help", widget=QuickTextInput(attrs={"type": "month"})
    )
    plain_box = forms.BooleanField(
        required=False, widget=forms.CheckboxInput(attrs={"value": "1", "data-x": 'a"<b>'})
    )
    quick_box = forms.BooleanField(
        required=False, widget=QuickCheckboxInput(attrs={"value": "1", "data-x": 'a"<b>'})
    )


@pytest.mark.parametrize("value", [None, "", "2025-03", '"><script>&amp;', mark_safe("<b>")])
def test_same_text_input_as_djangos(value):
    data = {} if value is None else {"plain": value, "quick": value}
    form = Both(data)
    for name in ("plain", "quick"):
        form.fields[name].widget.attrs.update({"maxlength": 200, "required": True, "off": False})
    assert str(form["quick"]) == str(form["plain"]).replace("plain", "quick")


@pytest.mark.parametrize("value", [None, "", "1", "on", "false"])
def test_same_checkbox_as_djangos(value):
    form = Both({} if value is None else {"plain_box": value, "quick_box": value})
    assert str(form["quick_box"]) == str(form["plain_box"]).replace("plain_box", "quick_box")


def test_an_invalid_field_says_so_as_djangos():
    form = Both({"plain": "x", "quick": "x"})
    form.add_error("plain", "Wrong")
    form.add_error("quick", "Wrong")
    assert 'aria-invalid="true"' in str(form["quick"])
    assert str(form["quick"]) == str(form["plain"]).replace("plain", "quick")
