"""Benchmark: the signal list and search over 100,000 signals.

    .venv/bin/python bench/signals_list.py                     # SQLite, a temporary file
    DATABASE_URL=postgres://…/spaning .venv/bin/python bench/signals_list.py   # PostgreSQL

Works on a throwaway database of its own (SQLite: a temporary file; PostgreSQL: the URL's
database name + "_bench", created and dropped here), never on the one in DATABASE_URL. Fills it
with BENCH_SIGNALS signals (default 100,000) with sources, trends and tags, then times
BENCH_REQUESTS full-page requests (default 40, after a warm-up) per case through Django's test
client, as a scanner (every status) and as management (logged signals only):

    plain      the list as it opens
    filtered   level and area
    deep       page 3000
    title      sorted by title
    common     a search for a word in one signal in eight ("varberg")
    rare       a search for a word in one signal in a hundred ("förskola")

Each case is timed twice: "cold" empties the cache before every request (what the first
visitor after a write pays), "warm" does not (the same view again, a page click, a sort). On
both databases it also prints EXPLAIN for the search, to show its index is used (PostgreSQL: the
GIN index over the stored Swedish vectors; SQLite: the FTS5 trigram index). The
last line is the result, the worst case of each kind:

    signals_list: worst cold p95=31.2ms (deep, management); worst warm p95=20.1ms (…);
    queries per page 4-7, constant                                          [on one line]

"Constant": a page of 100 rows takes as many queries as a page of 25.

Not part of the test suite.
"""

import os
import random
import statistics
import sys
import tempfile
import time
import warnings
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

N_SIGNALS = int(os.environ.get("BENCH_SIGNALS", "100000"))
N_REQUESTS = int(os.environ.get("BENCH_REQUESTS", "40"))
WARM_UP = 3
BATCH = 5000
SEARCH_WORD = "förskola"  # in about one signal in a hundred
COMMON_WORD = "varberg"  # a place: in about one signal in eight
DEEP_PAGE = 3000


def log(message: str) -> None:
    print(message, flush=True)


# --- a database of our own --------------------------------------------------------------------


def _bench_database_url(url: str) -> tuple[str, str, str]:
    """(bench URL, bench database name, maintenance URL) for a PostgreSQL DATABASE_URL."""
    parts = urlsplit(url)
    name = (parts.path.lstrip("/") or "spaning") + "_bench"
    bench = urlunsplit(parts._replace(path="/" + name))
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    return bench, name, maintenance


