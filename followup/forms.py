"""The shapes of what people send: an action, its status, the three questions, a review. The
rules (who may, a due date not past, an owner of the organisation) are the services'; these
only read the input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import IdChoiceField

from .models import (
    DEPARTMENT_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    QUESTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    ActionKind,
    ActionStatus,
    Outcome,
    ReportedSignal,
)
from .services import OWNER_NOT_MEMBER


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        # The browser's date picker sends and shows ISO dates, whatever the language.
        super().__init__(attrs, format="%Y-%m-%d")


class OwnerField(IdChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class ActionForm(forms.Form):
    title = forms.CharField(
        label=_("What will be done?"),
        required=False,
        max_length=TITLE_MAX_LENGTH * 2,
        help_text=_("For example “Investigate flexible premises for the new preschool”."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=ActionKind.choices, widget=forms.RadioSelect, required=False
    )
    owner = OwnerField(
        label=_("Owner"),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": OWNER_NOT_MEMBER},
    )
    owner_department = forms.CharField(
        label=_("…or a department"),
        required=False,
        max_length=DEPARTMENT_MAX_LENGTH * 2,
        help_text=_("A committee or department, when no one member owns it."),
    )
    due_on = forms.DateField(label=_("Due date"), required=False, widget=DateInput())

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].empty_label = _("No member: a department")


class NewActionForm(ActionForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=ActionStatus.choices,
        initial=ActionStatus.PROPOSED,
        required=False,
    )
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=NOTE_MAX_LENGTH * 2
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices, required=False)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX_LENGTH * 2,
        help_text=_("Why, or how far it has come. Kept in the history."),
    )


class QuestionsForm(forms.Form):
    risk_or_opportunity = forms.CharField(
        label=ReportedSignal._meta.get_field("risk_or_opportunity").verbose_name,
        required=False,
        max_length=QUESTION_MAX_LENGTH * 2,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    what_we_can_do = forms.CharField(
        label=ReportedSignal._meta.get_field("what_we_can_do").verbose_name,
        required=False,
        max_length=QUESTION_MAX_LENGTH * 2,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    success_looks_like = forms.CharField(
        label=ReportedSignal._meta.get_field("success_looks_like").verbose_name,
        required=False,
        max_length=QUESTION_MAX_LENGTH * 2,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Did it lead to something?"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    outcome_note = forms.CharField(
        label=_("What it led to"),
        required=False,
        max_length=NOTE_MAX_LENGTH * 2,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A decision, a changed plan, a new service: say what, and where."),
    )
