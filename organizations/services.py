"""Changes to who belongs to an organisation, made by its admin from the members pages.

One rule holds across all of them: an organisation always keeps at least one administrator,
so it can never lock itself out of its own settings.
"""

import re
from typing import cast

from axes.utils import reset as axes_reset  # type: ignore[import-untyped]
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import CharField, F, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.lib.people import display_name, name_in_organization
from core.lib.text import strip_bidi_controls

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
    """The member as their organisation names them: while the membership is pending, the name
    the admin typed, else the address; once accepted, the person's own name if they have set
    one, else still the name typed here (``name_in_organization``)."""
    if membership.is_pending:
        return membership.invited_name or membership.invited_email
    return name_in_organization(membership.user, membership.invited_name)


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
    its owner accepts.

    ``user`` is the existing account with that address (the form looks it up); without one,
    an account is created with an unusable password and no name: the person chooses their
    password through the link of ``invitation_send``, which accepts (``memberships_accept``),
    and their name on their account page. An existing account is not changed; its owner
    accepts or declines on their invitations page (``membership_accept``,
    ``membership_decline``). The membership keeps the address and name as typed: all the
    organisation sees until then, and the name it keeps showing until the person sets one.
    """
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}")
    first_name, last_name = strip_bidi_controls(first_name), strip_bidi_controls(last_name)
    if user is None:
        User = get_user_model()
        # No name: the account may come to belong to several organisations, each of which
        # names the person as it typed (``invited_name``) until they choose their own.
        user = User(username=username_from_email(email), email=email)
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


INVITATION_GONE = gettext_lazy(
    "This invitation is no longer open: it may have been withdrawn, or already answered."
)


def memberships_accept(*, user) -> int:
    """Accept every pending membership of an account that had no password: choosing one
    through the invitation link is how a new person takes up the organisations that invited
    them (the link went to their address, and nothing else reached them). Called by the
    password-reset confirmation only for an account that had no usable password. Returns how
    many were accepted."""
    return Membership.objects.filter(user=user, accepted_at__isnull=True).update(
        accepted_at=timezone.now()
    )


def _answer_invitation(*, membership: Membership, user) -> QuerySet[Membership]:
    """The still-pending row of this invitation to ``user``, refusing anything else: someone
    else's invitation, one answered in another tab, one the admin withdrew meanwhile."""
    pending = Membership.objects.filter(pk=membership.pk, user=user, accepted_at__isnull=True)
    if membership.user_id != user.pk or not pending.exists():
        raise ValidationError({"invitation": INVITATION_GONE})
    return pending


@transaction.atomic
def membership_accept(*, membership: Membership, user) -> Membership:
    """The invited person takes up the membership: from now on it gives them access, and the
    organisation sees their account's address and (once they set it) their own name."""
    pending = _answer_invitation(membership=membership, user=user)
    now = timezone.now()
    if not pending.update(accepted_at=now):
        raise ValidationError({"invitation": INVITATION_GONE})
    membership.accepted_at = now
    return membership


@transaction.atomic
def membership_decline(*, membership: Membership, user) -> None:
    """The invited person says no: the invitation is deleted, so the organisation's admins see
    it disappear from their members list (as if withdrawn) and may invite the address again.
    The account stays: it belongs to its owner, not to the organisation that invited it."""
    pending = _answer_invitation(membership=membership, user=user)
    if not pending.delete()[0]:
        raise ValidationError({"invitation": INVITATION_GONE})


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
    account that has a password gets the invitation to accept or decline after logging in; a new
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
    """E-mail someone who already has an account that an organisation invited them: the link
    logs in to their invitations page, where they accept or decline."""
    user = membership.user
    if not (user.is_active and user.email):
        return
    context = {
        "user": user,
        "organization": membership.organization,
        "role": membership.get_role_display(),
        "added_by": display_name(added_by),
        "login_url": request.build_absolute_uri(
            f"{reverse('login')}?{urlencode({'next': reverse('invitations')})}"
        ),
    }
    subject = render_to_string("organizations/added_subject.txt", context)
    body = render_to_string("organizations/added_email.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])


# --- the signed-in person's own account -----------------------------------------------------

NAME_MAX_LENGTH = 150
NAME_TOO_LONG = gettext_lazy("At most 150 characters.")


def account_rename(*, user, first_name: str, last_name: str) -> None:
    """Set the name the person chose for themselves. Every organisation they belong to shows it
    from now on instead of the name its admin typed; leaving both empty goes back to those."""
    # Bidirectional controls could make a name read as something else on every page.
    first_name = strip_bidi_controls(first_name).strip()
    last_name = strip_bidi_controls(last_name).strip()
    errors = {
        field: NAME_TOO_LONG
        for field, value in (("first_name", first_name), ("last_name", last_name))
        if len(value) > NAME_MAX_LENGTH
    }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user.first_name, user.last_name = first_name, last_name
        user.save(update_fields=["first_name", "last_name"])
        # Lists cache the names they offer (the author filter): each organisation's go stale.
        for organization_id in Membership.objects.filter(user=user).values_list(
            "organization_id", flat=True
        ):
            organization_data_changed(organization_id=organization_id)


def account_password_chosen(*, user, had_usable_password: bool) -> None:
    """After the person chose a password through a link sent to the account's address (a
    reset, or the invitation of a new account): whoever followed it owns the account.

    So the login lockout, whose page recommends the reset, is lifted from every address; and an
    account that had no password yet takes up the invitations that created it
    (``memberships_accept``), as following the invitation link is how a new person accepts.
    """
    # axes' own API, so its records and any cache it keeps are cleared its way.
    axes_reset(username=user.get_username())
    if not had_usable_password:
        memberships_accept(user=user)