def _postgres_admin(maintenance_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(maintenance_url, autocommit=True) as connection:
        connection.execute(sql)


def setup_database():
    """Point Django at a fresh throwaway database; return a function that removes it."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        bench_url, name, maintenance = _bench_database_url(url)
        _postgres_admin(maintenance, f'DROP DATABASE IF EXISTS "{name}"')
        _postgres_admin(maintenance, f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = bench_url

        def cleanup():
            from django.db import connections

            connections.close_all()
            _postgres_admin(maintenance, f'DROP DATABASE IF EXISTS "{name}"')

        return cleanup
    if url:
        raise SystemExit(f"The benchmarks support SQLite and PostgreSQL, not {url!r}")
    directory = tempfile.TemporaryDirectory(prefix="spaning-bench-")
    os.environ["SQLITE_PATH"] = str(Path(directory.name) / "bench.sqlite3")

    def cleanup():
        from django.db import connections

        connections.close_all()
        directory.cleanup()

    return cleanup


# --- data ---------------------------------------------------------------------------------------

SUBJECTS = [
    "förskola", "hemtjänst", "bygglov", "kollektivtrafik", "vattenförsörjning", "e-tjänst",
    "äldreboende", "skolskjuts", "cykelväg", "bibliotek", "energiplan", "stadskärna",
    "föreningsliv", "vuxenutbildning", "socialtjänst", "räddningstjänst", "detaljplan",
    "laddinfrastruktur", "dataskydd", "upphandling",
]  # fmt: skip
SUBJECT_WEIGHTS = [1] + [99 / (len(SUBJECTS) - 1)] * (len(SUBJECTS) - 1)
PLACES = ["Kungsbacka", "Halland", "Göteborg", "Mölndal", "Varberg", "Sverige", "EU", "Norden"]
VERBS = ["satsar på", "utreder", "inför", "avvecklar", "digitaliserar", "samordnar", "ser över"]
SOURCES = [
    ("https://skr.se/skr/nyheter", "SKR"),
    ("https://www.scb.se/hitta-statistik/", "SCB"),
    ("https://www.boverket.se/sv/nyheter/", "Boverket"),
    ("https://www.hallandsposten.se/nyheter/", "Hallandsposten"),
    ("https://www.gp.se/nyheter/", "Göteborgs-Posten"),
    ("https://www.regeringen.se/pressmeddelanden/", "Regeringen"),
]


def populate(rng: random.Random):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from organizations.models import Membership, Organization
    from organizations.roles import Role
    from signals.catalogue import install_default_catalogue
    from signals.models import Area, Level, Signal, Source, Status, Tag, Trend

    organization = Organization.objects.create(
        slug="bench", name="Benchkommun", perspective_name="Benchkommun"
    )
    install_default_catalogue(organization)
    user = get_user_model().objects.create_user("bench-scanner", first_name="Bench")
    Membership.objects.create(user=user, organization=organization, role=Role.SCANNER)
    manager = get_user_model().objects.create_user("bench-management", first_name="Chef")
    Membership.objects.create(user=manager, organization=organization, role=Role.MANAGEMENT)

    areas = list(Area.objects.filter(organization=organization))
    trends = list(Trend.objects.filter(organization=organization))
    tags = Tag.objects.bulk_create(
        Tag(organization=organization, name=f"tagg {n}") for n in range(40)
    )
    levels = Level.values
    statuses = [Status.LOGGED] * 8 + [Status.DRAFT, Status.ARCHIVED]
    now = timezone.now()
    TrendLink = Signal.trends.through
    TagLink = Signal.tags.through

    made = 0
    while made < N_SIGNALS:
        size = min(BATCH, N_SIGNALS - made)
        drafts = []
        for n in range(made, made + size):
            subject = rng.choices(SUBJECTS, SUBJECT_WEIGHTS)[0]
            place = rng.choice(PLACES)
            title = f"{place} {rng.choice(VERBS)} {subject} ({n})"
            description = f"En signal om {subject} i {place}. " * rng.randint(1, 4)
            motivation = f"Därför är detta intressant för Benchkommun: {subject} påverkar oss."
            url, source_name = rng.choice(SOURCES)
            drafts.append(
                (
                    Signal(
                        organization=organization,
                        title=title,
                        description=description,
                        motivation=motivation,
                        level=rng.choice(levels),
                        area=rng.choice(areas),
                        status=rng.choice(statuses),
                        created_by=user,
                        created_at=now - timedelta(minutes=n * 7),
                        impact=rng.choice([None, 1, 2, 3, 4]),
                        search_document="\n".join(
                            [title, description, motivation, source_name, url]
                        ).lower(),
                    ),
                    url,
                    source_name,
                )
            )
        signals = Signal.objects.bulk_create([signal for signal, _, _ in drafts])
        Source.objects.bulk_create(
            Source(signal=signal, url=url, name=name, position=0)
            for signal, (_, url, name) in zip(signals, drafts, strict=True)
        )
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
        made += size
        log(f"  {made:>7} signals")
    return organization, {"scanner": user, "management": manager}, areas


# --- timing -----------------------------------------------------------------------------------


def timed(client, url: str, params: dict, *, cold: bool) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per request. The CPU time is this process's alone (on
    SQLite that includes the database's work; on PostgreSQL it does not): on a shared machine
    it says what a request costs when the wall clock also counts waiting for a core."""
    from django.core.cache import cache

    times, cpu_times = [], []
    for n in range(WARM_UP + N_REQUESTS):
        if cold:
            cache.clear()
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url, params)
        elapsed = (time.perf_counter() - started) * 1000
        cpu = (time.process_time() - cpu_started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url} {params} answered {response.status_code}")
        if n >= WARM_UP:
            times.append(elapsed)
            cpu_times.append(cpu)
    return times, cpu_times


