from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import Role, role_has

# The first part of every product address is the organisation's slug (/kungsbacka/signals/),
# so a slug may not be one of the site's own top-level paths.
RESERVED_SLUGS = frozenset(
    {
        "account",
        "accounts",
        "admin",
        "healthz",
        "i18n",
        "invitations",
        "static",
        "media",
        "signals",
        "organisation",
    }
)


def validate_slug_not_reserved(value: str) -> None:
    if value.lower() in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is one of the site's own addresses; choose another."),
            params={"slug": value},
            code="reserved",
        )


class Organization(models.Model):
    """A municipality (kommun). Every piece of product data belongs to exactly one."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=60,
        unique=True,
        validators=[validate_slug_not_reserved],
        help_text=_("The first part of the organisation's addresses: /slug/signals/."),
    )
    # Used in "Därför är detta intressant för …", so it reads naturally: "Kungsbacka".
    perspective_name = models.CharField(
        _("name in the motivation"),
        max_length=100,
        help_text=_('Completes "Why this is interesting for …", e.g. "Kungsbacka".'),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Raised by every service that writes rows the organisation's lists count or offer
    # (``services.organization_data_changed``), in the write's own transaction. Caches of those
    # reads are keyed on it (``core.lib.orgcache``): a write in one server process makes every
    # process's cached figures unreachable, with no shared cache server and no extra query,
    # since the organisation is loaded with the membership on every request.
    data_version = models.PositiveBigIntegerField(_("data version"), default=0, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


def organization_field(
    *, db_index: bool = True, db_constraint: bool = True
) -> "models.ForeignKey[Organization, Organization]":
    """The owning organisation, as every ``OrganizationOwned`` model has it. A model whose own
    indexes all start with it passes ``db_index=False``: an index of its own would be one more
    write for every row and serve no query the others do not. ``db_constraint=False``: only
    for the rows every feed poll writes (``scanning.models``, which says why)."""
    return models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
        db_index=db_index,
        db_constraint=db_constraint,
    )


class OrganizationOwned(models.Model):
    """The base of every per-organisation model.

    It has no reverse accessor on Organization (``related_name="+"``): rows are reached through
    their app's ``visible_<things>(membership)``, never ``organization.<things>``, so there is
    one way to scope them (``organizations.access``).
    """

    organization = organization_field()
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        abstract = True


class Membership(OrganizationOwned):
    """A user's role in one organisation. A user may belong to several organisations.

    A membership an admin adds by e-mail address is pending until its owner accepts it: on
    their invitations page (``services.membership_accept``), or for a new account by choosing
    its password through the invitation link (``services.memberships_accept``); declining
    deletes it. Until then it gives no access,
    and the organisation sees only what its admin typed (``invited_email``, ``invited_name``),
    never the account behind the address, which may belong to someone of another organisation.
    Memberships made any other way (the Django admin, ``seed_demo``) are accepted at once.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    invited_email = models.EmailField(_("invited address"), blank=True)
    invited_name = models.CharField(_("invited name"), max_length=301, blank=True)
    accepted_at = models.DateTimeField(
        _("accepted"),
        null=True,
        blank=True,
        default=timezone.now,
        help_text=_("Empty while the invitation is pending: until the person accepts it."),
    )
    # When the person last opened this organisation: where "/" takes them after logging in.
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["organization__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="one_membership_per_organization"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.organization} ({self.get_role_display()})"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None

    def can(self, capability: str) -> bool:
        return role_has(self.role, capability)
