"""How one organisation names the people on its pages and in its files.

Signals, history and exports hold users; the name an organisation shows for one depends on
its membership (``core.lib.people.name_in_organization``). ``MemberNames`` reads the names this
organisation typed in one query, and only if it meets someone who has not set their own name.
"""

from core.lib.people import display_name, name_in_organization

from .models import Membership
from .visibility import visible_memberships


class MemberNames:
    """``names(user)``: the user as the member's organisation names them. A person no longer a
    member is named by their account's own name (or username)."""

    # Templates pass it to the ``named_by`` filter; they would otherwise call it themselves.
    do_not_call_in_templates = True

    def __init__(self, membership: Membership | None):
        self.membership = membership
        self._typed: dict[int, str] | None = None

    def __call__(self, user) -> str:
        if user is None:
            return ""
        if user.get_full_name() or self.membership is None:
            return display_name(user)
        if self._typed is None:
            rows = (
                visible_memberships(self.membership)
                .exclude(invited_name="")
                .values_list("user_id", "invited_name")
            )
            self._typed = dict(rows)
        return name_in_organization(user, self._typed.get(user.pk, ""))
