"""Benchmark: feed ingest against feedparser's defaults, and what an unchanged feed costs.

    .venv/bin/python bench/ingest.py [DIR]          # default: the bundled sample feeds
    DATABASE_URL=postgres://…/spaning .venv/bin/python bench/ingest.py

On a throwaway database of its own (as bench/signals_list.py: SQLite in a temporary file, or
PostgreSQL in the URL's database name + "_bench", created and dropped here), it times:

1. Entries per second. Ours: every feed file through the code a poll runs once it has the
   body, ``parse_feed`` (parse, clean, identify) then ``store_changed`` (de-duplicate, store the
   entries, place them in the queue of an organisation following the feed, record the poll).
   A round is a poll batch of new feeds, as after an organisation imports its list of feeds
   (the case where ingest speed matters): SCANNING_POLL_BATCH feeds (every file, once for
   each of a few new organisations, as in part 2), stored together in one transaction as a
   batch stores its changed feeds, each parsed when storing asks for the next (so that
   PostgreSQL stores the first ones' entries meanwhile, as in a poll). Every round's feeds
   and organisations are new, so every entry is new and stored, with its queue item.
   Theirs: ``feedparser.parse(body)`` with its defaults on the same documents (JSON Feed is
   not something feedparser reads), storing nothing. Rounds alternate between the two; the
   median of BENCH_INGEST_REPEAT rounds each. Target: ours at least 3x theirs.

2. What an unchanged feed costs, as a share of a full ingest. Feeds are polled as in
   production: the dispatcher's run leases every due feed in one statement
   (``scanning.tasks.claim_due_feeds``; its time, per feed, is counted in each feed's cost),
   and a worker polls them in batches as it sends them (``poll_leased``; SCANNING_POLL_BATCH
   feeds: every file, once for each of a few new organisations), from a local HTTP server (a
   process of its own, as a publisher's server is). Each batch is polled three times: first
   in full (lease, fetch, parse, store every entry with its queue item), then answered 304 to
   the conditional GET, then answered 200 with the same body (its digest is the one stored);
   every batch is polled in full before the first is polled unchanged, as in production,
   where a feed's unchanged poll comes long after the one that stored its entries (straight
   after it, its rows and pages are still being written back), and the feed table is left
   as autovacuum would have left it by then (``_as_autovacuum_leaves_feeds``). A batch's
   cost is its time less its HTTP exchanges (``PolledBatch.fetch_seconds``: the requests,
   the publisher's answers and reading the bodies, which are the publisher's and the
   network's time, not ours, and which a slow publisher would make anything; fetched one at
   a time here, so that is exactly their sum), per feed. So all three are timed alike,
   leases included, fetches excluded: for the full ingest the leases and reading the feeds'
   rows, parsing, storing and recording each poll; for unchanged feeds the leases, (for the
   same body) hashing it, and recording the polls, one statement for the batch. (The
   dispatcher's messages through the broker are not counted: they cost every poll alike.)
   Medians over BENCH_POLL_ROUNDS batches. Target: under 2%. Also printed, with their
   shares: what each poll did after the answer (``PollOutcome.answer_seconds``: no leases;
   for the full ingest that is part 1's work), the HTTP exchange alone, the whole poll
   with it, end to end over loopback, and the processor time the poll took, waiting
   excluded, ours and the database server's (``ProcessorTime``): the same work as the
   figure, counted as what it costs the machine rather than how long it took (where the
   full ingest's parsing and storing run side by side, both are counted).

Both databases run as configured in config/settings.py (SQLite: WAL, synchronous=NORMAL). The
machine may be shared: run it a few times. The last line is the result:

    ingest: 3.4x feedparser (4,120 vs 1,210 entries/s; target >= 3x); unchanged feed 1.1%
    (304) 1.3% (same body) of a full ingest (target < 2%)        [on one line]
"""

import multiprocessing
import os
import statistics
import sys
import time
import zlib
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _feeds import DEFAULT_DIRECTORY, load_feeds  # noqa: E402
from signals_list import log, setup_database  # noqa: E402

