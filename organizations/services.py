"""Changes to who belongs to an organisation, made by its admin from the members pages.

One rule holds across all of them: an organisation always keeps at least one administrator,
so it can never lock itself out of its own settings.
"""

import re
from typing import cast

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import CharField, F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.lib.people import display_name

from .models import Membership, Organization
from .roles import Role

# The organisation the session works in: where the menu of a page outside any organisation
# (the password page) leads. The URL decides for every product page; this only remembers.
SESSION_KEY = "organization_id"


def organization_data_changed(*, organization_id: int) -> None:
    """Record that rows the organisation's lists count or offer have changed: cached counts and
    choices keyed on the old ``data_version`` are never read again. Call it inside the write's
    transaction, so no process can see the new version before the new rows."""
    Organization.objects.filter(pk=organization_id).update(data_version=F("data_version") + 1)


def membership_mark_used(*, membership: Membership, session) -> None:
    """Remember that the user works in this organisation now: in the session, and on the
    membership so the next login starts here. Written only when the organisation changes."""
    if session.get(SESSION_KEY) == membership.organization_id:
        return
    session[SESSION_KEY] = membership.organization_id
    now = timezone.now()
    Membership.objects.filter(pk=membership.pk).update(last_used_at=now)
    membership.last_used_at = now


class LastAdminError(Exception):
    """The change would leave the organisation without an administrator."""

    def __init__(self, membership: Membership):
        self.membership = membership
        super().__init__(
            _(
                "%(name)s is the only administrator of %(organization)s. "
                "Make someone else an administrator first."
            )
            % {"name": member_name(membership), "organization": membership.organization}
        )


def member_name(membership: Membership) -> str:
    """The member as the organisation's admins see them: while the membership is pending, the
    name the admin typed, else the address; the account's own name only once accepted."""
    if membership.is_pending:
        return membership.invited_name or membership.invited_email
    return display_name(membership.user)


def member_email(membership: Membership) -> str:
    """The address shown to the organisation's admins: the one typed, while pending."""
    return membership.invited_email if membership.is_pending else membership.user.email


def _lock_and_check_admins(membership: Membership, *, losing_admin) -> None:
    """Lock the membership and the organisation's admins; refuse to leave it without one.

    ``losing_admin(stored_role)`` says whether the change takes the admin role away. The rows
    are locked in one statement in primary-key order, so two admins demoting each other at the
    same moment queue up instead of deadlocking, and the second sees the first's change (on
    PostgreSQL; SQLite serialises writers anyway). The stored role decides, not whatever the
    instance in hand says.
    """
    rows = dict(
        Membership.objects.select_for_update()
        .filter(
            Q(pk=membership.pk) | Q(organization_id=membership.organization_id, role=Role.ADMIN)
        )
        .order_by("pk")
        .values_list("pk", "role")
    )
    if membership.pk not in rows:
        raise Membership.DoesNotExist
    other_admins = [pk for pk, role in rows.items() if pk != membership.pk and role == Role.ADMIN]
    if losing_admin(rows[membership.pk]) and not other_admins:
        raise LastAdminError(membership)


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}")
    _lock_and_check_admins(
        membership, losing_admin=lambda stored: stored == Role.ADMIN and role != Role.ADMIN
    )
    Membership.objects.filter(pk=membership.pk).update(role=role)
    membership.role = role
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    """End a user's membership. The user account stays: it may belong to other organisations."""
    _lock_and_check_admins(membership, losing_admin=lambda stored: stored == Role.ADMIN)
    membership.delete()


def username_from_email(email: str) -> str:
    """A free username from the address's local part: anna.ek@kommun.se → anna.ek (or anna.ek2)."""
    User = get_user_model()
    username_field = cast(CharField, User._meta.get_field(User.USERNAME_FIELD))
    max_length = cast(int, username_field.max_length)
    base = re.sub(r"[^\w.@+-]", "", email.split("@", 1)[0])[: max_length - 4] or "user"
    candidate, number = base, 1
    while User._default_manager.filter(**{f"{User.USERNAME_FIELD}__iexact": candidate}).exists():
        number += 1
        candidate = f"{base}{number}"
    return candidate


