"""The signed-in person's own pages, outside any organisation: the invitations they have not
answered, and their account (the name every organisation of theirs shows).

Nothing here is inside an organisation: an invitation is to one the person has not joined yet.
Each page reads only the signed-in user's own rows (``invitations_for(request.user)``), so an
id of someone else's invitation finds nothing. Changes are POST-only and end with a message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import attach_errors

from .forms import AccountNameForm
from .models import Membership
from .selectors import invitations_for
from .services import (
    INVITATION_GONE,
    account_password_chosen,
    account_rename,
    membership_accept,
    membership_decline,
)


@login_required
def invitations(request):
    return render(request, "account/invitations.html", {"invitations": request.invitations})


def _answer(request, pk, answer) -> Membership | None:
    """Apply ``answer`` (a service) to one of the user's open invitations. None, with the
    "no longer open" message, for an id that is not one (forged, answered, withdrawn)."""
    invitation = invitations_for(request.user).filter(pk=pk).first()
    if invitation is None:
        messages.error(request, INVITATION_GONE)
        return None
    try:
        answer(membership=invitation, user=request.user)
    except ValidationError:
        messages.error(request, INVITATION_GONE)
        return None
    return invitation


@login_required
@require_POST
def invitation_accept(request, pk):
    invitation = _answer(request, pk, membership_accept)
    if invitation is None:
        return redirect("invitations")
    messages.success(
        request,
        _("Welcome to %(organization)s: you are a member as %(role)s.")
        % {"organization": invitation.organization, "role": invitation.get_role_display()},
    )
    return redirect("start", invitation.organization.slug)


@login_required
@require_POST
def invitation_decline(request, pk):
    invitation = _answer(request, pk, membership_decline)
    if invitation is not None:
        messages.success(
            request,
            _("You declined the invitation to %(organization)s.")
            % {"organization": invitation.organization},
        )
    return redirect("invitations")


@login_required
def account(request):
    """The person's own name: shown by every organisation they belong to, instead of the name
    its admin typed when inviting them."""
    user = request.user
    form = AccountNameForm(
        request.POST or None,
        initial={"first_name": user.first_name, "last_name": user.last_name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            account_rename(user=user, **form.cleaned_data)
        except ValidationError as refused:
            attach_errors(refused, form)
        else:
            messages.success(request, _("Your name was saved."))
            return redirect("account")
    return render(request, "account/account.html", {"form": form})


class PasswordChoiceView(PasswordResetConfirmView):
    """Django's "choose a new password" page (the reset link and the invitation link), which
    also lifts the login lockout, and for a new account takes up its invitations
    (``account_password_chosen``)."""

    def form_valid(self, form):
        had_usable_password = self.user.has_usable_password()
        response = super().form_valid(form)
        account_password_chosen(user=self.user, had_usable_password=had_usable_password)
        return response
