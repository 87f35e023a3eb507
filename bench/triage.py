"""Benchmark: the triage queue page with 100,000 items waiting.

    .venv/bin/python bench/triage.py                     # SQLite, a temporary file
    DATABASE_URL=postgres://…/spaning .venv/bin/python bench/triage.py   # PostgreSQL

On a throwaway database of its own (as bench/signals_list.py): one organisation following 20
feeds, BENCH_ITEMS items (default 100,000) waiting, published over the last four weeks.
Times BENCH_REQUESTS full-page requests per case (default 40, after a warm-up) through
Django's test client as a scanner, and counts each case's queries:

    first      the queue as it opens
    deep       a page 2,000 items down, reached by the "older" cursor
    feed       one feed's items
    level      one level (a join to the subscriptions)
    search     a word in about one item in a hundred (on PostgreSQL one query more than the
               others: the planner's estimate of how common the word is)
    htmx       the first page as htmx asks for it (the list only)
    one        a search that finds a single item

The last line is the result: the worst p95, and whether a search finding one row runs as many
queries as one finding 25 (the count does not grow with the rows):

    triage: worst p95=21.3ms (search); queries per page 6-9, constant
"""

import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from signals_list import log, p95, setup_database  # noqa: E402

N_ITEMS = int(os.environ.get("BENCH_ITEMS", "100000"))
N_REQUESTS = int(os.environ.get("BENCH_REQUESTS", "40"))
N_FEEDS = 20
WARM_UP = 3
RARE_WORD = "vattenskydd"  # in about one item in a hundred
WORDS = [
    "skola", "äldreomsorg", "bygglov", "klimat", "ekonomi", "digitalisering", "kollektivtrafik",
    "bostäder", "kompetens", "beredskap", "energi", "integration", "folkhälsa", "näringsliv",
]  # fmt: skip


def populate(rng: random.Random):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from core.lib.bulk import db_datetime, insert_rows
    from organizations.models import Membership, Organization
    from organizations.roles import Role
    from scanning.models import Entry, Feed, Subscription, TriageItem, TriageItemEntry
    from signals.catalogue import install_default_catalogue
    from signals.models import Area, Level

    organization = Organization.objects.create(
        slug="bench", name="Benchkommun", perspective_name="Benchkommun"
    )
    install_default_catalogue(organization)
    user = get_user_model().objects.create_user("bench-scanner", first_name="Bench")
    Membership.objects.create(user=user, organization=organization, role=Role.SCANNER)
    areas = list(Area.objects.filter(organization=organization))
    levels = list(Level)
    subscriptions = []
    for n in range(N_FEEDS):
        feed = Feed.objects.create(url=f"https://example.se/flode-{n}.xml", title=f"Flöde {n}")
        subscriptions.append(
            Subscription.objects.create(
                organization=organization,
                feed=feed,
                name=f"Flöde {n}",
                area=areas[n % len(areas)],
                level=levels[n % len(levels)],
            )
        )
    now = timezone.now()
    span = timedelta(days=28).total_seconds()
    batch = 5000
    made = 0
    while made < N_ITEMS:
        count = min(batch, N_ITEMS - made)
        entries, shapes = [], []
        for n in range(made, made + count):
            subscription = subscriptions[n % N_FEEDS]
            words = rng.sample(WORDS, 3)
            if rng.random() < 0.01:
                words.append(RARE_WORD)
            title = f"Nyhet {n}: {words[0]} och {words[1]} i kommunerna"
            published = now - timedelta(seconds=rng.random() * span)
            link = f"https://example.se/nyhet/{n}"
            entries.append(
                (
                    subscription.feed_id, f"id:{n}", title, link, link[6:], title.casefold(),
                    f"<p>Om {' och '.join(words)}.</p>", f"Om {' och '.join(words)}.",
                    f"{title}\nOm {' och '.join(words)}.".lower(), "",
                    db_datetime(published), db_datetime(now),
                )
            )  # fmt: skip
            shapes.append((subscription, published))
        entry_ids = insert_rows(
            Entry,
            (
                "feed_id", "key", "title", "link", "canonical_url", "title_fingerprint",
                "summary_html", "summary_text", "search_document", "author", "published_at",
                "fetched_at",
            ),
            entries,
        )  # fmt: skip
        stamp = db_datetime(now)
        item_ids = insert_rows(
            TriageItem,
            ("organization_id", "created_at", "updated_at", "entry_id", "subscription_id",
             "state", "published_at"),
            [
                (organization.pk, stamp, stamp, entry_id, subscription.pk, "new",
                 db_datetime(published))
                for entry_id, (subscription, published) in zip(entry_ids, shapes, strict=True)
            ],
        )  # fmt: skip
        links = [
            (organization.pk, stamp, stamp, item_id, entry_id, "", "", db_datetime(published))
            for item_id, entry_id, (_s, published) in zip(item_ids, entry_ids, shapes, strict=True)
        ]
        insert_rows(
            TriageItemEntry,
            ("organization_id", "created_at", "updated_at", "item_id", "entry_id",
             "canonical_url", "title_fingerprint", "published_at"),
            links,
        )  # fmt: skip
        made += count
        log(f"  {made:,} items")
    return organization, user, subscriptions


