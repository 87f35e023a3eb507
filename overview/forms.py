"""The radar's filters, read from the query string. A value the form does not understand
(another organisation's area, a forged level) is reported and left out of the filtering."""

from django import forms
from django.http import QueryDict
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from signals.models import Level, Status
from signals.selectors import filter_choices
from signals.visibility import visible_statuses

from .selectors import ALL_TIME, BY_AREA, BY_FORCE, BY_LEVEL, DEFAULT_PERIOD, RadarFilters

BY_CHOICES = [
    (BY_FORCE, _("Driving forces")),
    (BY_AREA, _("Areas")),
    (BY_LEVEL, _("Levels")),
]
PERIOD_CHOICES = [
    ("3", _("The last 3 months")),
    ("6", _("The last 6 months")),
    ("12", _("The last 12 months")),
    ("24", _("The last 24 months")),
    (ALL_TIME, _("All time")),
]


class RadarFilterForm(forms.Form):
    by = forms.ChoiceField(label=_("Sectors"), required=False, choices=BY_CHOICES)
    period = forms.ChoiceField(label=_("Logged"), required=False, choices=PERIOD_CHOICES)
    level = forms.ChoiceField(label=_("Level"), required=False)
    area = forms.TypedChoiceField(label=_("Area"), required=False, coerce=int, empty_value=None)
    trend = forms.TypedChoiceField(label=_("Trend"), required=False, coerce=int, empty_value=None)
    tag = forms.TypedChoiceField(label=_("Tag"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False)

    PARAMS = ("by", "period", "level", "area", "trend", "tag", "status")

    def __init__(self, data, *, membership):
        # The defaults as values, so the dropdowns show them chosen.
        data = data.copy()
        for name, default in (("by", BY_FORCE), ("period", DEFAULT_PERIOD)):
            if not data.get(name):
                data[name] = default
        super().__init__(data, label_suffix="")
        self.fields["level"].choices = [("", _("All levels")), *Level.choices]
        # The signal list's dropdowns, cached until the organisation's data changes.
        choices = filter_choices(membership)
        self.fields["area"].choices = [("", _("All areas")), *choices["area"]]
        self.fields["trend"].choices = [("", _("All trends")), *choices["trend"]]
        self.fields["tag"].choices = [("", _("All tags")), *choices["tag"]]
        statuses = visible_statuses(membership)
        empty = _("All but the archive") if Status.ARCHIVED in statuses else _("All statuses")
        self.fields["status"].choices = [("", empty), *((s.value, s.label) for s in statuses)]

    def _value(self, name):
        if name in self.errors:
            return None
        return self.cleaned_data.get(name)

    @cached_property
    def filters(self) -> RadarFilters:
        self.is_valid()
        return RadarFilters(
            by=self._value("by") or BY_FORCE,
            period=self._value("period") or DEFAULT_PERIOD,
            level=self._value("level") or "",
            area=self._value("area"),
            trend=self._value("trend"),
            tag=self._value("tag"),
            status=self._value("status") or "",
        )

    @property
    def params(self) -> QueryDict:
        """The understood, non-default parameters: what the address bar and links carry."""
        self.is_valid()
        params = QueryDict(mutable=True)
        for name in self.PARAMS:
            raw = str(self.data.get(name, "")).strip()
            if raw and self._value(name) not in (None, ""):
                params[name] = raw
        if params.get("by") == BY_FORCE:
            del params["by"]
        if params.get("period") == DEFAULT_PERIOD:
            del params["period"]
        return params

    @property
    def is_filtered(self) -> bool:
        filters = self.filters
        return any(
            (
                filters.level,
                filters.area,
                filters.trend,
                filters.tag,
                filters.status,
                filters.period != DEFAULT_PERIOD,
            )
        )
