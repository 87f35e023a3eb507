"""Start-up checks of the polling settings: a batch must fit inside its lease and its task's
time limit, or a feed could be fetched by two workers (the lease ran out) or a batch cut off
midway (Celery's soft time limit)."""

from math import ceil

from django.conf import settings
from django.core import checks

# Time each batch needs beyond its fetches: parsing and storing what came, recording the rest.
STORING_MARGIN_SECONDS = 60


def longest_batch_seconds() -> int:
    """How long a batch may take at worst: its fetches in rounds of SCANNING_FETCH_THREADS,
    each up to SCANNING_FETCH_TIMEOUT, then storing."""
    rounds = ceil(max(1, settings.SCANNING_POLL_BATCH) / max(1, settings.SCANNING_FETCH_THREADS))
    return rounds * settings.SCANNING_FETCH_TIMEOUT + STORING_MARGIN_SECONDS


@checks.register()
def poll_batch_fits(app_configs, **kwargs):
    longest = longest_batch_seconds()
    limits = {
        "SCANNING_LEASE_SECONDS": settings.SCANNING_LEASE_SECONDS,
        "CELERY_TASK_SOFT_TIME_LIMIT": settings.CELERY_TASK_SOFT_TIME_LIMIT,
    }
    return [
        checks.Error(
            f"{name} ({limit} s) is shorter than a poll batch may take ({longest} s: "
            "SCANNING_POLL_BATCH feeds fetched SCANNING_FETCH_THREADS at a time, each within "
            "SCANNING_FETCH_TIMEOUT, and storing).",
            hint="Lower SCANNING_POLL_BATCH or SCANNING_FETCH_TIMEOUT, raise "
            f"SCANNING_FETCH_THREADS, or raise {name}.",
            id="scanning.E001",
        )
        for name, limit in limits.items()
        if limit is not None and limit < longest
    ]
