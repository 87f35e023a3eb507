"""Caching reads that cost over a large register (counts per level, the choices of a filter
dropdown) per organisation, until the organisation's data next changes.

Every key carries the organisation's ``data_version``, which the services raise in the same
transaction as their write (``organizations.services.organization_data_changed``). A write
therefore invalidates every server process's entries at once, even with a per-process cache
(the default local-memory one): the next request reads the new version with its membership
and looks under a new key. What no service writes (a person renaming themself in the admin)
shows after ``TIMEOUT`` at the latest.
"""

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")

TIMEOUT = 600  # seconds

_MISSING = object()


def organization_cached(organization, parts: tuple, compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave for the same ``parts`` since the organisation's data last
    changed. ``parts`` is anything with a stable ``repr`` (strings, numbers, dates, tuples of
    them); it is hashed, so a long search query makes no long key."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"org:{organization.pk}:{organization.data_version}:{digest}"
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value  # type: ignore[return-value]
