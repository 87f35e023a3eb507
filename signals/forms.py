"""The signal form (whole, for the create and edit pages, or one field for inline editing) and
the sources formset. Forms only check and convert input; ``services`` does the writing."""

import re

from django import forms
from django.db.models import Q
from django.forms import formset_factory
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import IdMultipleChoiceField
from core.lib.ids import parse_id

from . import display
from .models import (
    EDITABLE_FIELDS,
    Area,
    Certainty,
    Impact,
    Level,
    Signal,
    Source,
    Status,
    Tag,
    TimeHorizon,
    Trend,
)
from .services import (
    AREA_INVALID,
    EDITABLE_STATUSES,
    LEVEL_INVALID,
    MAX_DESCRIPTION_LENGTH,
    MAX_MOTIVATION_LENGTH,
    MAX_SOURCES,
    MAX_TAGS,
    NO_SOURCE,
    TAG_TOO_LONG,
    TOO_MANY_SOURCES,
    TOO_MANY_TAGS,
    TRENDS_INVALID,
    SourceData,
    parse_tag_names,
    validate_source_url,
)
from .visibility import visible_areas, visible_trends

# Every editable field can also be edited on its own on the detail page.
INLINE_FIELDS = EDITABLE_FIELDS

# An unassessed scale reads in the form as it does on the signal's page.
NOT_ASSESSED = display.NOT_GIVEN


class LevelRadioSelect(forms.RadioSelect):
    """Radio buttons whose labels carry the level's explanation from the domain guide."""

    option_template_name = "signals/widgets/level_option.html"

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["explanation"] = display.FIELDS["level"].explanation(value)
        return option


