"""Form helpers every app shares."""

import html

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

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


def _escape(value) -> str:
    """Django's ``escape`` (the same text), without its wrapper for lazy strings: a filter form
    escapes a few hundred values, and the wrapper cost more than the escaping."""
    return html.escape(str(value))


def _conditional_escape(value) -> str:
    """Django's ``conditional_escape`` (the same text), by way of ``_escape``."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape(value)


def _attributes(attrs: dict) -> str:
    """HTML attributes as Django's ``attrs.html`` writes them: ``False`` left out, ``True`` as
    the bare name, anything else (``None`` too) as its text, escaped."""
    return "".join(
        f" {_escape(name)}" if value is True else f' {_escape(name)}="{_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class QuickSelect(forms.Select):
    """A ``<select>`` written out in Python: the same element and options as Django's template,
    without its whitespace. Django renders every option through a template include of its own;
    the signal list's filters have a couple of hundred options, and drawing them that way was
    a good part of every request's time. The options are written straight from the choices, as
    ``ChoiceWidget.optgroups`` would select and group them: the dictionary it builds per
    option was most of what was left."""

    def render(self, name, value, attrs=None, renderer=None):
        if self.option_inherits_attrs:  # not a Select's: each option would need the attrs
            return super().render(name, value, attrs, renderer)
        # Select.get_context without ChoiceWidget's optgroups.
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        if self.allow_multiple_selected:
            widget["attrs"]["multiple"] = True
        chosen = widget["value"]  # format_value: the selected values as text
        html_ = [f'<select name="{_escape(widget["name"])}"{_attributes(widget["attrs"])}>']
        has_selected = False
        for option_value, option_label in self.choices:
            if option_value is None:
                option_value = ""
            if isinstance(option_label, (list, tuple)):
                group_name, options = option_value, option_label
            else:
                group_name, options = None, [(option_value, option_label)]
            if group_name:
                html_.append(f'<optgroup label="{_conditional_escape(group_name)}">')
            for subvalue, sublabel in options:
                selected = (not has_selected or self.allow_multiple_selected) and str(
                    subvalue
                ) in chosen
                has_selected |= selected
                html_.append(
                    f'<option value="{_escape(subvalue)}"{" selected" if selected else ""}>'
                    f"{_conditional_escape(sublabel)}</option>"
                )
            if group_name:
                html_.append("</optgroup>")
        html_.append("</select>")
        return mark_safe("".join(html_))


class QuickInput:
    """For an ``Input`` widget: the ``<input>`` of Django's ``input.html`` (and its
    ``attrs.html``) written out in Python, as ``QuickSelect`` does for a ``<select>``. The
    signal list draws three (the search, the month, "only my areas"); through Django's
    templates, three templates each, they cost as much as all of its dropdowns. Put it before
    the widget class: ``class QuickTextInput(QuickInput, forms.TextInput)``."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        # The template writes the value with ``stringformat:'s'``, which keeps a safe string
        # unescaped: hence the conditional escape.
        shown = (
            "" if widget["value"] is None else f' value="{_conditional_escape(widget["value"])}"'
        )
        return mark_safe(
            f'<input type="{_escape(widget["type"])}" name="{_escape(widget["name"])}"'
            f"{shown}{_attributes(widget['attrs'])}>"
        )


class QuickTextInput(QuickInput, forms.TextInput):
    pass


class QuickCheckboxInput(QuickInput, forms.CheckboxInput):
    pass


# A label ending in one of these gets no suffix: Django's rule, in Django's own translation (a
# constant, so that our catalogue does not take the string over).
LABEL_PUNCTUATION = ":?.!"


class QuickBoundField(forms.BoundField):
    """A field group (label, help text, errors, widget) written out in Python: the elements of
    Django's ``django/forms/field.html``. Django draws each group through three templates and
    an include (the field, its label, its error list even when empty); the signal list's
    filters are nine groups on every request, and drawing them was a tenth of the page's
    rendering (1.6 of 17 ms). Give a form ``bound_field_class = QuickBoundField``."""

    def as_field_group(self):
        if self.use_fieldset:
            return super().as_field_group()
        html = []
        if self.label:
            html.append(self.label_tag())
        if self.help_text:
            helptext_id = f' id="{escape(self.auto_id)}_helptext"' if self.auto_id else ""
            html.append(f'<div class="helptext"{helptext_id}>{self.help_text}</div>')
        if self.errors:
            html.append(str(self.errors))
        html.append(str(self))
        # A line between the parts, as Django's template has: text beside an element (a label
        # without a tag) keeps its space.
        return mark_safe("\n".join(html))

    def label_tag(self, contents=None, attrs=None, label_suffix=None, tag=None):
        """Django's ``label_tag`` (the same suffix, ``for`` and required class), written out."""
        if tag is not None:
            return super().label_tag(contents, attrs, label_suffix, tag)
        contents = conditional_escape(contents or self.label)
        if label_suffix is None:
            field_suffix = self.field.label_suffix
            label_suffix = field_suffix if field_suffix is not None else self.form.label_suffix
        if label_suffix and contents and contents[-1] not in gettext(LABEL_PUNCTUATION):
            contents = f"{contents}{conditional_escape(label_suffix)}"
        id_ = self.field.widget.attrs.get("id") or self.auto_id
        if not id_:
            return mark_safe(contents)
        id_for_label = self.field.widget.id_for_label(id_)
        if id_for_label:
            attrs = {**(attrs or {}), "for": id_for_label}
        if self.field.required and hasattr(self.form, "required_css_class"):
            attrs = dict(attrs or {})
            required = self.form.required_css_class
            attrs["class"] = f"{attrs['class']} {required}" if "class" in attrs else required
        return mark_safe(f"<label{_attributes(attrs or {})}>{contents}</label>")
