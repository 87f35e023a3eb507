"""The triage queue's forms: the filters (read from the query string) and the member's
shortcut setting. Forms only read input; ``triage_services`` writes."""

import unicodedata

from django import forms
from django.http import QueryDict
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core.forms import QuickBoundField, QuickSelect
from core.lib.text import strip_bidi_controls
from signals.models import Level

from .selectors import MAX_QUERY_LENGTH, QueueFilters, queue_choices


class QueueFilterForm(forms.Form):
    """Reads the queue's query string. A value it does not understand (another organisation's
    feed, a forged level) is left out of the filtering, never an error page. Its field groups
    and dropdowns are written out in Python (``core.forms``): drawn through Django's templates
    they were a fifth of every queue page."""

    bound_field_class = QuickBoundField

    q = forms.CharField(
        label=_("Search titles and summaries"),
        required=False,
        strip=True,
        # No max_length: a longer search (pasted, or a forged link) is cut in clean_q, not
        # dropped while its text stays in the box.
        widget=forms.TextInput(attrs={"type": "search", "maxlength": MAX_QUERY_LENGTH}),
    )
    subscription = forms.TypedChoiceField(
        label=_("Feed"), required=False, coerce=int, empty_value=None, widget=QuickSelect
    )
    area = forms.TypedChoiceField(
        label=_("Area"), required=False, coerce=int, empty_value=None, widget=QuickSelect
    )
    level = forms.ChoiceField(label=_("Level"), required=False, widget=QuickSelect)

    PARAMS = ("q", "subscription", "area", "level")

    def __init__(self, data, *, membership):
        super().__init__(data, label_suffix="")
        choices = queue_choices(membership)
        self.has_subscriptions = bool(choices.subscriptions)
        # An <option> cannot isolate its text: no bidirectional controls in it at all.
        self.fields["subscription"].choices = [
            ("", _("All feeds")),
            *[(pk, strip_bidi_controls(name)) for pk, name in choices.subscriptions],
        ]
        self.fields["area"].choices = [
            ("", _("All areas")),
            *[(pk, strip_bidi_controls(name)) for pk, name in choices.areas],
        ]
        self.fields["level"].choices = [("", _("All levels")), *Level.choices]

    def clean_q(self) -> str:
        # The entries' text is stored composed (NFC, scanning.parsing): so is what is sought.
        return unicodedata.normalize("NFC", self.cleaned_data["q"][:MAX_QUERY_LENGTH])

    def _value(self, name):
        if not self.is_valid() and name in self.errors:
            return None
        return self.cleaned_data.get(name)

    @cached_property
    def filters(self) -> QueueFilters:
        self.is_valid()
        return QueueFilters(
            subscription=self._value("subscription"),
            area=self._value("area"),
            level=self._value("level") or "",
            q=self._value("q") or "",
        )

    @property
    def params(self) -> QueryDict:
        """The understood, non-empty filters: what links and the address bar carry."""
        params = QueryDict(mutable=True)
        for name in self.PARAMS:
            raw = str(self.data.get(name, "")).strip()
            if raw and self._value(name) not in (None, ""):
                params[name] = raw
        return params


class ShortcutForm(forms.Form):
    keyboard_shortcuts = forms.BooleanField(required=False)
