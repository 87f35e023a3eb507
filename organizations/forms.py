"""Forms of the members pages, where an organisation's admin manages who belongs to it."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .models import Membership, Organization
from .roles import ROLE_DESCRIPTIONS, Role


class RoleRadioSelect(forms.RadioSelect):
    """Radio buttons whose labels say, in one line, what the role may do."""

    option_template_name = "organizations/widgets/role_option.html"

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["description"] = ROLE_DESCRIPTIONS.get(value, "")
        return option


class MembershipRoleForm(forms.Form):
    """Change a member's role. A role value outside ``Role`` is "not a valid choice"."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class MemberAddForm(forms.Form):
    """Add a person by e-mail address: an existing account, or a new one that gets an invitation.

    Only an exact (case-insensitive) match on the whole address finds an existing account:
    nothing here searches or lists the users of other organisations. The account found is for
    the service, never shown: the view answers the same whether there was one or not.
    """

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=Role.choices, initial=Role.SCANNER, widget=RoleRadioSelect
    )
    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        required=False,
        help_text=_("How your organisation names the person until they set their own name."),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        required=False,
        help_text=_("How your organisation names the person until they set their own name."),
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.existing_user = None

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        User = get_user_model()
        email_field = User.get_email_field_name()
        users = list(User._default_manager.filter(**{f"{email_field}__iexact": email})[:2])
        if len(users) > 1:
            raise forms.ValidationError(
                _(
                    "Several accounts use this address, so it cannot tell who you mean. "
                    "Ask the site administrator to sort it out."
                ),
                code="ambiguous",
            )
        if users:
            user = users[0]
            if Membership.objects.filter(user=user, organization=self.organization).exists():
                raise forms.ValidationError(
                    _("%(email)s is already a member of %(organization)s."),
                    params={"email": email, "organization": self.organization},
                    code="member",
                )
            self.existing_user = user
        return email


class AccountNameForm(forms.Form):
    """The name a person chooses for themselves, shown by every organisation they belong to."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