REPEAT = int(os.environ.get("BENCH_INGEST_REPEAT", "20"))
POLL_ROUNDS = int(os.environ.get("BENCH_POLL_ROUNDS", "20"))


def _serve(bodies: dict[str, bytes], conditional, port) -> None:
    """The publisher: each file at /<name> (whatever the query), with an ETag; a matching
    If-None-Match gets 304 unless ``conditional`` is off (a server that always sends the
    whole body)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            body = bodies[self.path.split("?", 1)[0]]
            etag = f'"{zlib.crc32(body):x}"'
            if conditional.value and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Connection", "close")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            if conditional.value:
                self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port.value = httpd.server_address[1]
    httpd.serve_forever()


class FeedServer:
    """``_serve`` in a process of its own, so its work is not counted as the poll's."""

    def __init__(self, feeds):
        context = multiprocessing.get_context("spawn")
        self._conditional = context.Value("b", 1)
        port = context.Value("i", 0)
        bodies = {f"/{feed.name}": feed.body for feed in feeds}
        self.process = context.Process(
            target=_serve, args=(bodies, self._conditional, port), daemon=True
        )
        self.process.start()
        deadline = time.monotonic() + 30
        while not port.value:
            if time.monotonic() > deadline or not self.process.is_alive():
                raise SystemExit("the feed server did not start")
            time.sleep(0.01)
        self.host_port = f"127.0.0.1:{port.value}"

    @property
    def conditional(self) -> bool:
        return bool(self._conditional.value)

    @conditional.setter
    def conditional(self, value: bool) -> None:
        self._conditional.value = int(value)

    def url(self, name):
        return f"http://{self.host_port}/{name}"

    def stop(self):
        self.process.terminate()
        self.process.join()


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

    from config.celery import freeze_start_up_objects
    from scanning.models import Entry, TriageItem
    from scanning.parsing import parse_feed
    from scanning.storing import ChangedFeed, store_changed

    # --- 1. entries/s: ours (parse → clean → dedup → store) and feedparser's defaults -----
    xml_feeds = [f for f in feeds if not f.name.endswith(".json")]  # feedparser has no JSON

    # A poll batch's worth of documents: the files, once for each of a few organisations.
    copies = max(1, round(settings.SCANNING_POLL_BATCH / len(xml_feeds)))

    def ours(round_number: int) -> tuple[int, float]:
        targets = new_batch(
            f"ingest-{round_number}",
            xml_feeds,
            copies,
            lambda feed, copy: f"{feed.url}?copy={copy}",
        )
        entries = 0

        def changed():
            # As a poll batch gives them: each document parsed when storing asks for it.
            nonlocal entries
            for stored, feed in targets:
                parsed = parse_feed(feed.body, url=stored.url)
                entries += len(parsed.entries)
                yield ChangedFeed(stored, parsed)

        started = time.perf_counter()
        store_changed(changed(), timezone.now())
        return entries, time.perf_counter() - started

    def theirs() -> tuple[int, float]:
        entries = 0
        started = time.perf_counter()
        for _copy in range(copies):
            for feed in xml_feeds:
                entries += len(feedparser.parse(feed.body).entries)
        return entries, time.perf_counter() - started

    ours(-1), theirs()  # warm up imports, caches and the database file
    # As a worker does once started (config.celery): what it loaded lives as long as the
    # process, out of the way of the garbage collector's full collections.
    freeze_start_up_objects()
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

    # --- 2. an unchanged feed's cost, as a share of a full ingest, through poll_feed ---------
    server = FeedServer(feeds)
    try:
        settings.FETCH_ALLOW_PRIVATE_HOSTS = [server.host_port]
        timings = poll_rounds(server, feeds, settings)
    finally:
        server.stop()
    median = {
        measure: {kind: statistics.median(values) for kind, values in by_kind.items()}
        for measure, by_kind in timings.items()
    }

    def shares(measure):
        times = median[measure]
        return times["not_modified"] / times["full"], times["unchanged"] / times["full"]

    def line(measure):
        times = median[measure]
        return (
            f"full ingest {times['full'] * 1000:.2f} ms, 304 {times['not_modified'] * 1000:.3f}"
            f" ms, same body {times['unchanged'] * 1000:.3f} ms ({shares(measure)[0]:.1%} and "
            f"{shares(measure)[1]:.1%})"
        )

    batches = len(timings["cost"]["full"])
    log(
        f"per feed, medians of {batches} batches of {settings.SCANNING_POLL_BATCH} or about,"
        " and the unchanged ones' shares of the full one:"
    )
    log(f"  poll less its HTTP exchange (the figure): {line('cost')}")
    log(f"  of which after the answer (no leases):    {line('answer')}")
    log(f"  the HTTP exchange alone, over loopback:   {line('exchange')}")
    log(f"  the whole poll, exchange included:        {line('whole')}")
    log(f"  processor time, ours and the database's:  {line('cpu')}")
    share_304, share_same = shares("cost")
    log(
        f"ingest: {ratio:.1f}x feedparser ({ours_rate:,.0f} vs {theirs_rate:,.0f} entries/s; "
        f"target >= 3x); unchanged feed {share_304:.1%} (304) {share_same:.1%} (same body) of "
        "a full ingest (target < 2%)"
    )


