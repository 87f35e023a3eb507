"""Sessions in the database, as Django keeps them, with the session's row read through SQL
compiled once per process (``core.lib.compiled``): every request of a logged-in person reads
it, and the ORM took longer to build the query than the database took to answer it."""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

from core.lib.compiled import compiled_objects

_KEY_CHARS = frozenset(VALID_KEY_CHARS)


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key):
        # Only a key Django could have made (its letters and digits) names a session. A forged
        # cookie with a NUL in it was sent to PostgreSQL, which refused the text: a 500.
        return super()._validate_session_key(key) and set(key) <= _KEY_CHARS

    def _get_session_from_db(self):
        model = self.model
        found = compiled_objects(
            model,
            ("session", model._meta.label),
            lambda key, now: model.objects.filter(session_key=key, expire_date__gt=now),
            (self.session_key, timezone.now()),
        )
        if not found:
            self._session_key = None
            return None
        return found[0]
