"""Benchmark: feed ingest against feedparser's defaults, and what an unchanged feed costs.

    .venv/bin/python bench/ingest.py [DIR]          # default: the bundled sample feeds
    DATABASE_URL=postgres://…/spaning .venv/bin/python bench/ingest.py

On a throwaway database of its own (as bench/signals_list.py), it times:

1. every feed file through our whole pipeline, parse → clean → de-duplicate → store (entries
   and the queue items of an organisation following the feed), BENCH_INGEST_REPEAT times, each
   time as new feeds of a new organisation so every entry is stored; and on the same files
   ``feedparser.parse(body)`` with its defaults (no storing at all). Both as entries/s, and
   their ratio: ours must be at least 3x faster.
2. a poll over HTTP (a local server) of each file as a new feed (the full ingest), then again
   answered 304 to the conditional GET, and again answered 200 with the same body: the two
   unchanged polls' cost as a share of the full one. Target: under 2%.

The last line is the result:

    ingest: 3.4x feedparser (4,120 vs 1,210 entries/s); unchanged feed 1.1% (304) 1.3% (same body)
"""

import os
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _feeds import DEFAULT_DIRECTORY, load_feeds  # noqa: E402
from signals_list import log, setup_database  # noqa: E402

REPEAT = int(os.environ.get("BENCH_INGEST_REPEAT", "20"))
POLL_ROUNDS = int(os.environ.get("BENCH_POLL_ROUNDS", "20"))


class FeedServer:
    """Serves each file at /<name>, with an ETag; ``conditional`` off makes it ignore
    If-None-Match (a server that always sends the whole body)."""

    def __init__(self, feeds):
        self.bodies = {f"/{feed.name}": feed.body for feed in feeds}
        self.conditional = True
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                body = server.bodies[self.path]
                etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
                if server.conditional and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Connection", "close")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                if server.conditional:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host_port = f"127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, name):
        return f"http://{self.host_port}/{name}"


def main() -> None:
    directory = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_DIRECTORY
    feeds = load_feeds(directory)
    cleanup = setup_database()
    try:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        # As in production: with DEBUG on, Django also formats and keeps every query's SQL.
        settings.DEBUG = False
        log(f"ingest benchmark on {connection.vendor}, {len(feeds)} files from {directory}")
        run(feeds, settings)
    finally:
        cleanup()


def run(feeds, settings) -> None:
    import feedparser
    from django.utils import timezone

    from organizations.models import Organization
    from scanning.models import Entry, Feed, Subscription, TriageItem
    from scanning.parsing import parse_feed
    from scanning.polling import poll_feed, store_parsed

    # --- 1. entries/s: ours (parse → clean → dedup → store) and feedparser's defaults -----
    xml_feeds = [f for f in feeds if not f.name.endswith(".json")]  # feedparser has no JSON

    def ours(round_number: int) -> tuple[int, float]:
        organization = Organization.objects.create(
            slug=f"ingest-{round_number}", name=f"Ingest {round_number}", perspective_name="X"
        )
        targets = []
        for feed in xml_feeds:
            stored = Feed.objects.create(url=f"{feed.url}?round={round_number}")
            Subscription.objects.create(organization=organization, feed=stored, name=feed.name)
            targets.append((stored, feed))
        entries = 0
        started = time.perf_counter()
        for stored, feed in targets:
            parsed = parse_feed(feed.body, url=stored.url)
            store_parsed(stored, parsed, timezone.now())
            entries += len(parsed.entries)
        return entries, time.perf_counter() - started

    def theirs() -> tuple[int, float]:
        entries = 0
        started = time.perf_counter()
        for feed in xml_feeds:
            entries += len(feedparser.parse(feed.body).entries)
        return entries, time.perf_counter() - started

    ours(-1), theirs()  # warm up imports, caches and the database file
    our_rates, their_rates = [], []
    for round_number in range(REPEAT):
        entries, seconds = ours(round_number)
        our_rates.append(entries / seconds)
        entries, seconds = theirs()
        their_rates.append(entries / seconds)
    ours_rate, theirs_rate = statistics.median(our_rates), statistics.median(their_rates)
    stored = Entry.objects.count()
    items = TriageItem.objects.count()
    log(f"ours (parse, clean, dedup, store): {ours_rate:,.0f} entries/s (median of {REPEAT})")
    log(f"feedparser.parse with its defaults: {theirs_rate:,.0f} entries/s")
    log(f"stored {stored:,} entries and {items:,} queue items")
    ratio = ours_rate / theirs_rate

    # --- 2. an unchanged feed's cost, as a share of a full ingest, over real HTTP ----------
    server = FeedServer(feeds)
    settings.FETCH_ALLOW_PRIVATE_HOSTS = [server.host_port]
    organization = Organization.objects.create(slug="polls", name="Polls", perspective_name="X")
    full, not_modified, same_body = [], [], []
    for round_number in range(POLL_ROUNDS):
        for feed in feeds:
            stored = Feed.objects.create(url=f"{server.url(feed.name)}?round={round_number}")
            Subscription.objects.create(organization=organization, feed=stored, name=feed.name)
            server.bodies[f"/{feed.name}?round={round_number}"] = feed.body
            for times, conditional in ((full, True), (not_modified, True), (same_body, False)):
                server.conditional = conditional
                if not conditional:
                    Feed.objects.filter(pk=stored.pk).update(etag="")
                started = time.perf_counter()
                outcome = poll_feed(stored.pk, force=True)
                times.append(time.perf_counter() - started)
                assert not outcome.failed, outcome.line()
    full_ms = statistics.median(full) * 1000
    share_304 = statistics.median(not_modified) / statistics.median(full)
    share_same = statistics.median(same_body) / statistics.median(full)
    log(
        f"poll over HTTP, median: full ingest {full_ms:.1f} ms, 304 "
        f"{statistics.median(not_modified) * 1000:.2f} ms, same body "
        f"{statistics.median(same_body) * 1000:.2f} ms"
    )
    log(
        f"ingest: {ratio:.1f}x feedparser ({ours_rate:,.0f} vs {theirs_rate:,.0f} entries/s; "
        f"target >= 3x); unchanged feed {share_304:.1%} (304) {share_same:.1%} (same body) of "
        "a full ingest (target < 2%)"
    )


if __name__ == "__main__":
    main()