class SignalForm(forms.Form):
    required_css_class = "required"

    title = forms.CharField(
        label=display.FIELDS["title"].label, max_length=Signal._meta.get_field("title").max_length
    )
    description = forms.CharField(
        label=display.FIELDS["description"].label,
        required=False,
        max_length=MAX_DESCRIPTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "What is happening? Plain text, or simple Markdown: **bold**, *italic*, "
            "lists and [links](https://…)."
        ),
    )
    motivation = forms.CharField(
        max_length=MAX_MOTIVATION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why this matters for us: it is what makes a signal.")},
    )
    level = forms.ChoiceField(
        label=display.FIELDS["level"].label,
        choices=Level.choices,
        widget=LevelRadioSelect,
        error_messages={
            "required": _("Choose where the signal comes from."),
            "invalid_choice": LEVEL_INVALID,
        },
    )
    area = forms.ModelChoiceField(
        label=display.FIELDS["area"].label,
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("No area"),
        error_messages={"invalid_choice": AREA_INVALID},
    )
    trends = IdMultipleChoiceField(
        label=display.FIELDS["trends"].label,
        queryset=Trend.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": TRENDS_INVALID},
    )
    tags = forms.CharField(
        label=display.FIELDS["tags"].label,
        required=False,
        max_length=1000,
        help_text=_("Separate tags with commas, e.g. school, AI, housing."),
    )
    time_horizon = forms.ChoiceField(
        label=display.FIELDS["time_horizon"].label,
        choices=[("", NOT_ASSESSED), *TimeHorizon.choices],
        required=False,
    )
    impact = forms.TypedChoiceField(
        label=display.FIELDS["impact"].label,
        choices=[("", NOT_ASSESSED), *Impact.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    certainty = forms.TypedChoiceField(
        label=display.FIELDS["certainty"].label,
        choices=[("", NOT_ASSESSED), *Certainty.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    status = forms.ChoiceField(
        label=display.FIELDS["status"].label,
        choices=[(status.value, status.label) for status in EDITABLE_STATUSES],
        initial=Status.LOGGED,
        widget=forms.RadioSelect,
        help_text=_("A draft is seen only by the scanning group."),
    )
    # The version the form was opened at; see services.signal_update.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, membership, signal: Signal | None = None, only=None, **kwargs):
        if signal is not None and "initial" not in kwargs and not args and "data" not in kwargs:
            kwargs["initial"] = initial_for(signal)
        super().__init__(*args, **kwargs)
        organization = membership.organization
        self.organization = organization
        self.signal = signal
        self.fields["motivation"].label = display.label("motivation", organization)
        # Active choices, plus whatever the signal already has (a retired area stays shown).
        current_area = signal.area_id if signal else None
        current_trends = list(signal.trends.values_list("pk", flat=True)) if signal else []
        self.fields["area"].queryset = visible_areas(membership).filter(
            _active_or(current_area and [current_area])
        )
        self.fields["trends"].queryset = visible_trends(membership).filter(
            _active_or(current_trends)
        )
        if signal is None:
            del self.fields["version"]
        elif signal.status not in EDITABLE_STATUSES:
            # An archived signal changes status through "Restore" only.
            del self.fields["status"]
        if only is not None:
            keep = set(only) | {"version"}
            for name in list(self.fields):
                if name not in keep:
                    del self.fields[name]

    def clean_tags(self):
        names = parse_tag_names(self.cleaned_data["tags"])
        max_length = Tag._meta.get_field("name").max_length
        too_long = [name for name in names if len(name) > max_length]
        if too_long:
            raise forms.ValidationError(TAG_TOO_LONG, params={"max": max_length})
        if len(names) > MAX_TAGS:
            raise forms.ValidationError(TOO_MANY_TAGS, params={"max": MAX_TAGS})
        return names

    def clean_version(self):
        version = self.cleaned_data.get("version")
        if self.signal is not None and version is None:
            # A form without a version cannot prove it saw the latest save: treat as stale.
            return 0
        return version

    def changes(self) -> dict:
        """cleaned_data in the shape services.signal_create/signal_update take."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        if "trends" in data:
            data["trends"] = list(data["trends"])
        if "time_horizon" in data:
            data["time_horizon"] = data["time_horizon"] or ""
        return data


def _active_or(pks):
    condition = Q(is_active=True)
    if pks:
        condition |= Q(pk__in=pks)
    return condition


def initial_for(signal: Signal) -> dict:
    return {
        "title": signal.title,
        "description": signal.description,
        "motivation": signal.motivation,
        "level": signal.level,
        "area": signal.area_id,
        "trends": [trend.pk for trend in signal.trends.all()],
        "tags": ", ".join(tag.name for tag in signal.tags.all()),
        "time_horizon": signal.time_horizon,
        "impact": signal.impact,
        "certainty": signal.certainty,
        "status": signal.status,
        "version": signal.version,
    }


class SourceForm(forms.Form):
    # The stored source this row edits (empty for a new row); see services._replace_sources,
    # which adds the row as a new source when the id is not one of the signal's own. So an id
    # that cannot be one (not a number, beyond 64 bits) is no id, rather than an error about a
    # hidden field the user cannot see.
    id = forms.CharField(widget=forms.HiddenInput, required=False)
    url = forms.CharField(
        label=_("Web address"),
        required=False,
        max_length=Source._meta.get_field("url").max_length,
        validators=[validate_source_url],
        widget=forms.URLInput(attrs={"inputmode": "url", "autocomplete": "url"}),
    )
    name = forms.CharField(
        label=_("Source name"),
        required=False,
        max_length=Source._meta.get_field("name").max_length,
        help_text=_("E.g. the newspaper, agency or report."),
    )
    published_on = forms.DateField(
        label=_("Publication date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_id(self):
        return parse_id(self.cleaned_data["id"])

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("url") and not cleaned.get("name"):
            self.add_error("url", _("Give the source's web address or its name."))
        return cleaned


SOURCES_INCOMPLETE = _(
    "The list of sources did not arrive complete. Check the sources below and save again."
)
_SOURCE_ROW_KEY = re.compile(r"^sources-(\d{1,4})-")


class BaseSourceFormSet(forms.BaseFormSet):
    label = _("Sources")
    default_error_messages = {
        "too_many_forms": TOO_MANY_SOURCES,
    }
    # Set by ``source_formset`` when the rows were read without the management form's counts.
    incomplete = False

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # How the error summary names the row (includes/form_errors.html).
        if index is not None:
            form.row_label = gettext("Source %(number)s") % {"number": index + 1}

    def clean(self):
        if self.incomplete:
            raise forms.ValidationError(SOURCES_INCOMPLETE, code="incomplete")
        if any(self.errors):
            return
        if not self.sources():
            raise forms.ValidationError(NO_SOURCE, code="too_few_forms")

    def sources(self) -> list[SourceData]:
        """The filled-in rows that are not marked for removal, in order."""
        result = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE") or not (data.get("url") or data.get("name")):
                continue
            result.append(
                SourceData(
                    url=data["url"],
                    name=data["name"],
                    published_on=data["published_on"],
                    id=data.get("id"),
                )
            )
        return result


SourceFormSet = formset_factory(
    SourceForm,
    formset=BaseSourceFormSet,
    extra=0,
    min_num=1,
    max_num=MAX_SOURCES,
    absolute_max=MAX_SOURCES,
    validate_max=True,
    can_delete=True,
    can_delete_extra=False,
)


def source_formset(*, data=None, signal: Signal | None = None) -> BaseSourceFormSet:
    """The sources formset: a signal's sources plus one empty row to add another. It always
    has at least one row, so the page can show it (and offer the title suggestion on it).

    Submitted without its management form, or with counts no page writes (no rows, a negative
    number, text), the rows that did arrive are read anyway and shown again with
    ``SOURCES_INCOMPLETE``: nothing is stored from a form whose shape is in doubt, and nothing
    the user typed is lost."""
    initial = None
    if signal is not None:
        initial = [
            {"id": s.pk, "url": s.url, "name": s.name, "published_on": s.published_on}
            for s in signal.sources.all()
        ]
    formset = SourceFormSet(data=data, initial=initial, prefix="sources")
    if data is None:
        if signal is not None:
            formset.extra = 1
        return formset
    if _counts_are_sound(formset):
        return formset
    formset = SourceFormSet(data=_with_counts(data), initial=initial, prefix="sources")
    formset.incomplete = True
    return formset


def _counts_are_sound(formset: BaseSourceFormSet) -> bool:
    management = formset.management_form
    if not management.is_valid():
        return False
    total = management.cleaned_data["TOTAL_FORMS"]
    initial = management.cleaned_data["INITIAL_FORMS"]
    return total >= 1 and 0 <= initial <= total


def _with_counts(data):
    """The submitted data with counts that cover the source rows it holds (at least one)."""
    indexes = [int(m[1]) for key in data if (m := _SOURCE_ROW_KEY.match(key))]
    total = max(1, min(MAX_SOURCES, max(indexes, default=0) + 1))
    repaired = data.copy() if hasattr(data, "copy") else dict(data)
    try:
        initial = int(repaired.get("sources-INITIAL_FORMS", ""))
    except (TypeError, ValueError):
        initial = 0
    repaired["sources-TOTAL_FORMS"] = str(total)
    repaired["sources-INITIAL_FORMS"] = str(initial if 0 <= initial <= total else 0)
    return repaired