# Each batch's three polls: the outcome expected of every feed, and whether the server answers
# 304.
POLLS = (("ok", True), ("not_modified", True), ("unchanged", False))


def new_batch(name: str, feeds, copies: int, url) -> list:
    """A batch of new feeds: the files, once for each of ``copies`` new organisations (their
    entries are new stories to them, so a full ingest makes queue items rather than joining
    another batch's), each at ``url(feed, copy)`` with the batch's name. [(Feed, file)…]"""
    from organizations.models import Organization
    from scanning.models import Feed, Subscription

    targets = []
    for copy in range(copies):
        organization = Organization.objects.create(
            slug=f"{name}-{copy}", name=f"{name} {copy}", perspective_name="X"
        )
        for feed in feeds:
            stored = Feed.objects.create(url=f"{url(feed, copy)}&batch={name}")
            Subscription.objects.create(organization=organization, feed=stored, name=feed.name)
            targets.append((stored, feed))
    return targets


def poll_rounds(server, feeds, settings):
    """Each of POLL_ROUNDS batches of new feeds (every file, once for each of a few new
    organisations: SCANNING_POLL_BATCH feeds or about) is polled three times, as a worker
    polls a batch the dispatcher sent: first in full, then unchanged twice (every batch in
    full before the first unchanged poll). Returns seconds per feed by measure ("cost": the
    batch's time less its HTTP exchanges, per feed; "answer": what each poll did after its
    answer, its share of the batch's record included; "exchange"; "whole") and by outcome
    ("full", "not_modified", "unchanged")."""
    from django.utils import timezone

    from scanning.models import Feed
    from scanning.polling import poll_leased
    from scanning.tasks import claim_due_feeds

    # One fetch at a time, so the batch's exchanges are exactly the sum of each one's time and
    # everything else is ours (in production they run side by side, SCANNING_FETCH_THREADS).
    settings.SCANNING_FETCH_THREADS = 1
    copies = max(1, round(settings.SCANNING_POLL_BATCH / len(feeds)))
    kinds = ("full", "not_modified", "unchanged")
    measures = ("cost", "answer", "exchange", "whole", "cpu")
    timings = {m: {k: [] for k in kinds} for m in measures}
    cpu = ProcessorTime()
    # Part 1's feeds are not polled here: not due (the dispatcher would send them too).
    Feed.objects.update(next_poll_at=timezone.now() + timedelta(days=365))
    batches = []
    for round_number in range(-1, POLL_ROUNDS):  # batch -1 warms up, and is not counted
        targets = new_batch(
            f"polls-{round_number}",
            feeds,
            copies,
            lambda feed, copy: f"{server.url(feed.name)}?copy={copy}",
        )
        ids = [stored.pk for stored, _feed in targets]
        batches.append((round_number, ids))
    polled = [pk for _round, ids in batches for pk in ids]
    # Every batch in full, then every batch unchanged twice: as in production, where a feed's
    # next poll comes long after the one that stored its entries, not straight after it in
    # the same rows and pages.
    for expected, conditional in POLLS:
        server.conditional = conditional
        # Due again (in production: its interval passed).
        Feed.objects.filter(pk__in=polled).update(next_poll_at=timezone.now())
        if expected != "ok":
            _as_autovacuum_leaves_feeds()
        # The dispatcher's run: every due feed's lease taken in one statement, its share
        # counted in each feed's cost (its messages through the broker are not: as the
        # worker's receiving them, neither changes with what a poll finds).
        started, spent = time.perf_counter(), cpu.now()
        claimed = {feed.pk: feed for feed in claim_due_feeds(timezone.now())}
        claim_share = (time.perf_counter() - started) / len(claimed)
        claim_cpu_share = (cpu.now() - spent) / len(claimed)
        assert len(claimed) == len(polled), "every feed is due and free"
        for round_number, ids in batches:
            started, spent = time.perf_counter(), cpu.now()
            batch = poll_leased([claimed[pk] for pk in ids], timezone.now())
            elapsed = time.perf_counter() - started
            processor = cpu.now() - spent
            outcomes = batch.outcomes.values()
            assert all(outcome.status == expected for outcome in outcomes), batch.line()
            if expected == "ok":
                assert all(outcome.new > 0 for outcome in outcomes), batch.line()
            if round_number >= 0:
                kind = "full" if expected == "ok" else expected
                n = len(ids)
                timings["cost"][kind].append((elapsed - batch.fetch_seconds) / n + claim_share)
                timings["answer"][kind].append(sum(o.answer_seconds for o in outcomes) / n)
                timings["exchange"][kind].append(batch.fetch_seconds / n)
                timings["whole"][kind].append(elapsed / n + claim_share)
                timings["cpu"][kind].append(processor / n + claim_cpu_share)
    cpu.close()
    return timings


