"""Roles in an organisation, and what each may do.

Views never test role names: they declare a capability (``@organization_required("log_signals")``)
and this table says which roles hold it. Adding a feature means adding a capability here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SCANNER = "scanner", _("Scanning group")
    EDITOR = "editor", _("Editor")
    MANAGEMENT = "management", _("Management")
    STAFF = "staff", _("Staff")
    ADMIN = "admin", _("Administrator")


SCANNING_GROUP = frozenset({Role.SCANNER, Role.EDITOR, Role.ADMIN})

CAPABILITIES: dict[str, frozenset[str]] = {
    # Anyone who belongs to the organisation.
    "member": frozenset(Role.values),
    # The scanning group's working tools: triage queue, logging and editing signals.
    "log_signals": SCANNING_GROUP,
    "view_signals": frozenset(Role.values),
    # Each member of the scanning group watches their own areas (bevakningsområden).
    "watch_areas": SCANNING_GROUP,
    # Composing and publishing the monthly report.
    "compose_reports": frozenset({Role.EDITOR, Role.ADMIN}),
    "read_reports": frozenset({Role.SCANNER, Role.EDITOR, Role.MANAGEMENT, Role.ADMIN}),
    # Discussions are open to every member.
    "discuss": frozenset(Role.values),
    # Areas, trends, tags, feeds and memberships of the organisation.
    "manage_organization": frozenset({Role.ADMIN}),
}


def role_has(role: str, capability: str) -> bool:
    try:
        return role in CAPABILITIES[capability]
    except KeyError:
        raise ValueError(f"Unknown capability {capability!r}; add it to CAPABILITIES.") from None
