"""A person's secret address for the Atom feed of published reports.

Feed readers cannot log in, so the address itself is the key: 32 random bytes, of which only
the SHA-256 is stored (a leaked database gives no working address). Making a new address
replaces the old one; revoking deletes it. Either way the old address answers 404 at once.
"""

import hashlib
import secrets

from django.contrib.auth.models import User

from .models import ReportFeedToken


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def report_feed_token_create(*, user: User) -> str:
    """A new secret for the person's feed address, replacing any earlier one. Returned once:
    it is not stored."""
    token = secrets.token_urlsafe(32)
    ReportFeedToken.objects.update_or_create(user=user, defaults={"token_sha256": _digest(token)})
    return token


def report_feed_token_revoke(*, user: User) -> None:
    ReportFeedToken.objects.filter(user=user).delete()


def report_feed_user(token: str):
    """The active user whose feed address carries this secret, or None."""
    if not token or len(token) > 100:
        return None
    found = (
        ReportFeedToken.objects.select_related("user")
        .filter(token_sha256=_digest(token), user__is_active=True)
        .first()
    )
    return found.user if found else None
