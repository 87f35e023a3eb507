"""Forms for the feeds pages: they check the input's shape only; ``feed_services`` applies each
change and enforces the rules. Choices come from what the member sees, so a forged id of
another organisation's area or feed is "not a valid choice"."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from signals.models import Level
from signals.visibility import visible_areas

from .models import RuleKind, Subscription
from .opml import OPML_MAX_BYTES, TOO_LARGE
from .visibility import visible_subscriptions


class _SubscriptionFields(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    area = forms.ModelChoiceField(label=_("Default area"), queryset=None, required=False)
    level = forms.ChoiceField(label=_("Default level"), required=False)

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = visible_areas(membership).filter(is_active=True)
        self.fields["area"].empty_label = gettext("(none)")
        self.fields["level"].choices = [("", gettext("(none)")), *Level.choices]


class FeedAddForm(_SubscriptionFields):
    url = forms.CharField(
        label=_("Address of the feed or of a web page"),
        max_length=2000,
        help_text=_(
            "An RSS or Atom feed, or a news page that announces its feed: we find the feed for you."
        ),
        widget=forms.URLInput(attrs={"autocomplete": "url", "inputmode": "url"}),
    )

    field_order = ["url", "name", "area", "level"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].help_text = _("Leave empty to use the feed's own title.")


class FeedEditForm(_SubscriptionFields):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True


class OPMLImportForm(forms.Form):
    file = forms.FileField(
        label=_("OPML file"),
        help_text=_("The list of feeds a feed reader exports, at most 1 MB."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > OPML_MAX_BYTES:
            raise forms.ValidationError(TOO_LARGE)
        return upload


class RuleForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Rule"), choices=RuleKind.choices, widget=forms.RadioSelect, initial="exclude"
    )
    phrase = forms.CharField(
        label=_("Word or phrase"),
        max_length=200,
        help_text=_(
            "Whole words, in the title or summary. End with * for every word that starts "
            "so: “skol*” matches “skolan” and “skolverket”; begin with * for every word that "
            "ends so: “*skola” matches “förskola”."
        ),
    )
    subscription = forms.ModelChoiceField(
        label=_("Feed"), queryset=Subscription.objects.none(), required=False
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["subscription"]
        field.queryset = visible_subscriptions(membership).order_by("name")
        field.empty_label = gettext("All feeds")