def queries(client, url: str, params: dict, *, cold: bool) -> int:
    """How many queries the page takes (counted apart from the timed requests: counting
    makes Django keep every query's SQL)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        client.get(url, params)
    return len(captured)


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * len(ordered) + 0.5) - 1)]


def summary(times: list[float]) -> str:
    return f"median={statistics.median(times):.1f}ms p95={p95(times):.1f}ms"


def explain_search() -> None:
    from django.db import connection

    from signals.models import Signal
    from signals.search import search_signals

    queryset = search_signals(Signal.objects.all(), SEARCH_WORD)
    plan = queryset.explain()
    index = "signal_search_vector" if connection.vendor == "postgresql" else "signals_signal_fts"
    uses_index = index in plan
    log("EXPLAIN (search):")
    log("\n".join("  " + line for line in plan.splitlines()))
    log(f"Search index ({index}) used by the search: {'yes' if uses_index else 'NO'}")


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
        # As in production: no query log. (Not setup_test_environment(): its template
        # instrumentation would double the rendering time.)
        settings.DEBUG = False
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        settings.AXES_ENABLED = False
        log(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})")
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        rng = random.Random(20250301)
        log(f"Creating {N_SIGNALS} signals …")
        organization, users, areas = populate(rng)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # As autovacuum leaves a table in production: statistics and a visibility map
                # (which index-only scans need).
                cursor.execute("VACUUM ANALYZE")
            else:
                # As the next migration leaves it (signals.apps.analyze_sqlite): statistics.
                cursor.execute("ANALYZE")
        log(f"Data ready in {time.perf_counter() - started:.0f}s")
        explain_search()

        url = reverse("signals:list", args=[organization.slug])
        area = next(a for a in areas if a.name == "Samhällsbyggnad")
        cases = {
            "plain": {},
            "filtered": {"level": "near", "area": area.pk},
            "deep": {"page": DEEP_PAGE},
            "title": {"sort": "title"},
            "common": {"q": COMMON_WORD},
            "rare": {"q": SEARCH_WORD},
        }
        worst = {"cold": (0.0, ""), "warm": (0.0, "")}
        counts: list[int] = []
        growing = []
        for role, user in users.items():
            client = Client()
            client.force_login(user)
            for case, params in cases.items():
                for kind in ("cold", "warm"):
                    times, cpu_times = timed(client, url, params, cold=kind == "cold")
                    counted = queries(client, url, params, cold=kind == "cold")
                    counts.append(counted)
                    log(
                        f"  {role:<10} {case:<8} {kind}: {summary(times)}"
                        f" (cpu median={statistics.median(cpu_times):.1f}ms"
                        f" p95={p95(cpu_times):.1f}ms) queries={counted}"
                    )
                    if p95(times) > worst[kind][0]:
                        worst[kind] = (p95(times), f"{case}, {role}")
            # Constant: a page of 100 rows takes the queries a page of 25 does (each asked
            # for once before, so both find the same in the cache).
            for n in (25, 100):
                client.get(url, {"per_page": n})
            few, many = (queries(client, url, {"per_page": n}, cold=False) for n in (25, 100))
            if few != many:
                growing.append(f"{role}: {few} for 25 rows, {many} for 100")
        log(f"{N_REQUESTS} requests each, {connection.vendor}, {N_SIGNALS} signals")
        constant = "constant" if not growing else "NOT constant (" + "; ".join(growing) + ")"
        log(
            "signals_list: "
            + "; ".join(
                f"worst {kind} p95={figure:.1f}ms ({where})"
                for kind, (figure, where) in worst.items()
            )
            + f"; queries per page {min(counts)}-{max(counts)}, {constant}"
        )
    finally:
        cleanup()


if __name__ == "__main__":
    main()
