"""Form helpers every app shares."""

from django.core.exceptions import ValidationError


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
