"""The form for choosing the areas a member watches. It checks the input's shape only;
``watch_services.areas_watched_set`` stores the choice and enforces the rules."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.converters import IdConverter

from .models import Area
from .visibility import visible_areas
from .watch_services import AREAS_INVALID

_ID = re.compile(IdConverter.regex)


class AreaCheckboxes(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        # A number past 64 bits would overflow in the database's lookup: not a choice.
        for pk in value:
            if not _ID.fullmatch(str(pk)):
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super()._check_values(value)

    def label_from_instance(self, area):
        if area.is_active:
            return area.name
        return gettext("%(name)s (retired)") % {"name": area.name}


class WatchedAreasForm(forms.Form):
    areas = AreaCheckboxes(
        label=_("Areas you watch"),
        queryset=Area.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": AREAS_INVALID, "invalid_pk_value": AREAS_INVALID},
    )

    def __init__(self, *args, membership, watched: list[Area], label=None, **kwargs):
        """``membership`` is who fills in the form (its choices are what they see);
        ``watched`` what the member in question watches now: retired ones among them stay
        offered, so keeping them is a choice and not lost by saving."""
        kwargs.setdefault("initial", {"areas": [area.pk for area in watched]})
        super().__init__(*args, **kwargs)
        field = self.fields["areas"]
        retired_watched = [area.pk for area in watched if not area.is_active]
        field.queryset = visible_areas(membership).filter(
            Q(is_active=True) | Q(pk__in=retired_watched)
        )
        if label is not None:
            field.label = label
