"""Forms for the organisation admin's settings pages: areas, trends, driving forces and tags.

They check the input's shape only; ``taxonomy_services`` applies each change and enforces the
rules (unique names, the organisation's own choices). Choices come from what the member sees
(``visibility``), so a forged id of another organisation's driving force or tag is "not a valid
choice".
"""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Area, DrivingForce, Tag, Trend
from .visibility import visible_driving_forces, visible_tags


class _ValidateOnly(forms.ModelForm):
    """A model form for its fields and validation only: the write is a service's."""

    def save(self, commit=True):
        raise NotImplementedError("Write through signals.taxonomy_services.")


class AreaForm(_ValidateOnly):
    class Meta:
        model = Area
        fields = ["name", "description"]
        help_texts = {"description": _("What the scanning group watches in this area.")}


class DrivingForceForm(_ValidateOnly):
    class Meta:
        model = DrivingForce
        fields = ["name"]


class TrendForm(_ValidateOnly):
    class Meta:
        model = Trend
        fields = ["name", "description", "driving_force"]

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["driving_force"]
        field.queryset = visible_driving_forces(membership)
        field.empty_label = gettext("(none)")


class TagForm(_ValidateOnly):
    class Meta:
        model = Tag
        fields = ["name"]


class TagMergeForm(forms.Form):
    """Choose the tag to merge one into; ``taxonomy_services.tag_merge`` does the merge."""

    into = forms.ModelChoiceField(
        label=_("Merge into"),
        queryset=Tag.objects.none(),
        help_text=_("Signals with this tag get the chosen tag instead; this tag is then deleted."),
    )

    def __init__(self, *args, tag: Tag, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.tag = tag
        self.fields["into"].queryset = visible_tags(membership).exclude(pk=tag.pk)
