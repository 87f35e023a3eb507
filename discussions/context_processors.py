from functools import cache

from .selectors import unread_count


def notifications(request):
    """The bell's count of unread notifications, read only when a page shows the bell (htmx
    fragments do not)."""
    memberships = getattr(request, "memberships", None)
    if not memberships:
        return {}

    @cache
    def unread() -> int:
        return unread_count(request.user, memberships)

    return {"unread_notifications": unread}
