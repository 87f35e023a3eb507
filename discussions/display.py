"""How a notification reads, in the reader's language: on the notifications page, in the bell's
list and as the e-mail's subject."""

from django.utils.translation import gettext as _

from .models import Notification, NotificationKind


def describe(notification: Notification, actor: str) -> str:
    """One sentence: who did what where. ``actor`` is the name the organisation uses."""
    actor = actor or _("A former user")
    title = notification.thread.title
    if notification.kind == NotificationKind.REPLY:
        return _("%(actor)s replied to your comment in “%(title)s”") % {
            "actor": actor,
            "title": title,
        }
    if notification.kind == NotificationKind.MENTION:
        return _("%(actor)s mentioned you in “%(title)s”") % {"actor": actor, "title": title}
    if notification.kind == NotificationKind.NEW_THREAD:
        theme = notification.thread.theme.name if notification.thread.theme else ""
        return _("New discussion on %(theme)s: “%(title)s”") % {"theme": theme, "title": title}
    return _("A moderator hid your comment in “%(title)s”") % {"title": title}
