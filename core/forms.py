"""Form helpers every app shares."""

from django import forms
from django.core.exceptions import ValidationError

from core.lib.ids import parse_id


def attach_errors(refused: ValidationError, form, formset=None) -> None:
    """Show a service's refusal on the form: each message on the field it names, messages for
    ``sources`` on the formset (when there is one), the rest on the form as a whole."""
    for name, messages in refused.message_dict.items():
        for message in messages:
            if name == "sources" and formset is not None:
                formset.non_form_errors().append(message)
            elif name in form.fields:
                form.add_error(name, message)
            else:
                form.add_error(None, message)


def refused_form(form, refused: ValidationError):
    """The form as it was sent, showing only a service's refusal: its own checks are run (so
    the fields keep what was typed) and their messages replaced by the service's words."""
    form.is_valid()
    form.errors.clear()
    attach_errors(refused, form)
    return form


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several rows chosen by id. A value that cannot be an id (beyond 64 bits, negative, not
    a number) is "not a valid choice" like any other: Django would query it, and SQLite raises
    OverflowError on a number that large."""

    def _check_values(self, value):
        try:
            values = frozenset(value)
        except TypeError:
            values = frozenset()
        for submitted in values:
            if parse_id(submitted) is None:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": submitted},
                )
        return super()._check_values(value)


class IdChoiceField(forms.ModelChoiceField):
    """One row chosen by id; a value that cannot be an id is "not a valid choice" without
    reaching the database (see ``IdMultipleChoiceField``)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if parse_id(value) is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return super().to_python(value)