class ProcessorTime:
    """Processor time spent on a poll, waiting excluded: this thread's (less its HTTP
    exchanges', counted by ``_exchange`` below) and, on PostgreSQL, the server process that
    serves this connection (``/proc/<pid>/schedstat``, in nanoseconds). The database's
    background processes (writing the WAL) are not counted, as the publisher's are not."""

    def __init__(self):
        from django.db import connection

        import scanning.polling as polling

        self._polling, self._exchange = polling, polling._exchange
        self._fetching = 0.0

        def exchange(feed):
            started = time.thread_time()
            try:
                return self._exchange(feed)
            finally:
                self._fetching += time.thread_time() - started

        polling._exchange = exchange
        self._server = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self._server = Path(f"/proc/{cursor.fetchone()[0]}/schedstat")

    def now(self) -> float:
        server = int(self._server.read_text().split()[0]) / 1e9 if self._server else 0.0
        return time.thread_time() - self._fetching + server

    def close(self):
        self._polling._exchange = self._exchange


def _as_autovacuum_leaves_feeds() -> None:
    """The feed table as a feed's next poll finds it in production, half an hour after the
    last: every poll rewrites its feed's row twice (lease, record), so autovacuum has been
    through the table since (PostgreSQL: it vacuums a table once a fifth of its rows are dead,
    and analyzes it once a tenth changed; here every row just changed twice in a few seconds).
    Without this the first unchanged poll pays for what autovacuum does in production
    (pruning the dead row versions it meets), and plans made while the table was a few rows
    (the bench made it just now) are still in use."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE scanning_feed")
        else:
            cursor.execute("ANALYZE scanning_feed")


if __name__ == "__main__":
    main()
