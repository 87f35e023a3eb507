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
    # The triage queue of items polled from feeds, and the feeds the organisation follows.
    "triage": SCANNING_GROUP,
    "manage_feeds": SCANNING_GROUP,
    # Each member of the scanning group watches their own areas (bevakningsområden).
    "watch_areas": SCANNING_GROUP,
    # Composing and publishing the monthly report.
    "compose_reports": frozenset({Role.EDITOR, Role.ADMIN}),
    # Everyone gets the published report (the scanning group sees the work in progress too).
    "read_reports": frozenset(Role.values),
    # Scoring the month's candidates and the ranking board the group meets over.
    "score_reports": SCANNING_GROUP,
    # Discussions are open to every member.
    "discuss": frozenset(Role.values),
    # The scanning group opens the discussions (on a published report, a shared signal, a theme).
    "open_threads": SCANNING_GROUP,
    # Hiding a comment, closing, reopening and pinning a discussion.
    "moderate_discussions": frozenset({Role.EDITOR, Role.ADMIN}),
    # The follow-up of published reports: every member reads what is being done about the
    # reported signals (an action's owner may be anyone, and updates their own action's status).
    "follow_up": frozenset(Role.values),
    # Deciding on actions for a reported signal, and reviewing what came of it.
    "plan_actions": frozenset({Role.EDITOR, Role.ADMIN, Role.MANAGEMENT}),
    # The yearly trend analysis: the scanning group drafts it (adjusts the year's trends,
    # assesses them, records the committees' input); the editor publishes it, and every member
    # reads what was published.
    "write_trend_analysis": SCANNING_GROUP,
    "publish_trend_analysis": frozenset({Role.EDITOR, Role.ADMIN}),
    "read_trend_analyses": frozenset(Role.values),
    # Areas, trends, tags, feeds and memberships of the organisation.
    "manage_organization": frozenset({Role.ADMIN}),
}


# What each role may do, in one line for the person choosing a role (the add-member form).
# Each line says in words what CAPABILITIES gives the role; change them together.
ROLE_DESCRIPTIONS: dict[str, str] = {
    Role.SCANNER: _(
        "Logs and edits signals, drafts included, reads the monthly report and drafts the "
        "yearly trend analysis."
    ),
    Role.EDITOR: _(
        "Everything the scanning group does, composes and publishes the monthly report and the "
        "yearly trend analysis, and decides with management what to do about its signals."
    ),
    Role.MANAGEMENT: _(
        "Reads the logged signals (not drafts) and the monthly report, and decides what to do "
        "about the signals it names."
    ),
    Role.STAFF: _("Reads the published monthly reports and the signals they name."),
    Role.ADMIN: _("Everything the editor does, and manages the members, areas, trends and tags."),
}


def role_has(role: str, capability: str) -> bool:
    try:
        return role in CAPABILITIES[capability]
    except KeyError:
        raise ValueError(f"Unknown capability {capability!r}; add it to CAPABILITIES.") from None
