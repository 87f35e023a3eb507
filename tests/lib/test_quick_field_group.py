"""``core.forms.QuickBoundField`` writes the same field group (label, help text, errors,
widget) as Django's templates do."""

import re

import pytest
from django import forms

from core.forms import QuickBoundField, QuickSelect


def _tags(html: str) -> str:
    return re.sub(r">\s+<", "><", " ".join(str(html).split())).strip()


class Fields(forms.Form):
    text = forms.CharField(label="Say <b>", required=False, help_text="Like <i>this</i>.")
    number = forms.IntegerField(label="How many?", min_value=1)
    choice = forms.ChoiceField(label="Level", choices=[("", "All"), ("a", "A")], widget=QuickSelect)
    ticked = forms.BooleanField(label="Only mine", required=False)
    unlabelled = forms.CharField(label="", required=False)


class Quick(Fields):
    bound_field_class = QuickBoundField


@pytest.mark.parametrize(
    ("data", "options"),
    [
        ({}, {}),
        ({"text": "x", "number": "0", "choice": "zz", "ticked": "1"}, {}),
        ({"number": "nope"}, {"label_suffix": ":", "auto_id": "f-%s"}),
        ({"number": "2"}, {"auto_id": False}),
    ],
)
def test_same_field_group_as_djangos(data, options):
    plain, quick = Fields(data or None, **options), Quick(data or None, **options)
    for form in (plain, quick):
        form.required_css_class = "required"
        form.is_valid()
    for name in Fields.base_fields:
        assert _tags(quick[name].as_field_group()) == _tags(plain[name].as_field_group()), name
        assert _tags(quick[name].label_tag()) == _tags(plain[name].label_tag()), name
    assert "Say &lt;b&gt;" in quick["text"].as_field_group()
