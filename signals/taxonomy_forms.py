"""Forms for the organisation admin's settings pages: areas, trends and tags.

Every form is bound to one organisation: choices come from that organisation only (a forged id
of another organisation's driving force or tag is "not a valid choice"), and names are unique
within it, compared case-insensitively, so "Klimat" and "klimat" cannot both exist.
"""

from django import forms
from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Area, Signal, Tag, Trend
from .services import build_search_document


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
    duplicate_message = _(
        "There is already a tag named “%(name)s”. To combine the two, merge this tag into it."
    )

    class Meta:
        model = Tag
        fields = ["name"]

    @transaction.atomic
    def save(self, commit=True):
        tag = super().save(commit=commit)
        if commit and tag and "name" in self.changed_data:
            # Search reads tag names: the signals that have this tag must find the new one.
            refresh_search_documents(tag.signals.values_list("pk", flat=True))
        return tag


class TagMergeForm(forms.Form):
    """Merge one tag into another: its signals get the other tag, and it is deleted."""

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

    @transaction.atomic
    def save(self) -> Tag:
        """Move the tag's signal links to the chosen tag and delete it. Returns the chosen tag.

        Works on the many-to-many table directly: one UPDATE for the signals that do not have
        the chosen tag yet, and the delete removes the links of those that already had both.
        """
        into = self.cleaned_data["into"]
        links = Signal.tags.through.objects
        signal_ids = list(links.filter(tag=self.tag).values_list("signal_id", flat=True))
        already_tagged = links.filter(tag=into).values("signal_id")
        links.filter(tag=self.tag).exclude(signal_id__in=already_tagged).update(tag=into)
        self.tag.delete()
        refresh_search_documents(signal_ids)
        return into


def refresh_search_documents(signal_ids) -> None:
    """Rebuild the search text of signals whose tags were renamed or merged.

    A bulk update: tidying the organisation's tags is not an edit of the signals, so it neither
    writes history records nor bumps their version (nobody's open form becomes a conflict).
    """
    signals = list(
        Signal.objects.filter(pk__in=list(signal_ids)).prefetch_related("sources", "tags")
    )
    for signal in signals:
        signal.search_document = build_search_document(signal)
    Signal.objects.bulk_update(signals, ["search_document"], batch_size=500)
