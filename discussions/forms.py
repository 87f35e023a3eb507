"""The shapes of what people send: a comment, a moderator's reason, a new discussion. The
rules (length, pace, who may) are the services'; these only read the input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import IdChoiceField

from .models import HIDE_REASON_MAX_LENGTH, THEME_NAME_MAX_LENGTH, TITLE_MAX_LENGTH


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        # The service tells how long it is against the limit; the form takes all of it so
        # that nothing typed is lost on the way back.
        strip=False,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Plain text; addresses become links. Mention someone with @ and their user name "
            "(@lena) and they are told."
        ),
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the comment hidden?"),
        required=False,
        max_length=HIDE_REASON_MAX_LENGTH * 2,
        help_text=_("Its author reads this."),
    )


class ThreadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH * 2, required=False)
    body = forms.CharField(
        label=_("Opening text (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What should the discussion be about? A question gets people talking."),
    )


class ThemeThreadForm(ThreadForm):
    theme = IdChoiceField(label=_("Theme"), required=False, queryset=None)
    theme_name = forms.CharField(
        label=_("…or a new theme"),
        required=False,
        max_length=THEME_NAME_MAX_LENGTH * 2,
        help_text=_("For example “Smarta städer”, the subject of this year’s theme day."),
    )

    field_order = ["theme", "theme_name", "title", "body"]

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = themes
        self.fields["theme"].empty_label = _("Choose a theme")
