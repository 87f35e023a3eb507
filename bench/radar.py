"""Benchmark: the signal radar with 2,000 signals on it.

    .venv/bin/python bench/radar.py                     # SQLite, a temporary file
    DATABASE_URL=postgres://…/spaning .venv/bin/python bench/radar.py   # PostgreSQL

Works on a throwaway database of its own (SQLite: a temporary file; PostgreSQL: the URL's
database name + "_bench", created and dropped here), never on the one in DATABASE_URL. Fills
it with BENCH_SIGNALS signals (default 2,000, every one with a time horizon, so all of them
are drawn) spread over the five driving forces, the levels and the impacts, then times
BENCH_REQUESTS requests (default 15, after a warm-up) per case through Django's test client,
as a scanner:

    page       the whole radar page (filters, the picture, the table)
    fragment   the htmx swap of the picture and the table
    areas      the fragment with areas as the sectors
    svg        the SVG file

The last line is the result, the slowest case's median, with the issue's target:

    radar: 2000 signals, slowest median 151.3ms (page; target <= 200 ms)

Not part of the test suite.
"""

import os
import random
import statistics
import sys
import time
import warnings
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

# The same throwaway database as the list's benchmark: never the one in DATABASE_URL.
from signals_list import log, setup_database  # noqa: E402

N_SIGNALS = int(os.environ.get("BENCH_SIGNALS", "2000"))
N_REQUESTS = int(os.environ.get("BENCH_REQUESTS", "15"))
WARM_UP = 2
TARGET_MS = 200


def populate(rng: random.Random):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from organizations.models import Membership, Organization
    from organizations.roles import Role
    from signals.catalogue import install_default_catalogue
    from signals.models import Area, Level, Signal, Status, Tag, TimeHorizon, Trend

    organization = Organization.objects.create(
        slug="bench", name="Benchkommun", perspective_name="Benchkommun"
    )
    install_default_catalogue(organization)
    user = get_user_model().objects.create_user("bench-scanner", first_name="Bench")
    Membership.objects.create(user=user, organization=organization, role=Role.SCANNER)
    areas = list(Area.objects.filter(organization=organization))
    trends = list(Trend.objects.filter(organization=organization))
    tags = Tag.objects.bulk_create(
        Tag(organization=organization, name=f"tagg {n}") for n in range(20)
    )
    now = timezone.now()
    signals = Signal.objects.bulk_create(
        Signal(
            organization=organization,
            title=f"Signal {n} om {rng.choice(['skolan', 'vården', 'klimatet', 'AI'])}",
            motivation="Därför är detta intressant för Benchkommun.",
            level=rng.choice(Level.values),
            area=rng.choice(areas),
            status=rng.choice([Status.LOGGED] * 8 + [Status.DRAFT]),
            time_horizon=rng.choice(TimeHorizon.values),
            impact=rng.choice([None, 1, 2, 3, 4]),
            created_by=user,
            # Within the radar's default period, the last 12 months.
            created_at=now - timedelta(hours=n * 4),
        )
        for n in range(N_SIGNALS)
    )
    TrendLink, TagLink = Signal.trends.through, Signal.tags.through
    TrendLink.objects.bulk_create(
        TrendLink(signal_id=signal.pk, trend_id=trend.pk)
        for signal in signals
        for trend in rng.sample(trends, rng.randint(1, 2))
    )
    TagLink.objects.bulk_create(
        TagLink(signal_id=signal.pk, tag_id=rng.choice(tags).pk)
        for signal in signals
        if rng.random() < 0.3
    )
    return organization, user


def timed(client, url: str, params: dict, headers: dict) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per request. The CPU time is this process's alone (on
    SQLite that includes the database's work; on PostgreSQL it does not): on a shared machine
    it says what a request costs when the wall clock also counts waiting for a core."""
    times, cpu_times = [], []
    for n in range(WARM_UP + N_REQUESTS):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url, params, headers=headers)
        elapsed = (time.perf_counter() - started) * 1000
        cpu = (time.process_time() - cpu_started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url} {params} answered {response.status_code}")
        if n >= WARM_UP:
            times.append(elapsed)
            cpu_times.append(cpu)
    return times, cpu_times


def main() -> None:
    # WhiteNoise warns that STATIC_ROOT is missing; the benchmark serves no static files.
    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers")
    cleanup = setup_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    try:
        # As in production: no query log, no template instrumentation.
        settings.DEBUG = False
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        settings.AXES_ENABLED = False
        log(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})")
        call_command("migrate", verbosity=0)
        organization, user = populate(random.Random(20261101))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        client = Client()
        client.force_login(user)
        radar = reverse("overview:radar", args=[organization.slug])
        svg = reverse("overview:radar_svg", args=[organization.slug])
        htmx = {"HX-Request": "true"}
        cases = {
            "page": (radar, {}, {}),
            "fragment": (radar, {"level": ""}, htmx),
            "areas": (radar, {"by": "area"}, htmx),
            "svg": (svg, {}, {}),
        }
        response = client.get(radar)
        drawn = response.content.decode().count('class="radar__dot"')
        log(f"{drawn} signals drawn on the radar")
        medians = {}
        for case, (url, params, headers) in cases.items():
            times, cpu_times = timed(client, url, params, headers)
            medians[case] = statistics.median(times)
            log(
                f"  {case:<9} median={medians[case]:.1f}ms min={min(times):.1f}ms "
                f"max={max(times):.1f}ms (cpu median={statistics.median(cpu_times):.1f}ms)"
            )
        slowest = max(medians, key=medians.__getitem__)
        log(
            f"radar: {N_SIGNALS} signals ({connection.vendor}), slowest median "
            f"{medians[slowest]:.1f}ms ({slowest}; target <= {TARGET_MS} ms)"
        )
    finally:
        cleanup()


if __name__ == "__main__":
    main()
