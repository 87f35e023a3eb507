"""Forms for the organisation admin's settings pages: areas, trends, driving forces and tags.

Every form is bound to one organisation: choices come from that organisation only (a forged id
of another organisation's driving force or tag is "not a valid choice"), and names are unique
within it, compared case-insensitively, so "Klimat" and "klimat" cannot both exist.
"""

from django import forms
from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Area, DrivingForce, Tag, Trend


class _OrganizationNameForm(forms.ModelForm):
    """A model form for an object of one organisation with a name unique within it."""

    duplicate_message = _("There is already one named “%(name)s”.")

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.instance.organization = organization

    def clean_name(self):
        name = self.cleaned_data["name"]
        others = self._meta.model.objects.filter(organization=self.organization)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        # Compared in Python: SQLite's lower() only folds ASCII, and Swedish names have åäö.
        folded = name.casefold()
        if any(other.casefold() == folded for other in others.values_list("name", flat=True)):
            raise forms.ValidationError(
                self.duplicate_message, params={"name": name}, code="unique"
            )
        return name

    def save(self, commit=True):
        """Save, turning a name taken by a concurrent request into a field error.

        Returns None (and leaves the form invalid) when the database refused the name.
        """
        if not commit:
            return super().save(commit=False)
        try:
            with transaction.atomic():
                return super().save()
        except IntegrityError:
            self.add_error("name", self.duplicate_message % {"name": self.cleaned_data["name"]})
            return None


class AreaForm(_OrganizationNameForm):
    duplicate_message = _("There is already an area named “%(name)s”.")

    class Meta:
        model = Area
        fields = ["name", "description"]
        help_texts = {"description": _("What the scanning group watches in this area.")}


class DrivingForceForm(_OrganizationNameForm):
    duplicate_message = _("There is already a driving force named “%(name)s”.")

    class Meta:
        model = DrivingForce
        fields = ["name"]


class TrendForm(_OrganizationNameForm):
    duplicate_message = _("There is already a trend named “%(name)s”.")

    class Meta:
        model = Trend
        fields = ["name", "description", "driving_force"]

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, organization=organization, **kwargs)
        field = self.fields["driving_force"]
        field.queryset = organization.driving_forces.all()
        field.empty_label = gettext("(none)")


class TagForm(_OrganizationNameForm):
    """Validates a tag's new name; ``taxonomy_services.tag_rename`` applies it."""

    duplicate_message = _(
        "There is already a tag named “%(name)s”. To combine the two, merge this tag into it."
    )

    class Meta:
        model = Tag
        fields = ["name"]

    def save(self, commit=True):
        raise NotImplementedError("Rename a tag with taxonomy_services.tag_rename.")


class TagMergeForm(forms.Form):
    """Choose the tag to merge one into; ``taxonomy_services.tag_merge`` does the merge."""

    into = forms.ModelChoiceField(
        label=_("Merge into"),
        queryset=Tag.objects.none(),
        help_text=_("Signals with this tag get the chosen tag instead; this tag is then deleted."),
    )

    def __init__(self, *args, tag: Tag, **kwargs):
        super().__init__(*args, **kwargs)
        self.tag = tag
        others = Tag.objects.filter(organization_id=tag.organization_id).exclude(pk=tag.pk)
        self.fields["into"].queryset = others