def main() -> None:
    cleanup = setup_database()
    try:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        call_command("migrate", verbosity=0)
        # As in production: with DEBUG on, Django also formats and keeps every query's SQL.
        settings.DEBUG = False
        settings.ALLOWED_HOSTS = ["testserver"]
        log(f"triage benchmark on {connection.vendor}: {N_ITEMS:,} items")
        started = time.perf_counter()
        organization, user, subscriptions = populate(random.Random(7))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        log(f"populated in {time.perf_counter() - started:.0f}s")
        from scanning.selectors import Cursor, waiting_items

        client = Client()
        client.force_login(user)
        base = f"/{organization.slug}/scanning/"
        deep_item = waiting_items(user.memberships.get()).order_by("-published_at", "-pk")[2000]
        cases = {
            "first": (base, {}),
            "deep": (f"{base}?older={Cursor.of(deep_item).token()}", {}),
            "feed": (f"{base}?feed={subscriptions[3].pk}", {}),
            "level": (f"{base}?level={subscriptions[1].level}", {}),
            "search": (f"{base}?q={RARE_WORD}", {}),
            "htmx": (base, {"HTTP_HX_REQUEST": "true"}),
        }
        worst = ("", 0.0)
        query_counts: dict[str, int] = {}
        for name, (url, headers) in cases.items():
            for _ in range(WARM_UP):
                assert client.get(url, **headers).status_code == 200
            times = []
            for _ in range(N_REQUESTS):
                t0 = time.perf_counter()
                response = client.get(url, **headers)
                times.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200
            with CaptureQueriesContext(connection) as queries:
                client.get(url, **headers)
            query_counts[name] = len(queries)
            figure = p95(times)
            log(
                f"{name:>7}: p95={figure:.1f}ms median={statistics.median(times):.1f}ms "
                f"queries={len(queries)}"
            )
            if figure > worst[1]:
                worst = (name, figure)
        with CaptureQueriesContext(connection) as queries:
            client.get(f"{base}?q=Nyhet+12345%3A")
        one_row = len(queries)
        # Compared with the other search: a search asks PostgreSQL how common its word is.
        many = query_counts["search"]
        constant = "constant" if one_row == many else f"NOT constant ({one_row} for one row)"
        log(
            f"triage: worst p95={worst[1]:.1f}ms ({worst[0]}; target <= 50ms); queries per page "
            f"{min(query_counts.values())}-{max(query_counts.values())}, {constant}"
        )
    finally:
        cleanup()


if __name__ == "__main__":
    main()