@transaction.atomic
def membership_add(
    *,
    organization: Organization,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    user=None,
) -> Membership:
    """Give the account with this e-mail address a role in the organisation, pending until
    its owner next logs in.

    ``user`` is the existing account with that address (the form looks it up); without one,
    an account is created with an unusable password: the person chooses their own password
    through the link of ``invitation_send``. An existing account's details are not changed;
    the membership keeps the address and name as typed, which is all the organisation sees
    until the owner accepts by logging in (``memberships_accept``).
    """
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}")
    if user is None:
        User = get_user_model()
        user = User(
            username=username_from_email(email),
            email=email,
            first_name=first_name,
            last_name=last_name,
        )
        user.set_unusable_password()
        user.save()
    return Membership.objects.create(
        user=user,
        organization=organization,
        role=role,
        invited_email=email,
        invited_name=f"{first_name} {last_name}".strip(),
        accepted_at=None,
    )


def memberships_accept(*, user) -> int:
    """Accept the user's pending memberships: logging in is how a person takes up the
    organisations that added them by e-mail. This is the one place it happens, called by the
    ``user_logged_in`` receiver in ``organizations.apps``. Returns how many were accepted."""
    return Membership.objects.filter(user=user, accepted_at__isnull=True).update(
        accepted_at=timezone.now()
    )


def needs_invitation(user) -> bool:
    """True for an account whose owner has not chosen a password yet."""
    return not user.has_usable_password()


class _InvitationForm(PasswordResetForm):
    """Django's password-reset e-mail, sent to one known user, with our invitation text.

    The stock form skips users without a usable password — exactly the invited ones — so
    ``get_users`` is narrowed to the invited user instead. The link leads to the ordinary
    "choose a new password" page.
    """

    def __init__(self, user):
        super().__init__()
        self.user = user
        self.cleaned_data = {"email": user.email}

    def get_users(self, email):
        return [self.user] if self.user.is_active and self.user.email else []


def invitation_send(*, user, organization: Organization, invited_by, request) -> None:
    """E-mail the user a link to choose a password and start using Spaning."""
    _InvitationForm(user).save(
        request=request,
        use_https=request.is_secure(),
        subject_template_name="organizations/invitation_subject.txt",
        email_template_name="organizations/invitation_email.txt",
        # The stubs say dict[str, str]; Django passes the values to the template as they are.
        extra_email_context={
            "organization": organization,  # type: ignore[dict-item]
            "invited_by": display_name(invited_by),
        },
    )


def member_invite(
    *,
    organization: Organization,
    email: str,
    role: str,
    invited_by,
    request,
    first_name: str = "",
    last_name: str = "",
    user=None,
) -> Membership:
    """Add a person by e-mail address and tell them by e-mail; the admin learns nothing more.

    ``user`` is the existing account with that address, if any (the form looks it up). An
    account that has a password gets a notice that it was added, with a link to log in; a new
    account, or one whose owner never chose a password, gets the link to choose one. Either way
    the admin who added them sees the same answer, so adding someone by address does not tell
    an admin of one organisation who has an account through another.
    """
    membership = membership_add(
        organization=organization,
        email=email,
        role=role,
        first_name=first_name,
        last_name=last_name,
        user=user,
    )
    membership_invitation_send(membership=membership, invited_by=invited_by, request=request)
    return membership


def membership_invitation_send(*, membership: Membership, invited_by, request) -> None:
    """E-mail the person of a pending membership: the link to choose a password if they have
    none yet, else the notice with a link to log in. The admin's answer is the same either way."""
    user = membership.user
    if needs_invitation(user):
        invitation_send(
            user=user,
            organization=membership.organization,
            invited_by=invited_by,
            request=request,
        )
    else:
        membership_notice_send(membership=membership, added_by=invited_by, request=request)


def membership_notice_send(*, membership: Membership, added_by, request) -> None:
    """E-mail someone who already has an account that they were added to an organisation."""
    user = membership.user
    if not (user.is_active and user.email):
        return
    context = {
        "user": user,
        "organization": membership.organization,
        "role": membership.get_role_display(),
        "added_by": display_name(added_by),
        "login_url": request.build_absolute_uri(reverse("login")),
    }
    subject = render_to_string("organizations/added_subject.txt", context)
    body = render_to_string("organizations/added_email.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])
