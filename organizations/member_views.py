"""Members pages: the organisation admin sees and manages who belongs to the organisation.

Only memberships of the organisation the admin works in are listed or fetched (another
organisation's membership id is a 404); users of other organisations are reached only by an
exact e-mail address when adding someone, and nothing afterwards tells whether that address
already had an account: until its owner accepts, the membership is pending and every page
names it by the address and name the admin typed (``member_name``, ``member_email``), never
by the account behind it. If the owner declines, the invitation disappears from the list, and
the address may be invited again. Changes are POST-only and end with a message.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .access import get_visible_or_404, organization_required
from .forms import MemberAddForm, MembershipRoleForm
from .models import Membership
from .roles import CAPABILITIES, Role
from .services import (
    LastAdminError,
    invitation_send,
    member_email,
    member_invite,
    member_name,
    membership_change_role,
    membership_invitation_send,
    membership_remove,
    needs_invitation,
)
from .visibility import visible_memberships

MANAGE = "manage_organization"


def _membership(request, pk) -> Membership:
    return get_visible_or_404(
        visible_memberships(request.membership).select_related("user", "organization"), pk=pk
    )


def _to_members(request):
    return redirect("settings:members", request.organization.slug)


def _after_change(request, membership):
    """Back to the list, or to the start page when admins changed away their own access."""
    if membership.user_id == request.user.pk and (
        membership.pk is None or membership.role != Role.ADMIN
    ):
        return redirect("home")
    return _to_members(request)


@organization_required(MANAGE)
def members(request):
    memberships = visible_memberships(request.membership).select_related("user")
    # Sorted by the name shown: a pending member's place must not depend on the account's name.
    rows = sorted(
        (
            {
                "membership": membership,
                "name": member_name(membership),
                "email": member_email(membership),
                "pending": membership.is_pending,
                "invited": not membership.is_pending and needs_invitation(membership.user),
            }
            for membership in memberships
        ),
        key=lambda row: (row["name"].casefold(), row["membership"].pk),
    )
    return render(
        request,
        "settings/members.html",
        {
            "section": "members",
            "rows": rows,
            "roles": Role.choices,
            # Whose row links to the areas they watch (settings:member_areas).
            "watcher_roles": CAPABILITIES["watch_areas"],
        },
    )


@organization_required(MANAGE)
def member_add(request):
    """Add a person by e-mail address. The answer is the same whether the address already has
    an account (perhaps in another organisation) or not: it names neither them nor their
    account, only the address the admin typed."""
    form = MemberAddForm(request.POST or None, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        membership = member_invite(
            organization=request.organization,
            email=data["email"],
            role=data["role"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            user=form.existing_user,
            invited_by=request.user,
            request=request,
        )
        messages.success(
            request,
            _("An invitation has been sent to %(email)s, who was added as %(role)s.")
            % {"email": data["email"], "role": membership.get_role_display()},
        )
        return _to_members(request)
    return render(request, "settings/member_add.html", {"section": "members", "form": form})


@organization_required(MANAGE)
def member_role(request, pk):
    """Change a member's role. The members list posts here; the page itself works without it."""
    membership = _membership(request, pk)
    form = MembershipRoleForm(request.POST or None, initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            membership_change_role(membership=membership, role=form.cleaned_data["role"])
        except LastAdminError as error:
            form.add_error("role", str(error))
        else:
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {"name": member_name(membership), "role": membership.get_role_display()},
            )
            return _after_change(request, membership)
    return render(
        request,
        "settings/member_role.html",
        {
            "section": "members",
            "membership": membership,
            "name": member_name(membership),
            "form": form,
        },
    )


@organization_required(MANAGE)
def member_remove(request, pk):
    """GET asks for confirmation; POST removes the membership (the account itself stays)."""
    membership = _membership(request, pk)
    name = member_name(membership)
    error = None
    if request.method == "POST":
        try:
            membership_remove(membership=membership)
        except LastAdminError as refused:
            error = str(refused)
        else:
            messages.success(
                request,
                _("%(name)s is no longer a member of %(organization)s.")
                % {"name": name, "organization": request.organization},
            )
            return _after_change(request, membership)
    return render(
        request,
        "settings/member_remove.html",
        {"section": "members", "membership": membership, "name": name, "error": error},
    )


@organization_required(MANAGE)
@require_POST
def member_invite_again(request, pk):
    """Send the invitation again: to a pending member, the same e-mail as when they were added
    (with the same neutral answer); to a member who has not chosen a password yet, the link."""
    membership = _membership(request, pk)
    user = membership.user
    if membership.is_pending:
        membership_invitation_send(membership=membership, invited_by=request.user, request=request)
        messages.success(
            request,
            _("The invitation was sent again to %(email)s.") % {"email": member_email(membership)},
        )
    elif not needs_invitation(user):
        messages.info(
            request,
            _("%(name)s has already chosen a password.") % {"name": member_name(membership)},
        )
    elif not user.email:
        messages.error(
            request,
            _("%(name)s has no e-mail address to send the link to.")
            % {"name": member_name(membership)},
        )
    else:
        invitation_send(
            user=user, organization=request.organization, invited_by=request.user, request=request
        )
        messages.success(
            request,
            _("A new link to choose a password was sent to %(email)s.") % {"email": user.email},
        )
    return _to_members(request)
