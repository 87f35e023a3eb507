"""The trend analysis's forms: they check the input's shape only (lengths, ids that can be
ids); the services check the rules."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import IdChoiceField

from .models import (
    FIRST_YEAR,
    LAST_YEAR,
    NAME_MAX_LENGTH,
    SOURCE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)

MARKDOWN_HELP = _("Plain text or simple Markdown.")


def _text(label, help_text=MARKDOWN_HELP, rows=5, required=False):
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX_LENGTH,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class StartForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.attrs["max"] = timezone.localdate().year


class AnalysisForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    summary = _text(_("Summary"), rows=6)


class TrendForm(forms.Form):
    name = forms.CharField(label=_("Name this year"), max_length=NAME_MAX_LENGTH)
    driving_force = forms.CharField(label=_("Driving force"), max_length=100, required=False)
    description = _text(_("Description"), rows=3)
    meaning = _text(
        _("What it means for us"),
        help_text=_("A few paragraphs: what the trend means for the municipality. Markdown."),
        rows=8,
    )
    opportunities = _text(_("Opportunities"), rows=5)
    risks = _text(_("Risks"), rows=5)


class NewTrendForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX_LENGTH)
    driving_force = forms.CharField(label=_("Driving force"), max_length=100, required=False)
    description = _text(_("Description"), help_text="", rows=2)
    catalogue_trend = IdChoiceField(
        label=_("Its signals from the catalogue trend"),
        queryset=None,
        required=False,
        empty_label=_("None (a trend without signals in the register)"),
    )

    def __init__(self, *args, catalogue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["catalogue_trend"].queryset = catalogue


class MergeForm(forms.Form):
    trend = IdChoiceField(label=_("Merge the trend"), queryset=None)
    into = IdChoiceField(label=_("into"), queryset=None)

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trend"].queryset = entries
        self.fields["into"].queryset = entries


class RetireForm(forms.Form):
    restore = forms.BooleanField(required=False)


class InputForm(forms.Form):
    source = forms.CharField(
        label=_("From"),
        max_length=SOURCE_MAX_LENGTH,
        help_text=_("The committee, department or group, e.g. Socialnämnden."),
    )
    trend = IdChoiceField(
        label=_("On the trend"),
        queryset=None,
        required=False,
        empty_label=_("The analysis as a whole"),
    )
    text = _text(_("Input"), rows=4, required=True)

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trend"].queryset = entries
