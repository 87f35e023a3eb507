"""Benchmark: polling 2,000 feeds with the real dispatcher and a real Celery worker.

    REDIS_URL=redis://127.0.0.1:6379/0 DATABASE_URL=postgres://…/spaning \
        .venv/bin/python bench/poll.py                   # PostgreSQL
    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/poll.py   # SQLite, a temporary file
    … bench/poll.py --sqlite                             # SQLite even with DATABASE_URL set

Needs Redis (REDIS_URL): the polls go through the broker as in production, on a queue of this
run's own. Works on a throwaway database as bench/signals_list.py does (PostgreSQL: the URL's
database name + "_bench", created and dropped here; SQLite: a temporary file, which the worker's
processes share). BENCH_FEEDS feeds (default 2,000) are served from 127.0.0.1 by a server in a
process of its own (threads; not the bottleneck), and followed by three organisations:

    most    an ETag; the same ETag sent back gets 304 Not Modified
    fresh   (1 in 10) two new entries at every request, under a new ETag
    slow    (1 in 50) answer after 2 s
    failing (1 in 100) 500 Internal Server Error
    hanging (1 in 400) no answer within the fetch timeout (BENCH_FETCH_TIMEOUT, default 10 s)

One `celery worker` (prefork, BENCH_POLL_CONCURRENCY processes, default 6: polls mostly wait
on the network, so more processes than this machine's 2 cores) serves the run. Each round
sends `dispatch_due_feeds` through Redis once and times from then until every feed has been
polled. Round 1 is every feed's first poll (a full body; entries stored and placed in the
queues); then every feed is made due again and round 2 is the steady state, where most feeds
answer 304. The last line is the steady-state figure:

    poll: 41.0 feeds/s (target >= 5.6)

Not part of the test suite. Everything it starts it stops, and it talks to 127.0.0.1 only.
"""

import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(ROOT))

from signals_list import log, setup_database  # noqa: E402

N_FEEDS = int(os.environ.get("BENCH_FEEDS", "2000"))
CONCURRENCY = int(os.environ.get("BENCH_POLL_CONCURRENCY", "6"))
FETCH_TIMEOUT = int(os.environ.get("BENCH_FETCH_TIMEOUT", "10"))
TARGET = 5.6  # feeds/s
ROUND_TIMEOUT = 900  # seconds; a round slower than this is a failure, not a figure
ENTRIES_PER_FEED = 10
SLOW_SECONDS = 2
HOST = "127.0.0.1"


# --- the feeds' server ----------------------------------------------------------------------


def kind_of(n: int) -> str:
    """What feed number n does; spread over the numbers so every kind is dispatched early
    and late."""
    if n % 400 == 7:
        return "hanging"
    if n % 100 == 3:
        return "failing"
    if n % 50 == 1:
        return "slow"
    if n % 10 == 5:
        return "fresh"
    return "most"


def feed_body(n: int, first: int) -> bytes:
    now = datetime.now(UTC)
    items = "".join(
        f"<item><title>Flöde {n}: nyhet {k} om kommunens omvärld</title>"
        f"<link>https://feeds.example/{n}/{k}</link><guid>feed-{n}-{k}</guid>"
        f"<description>&lt;p&gt;Nyhet {k} om välfärd, skola och klimat.&lt;/p&gt;</description>"
        f"<pubDate>{format_datetime(now - timedelta(hours=k % 200))}</pubDate></item>"
        for k in range(first, first + ENTRIES_PER_FEED)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Flöde {n}</title><link>https://feeds.example/{n}/</link>{items}"
        "</channel></rss>"
    ).encode()


class FeedHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    requests_seen: dict[int, int] = {}
    lock = threading.Lock()

    def do_GET(self):
        try:
            n = int(self.path.removeprefix("/feed/").removesuffix(".xml"))
        except ValueError:
            return self._send(404, b"", {})
        with self.lock:
            seen = self.requests_seen.get(n, 0)
            self.requests_seen[n] = seen + 1
        kind = kind_of(n)
        if kind == "hanging":
            time.sleep(FETCH_TIMEOUT + 5)
            return None
        if kind == "slow":
            time.sleep(SLOW_SECONDS)
        if kind == "failing":
            return self._send(500, b"Internal Server Error", {})
        # A fresh feed has two new entries at every request; the others never change.
        etag = f'"{n}-{seen}"' if kind == "fresh" else f'"{n}"'
        if self.headers.get("If-None-Match") == etag:
            return self._send(304, b"", {"ETag": etag})
        body = feed_body(n, first=2 * seen if kind == "fresh" else 0)
        return self._send(200, body, {"ETag": etag, "Content-Type": "application/rss+xml"})

    def _send(self, status: int, body: bytes, headers: dict) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def log_message(self, *args):
        pass


def serve_feeds(ready) -> None:
    server = ThreadingHTTPServer((HOST, 0), FeedHandler)
    server.daemon_threads = True
    server.request_queue_size = 256
    ready.send(server.server_address[1])
    server.serve_forever()


def start_feed_server() -> tuple[multiprocessing.Process, int]:
    # A process of its own: the server's threads never wait for this process's GIL.
    receive, send = multiprocessing.Pipe(duplex=False)
    process = multiprocessing.Process(target=serve_feeds, args=(send,), daemon=True)
    process.start()
    return process, receive.recv()


# --- the worker -------------------------------------------------------------------------------


def start_worker(queue: str, env: dict) -> tuple[subprocess.Popen, tempfile.NamedTemporaryFile]:
    from config.celery import app

    nodename = f"{queue}@{socket.gethostname()}"
    output = tempfile.NamedTemporaryFile(prefix="bench-poll-worker-", suffix=".log")  # noqa: SIM115
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker",
        "--pool=prefork", f"--concurrency={CONCURRENCY}", "--loglevel=WARNING",
        f"--hostname={nodename}", f"--queues={queue}",
        "--without-heartbeat", "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    worker = subprocess.Popen(
        command,
        cwd=ROOT.parent,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not app.control.ping(destination=[nodename], timeout=1.0):
        if worker.poll() is not None or time.monotonic() > deadline:
            worker.kill()
            raise SystemExit("The Celery worker did not start:\n" + Path(output.name).read_text())
    return worker, output


# --- a round ----------------------------------------------------------------------------------


def run_round(name: str, queue: str) -> float:
    """Dispatch once through the broker; wait until every feed is polled. Returns seconds."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from scanning.models import Feed
    from scanning.tasks import dispatch_due_feeds

    started_at = timezone.now()
    started = time.perf_counter()
    dispatch_due_feeds.apply_async(queue=queue)
    deadline = started + ROUND_TIMEOUT
    last_report = started
    while True:
        done = Feed.objects.filter(last_polled_at__gte=started_at).count()
        if done == N_FEEDS:
            break
        now = time.perf_counter()
        if now > deadline:
            raise SystemExit(f"{name}: only {done} of {N_FEEDS} feeds polled in {ROUND_TIMEOUT}s")
        if now - last_report >= 10:
            log(f"  {name}: {done} polled after {now - started:.0f}s")
            last_report = now
        time.sleep(0.1)
    elapsed = time.perf_counter() - started
    outcome = Feed.objects.filter(last_polled_at__gte=started_at).aggregate(
        failed=Count("pk", filter=Q(last_error_at__gte=started_at)),
        new=Count("pk", filter=Q(last_new_entry_at__gte=started_at)),
    )
    log(
        f"{name}: {N_FEEDS} feeds in {elapsed:.1f}s = {N_FEEDS / elapsed:.1f} feeds/s "
        f"({outcome['new']} with new entries, {outcome['failed']} failed)"
    )
    # Why they failed, in words, as each feed's health says it: the failing and hanging feeds'
    # errors are expected, anything else is not.
    errors = (
        Feed.objects.filter(last_error_at__gte=started_at)
        .values("last_error")
        .annotate(feeds=Count("pk"))
        .order_by("-feeds")
    )
    for error in errors:
        log(f"    {error['feeds']} × {error['last_error'][:150]}")
    return elapsed


def seed(base_url: str) -> None:
    from django.utils import timezone

    from organizations.models import Organization
    from scanning.models import Feed, Subscription

    now = timezone.now()
    feeds = Feed.objects.bulk_create(
        # Due since a while, in an order unrelated to the kinds.
        Feed(
            url=f"{base_url}/feed/{n}.xml", next_poll_at=now - timedelta(seconds=(n * 7919) % 3600)
        )
        for n in range(N_FEEDS)
    )
    organizations = [
        Organization.objects.create(slug=f"bench-{n}", name=f"Benchkommun {n}", perspective_name="")
        for n in range(3)
    ]
    # One organisation follows every feed, two follow one feed in two and one in three: a feed's
    # entries go to one to three queues.
    Subscription.objects.bulk_create(
        Subscription(organization=organization, feed=feed, name=f"Flöde {n}")
        for n, feed in enumerate(feeds)
        for m, organization in enumerate(organizations)
        if m == 0 or n % (m + 1) == 0
    )


def main() -> None:
    if not os.environ.get("REDIS_URL"):
        raise SystemExit(
            "bench/poll.py needs Redis: set REDIS_URL (e.g. REDIS_URL=redis://127.0.0.1:6379/0); "
            "the polls go through the broker to a real Celery worker."
        )
    if "--sqlite" in sys.argv[1:]:
        os.environ.pop("DATABASE_URL", None)
    cleanup = setup_database()
    feed_server, port = start_feed_server()
    queue = f"spaning-bench-{uuid.uuid4().hex[:8]}"
    # The worker's settings: production's, but this run's database, feeds and queue.
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "SECRET_KEY": "bench-poll-" + "x" * 50,
            "ALLOWED_HOSTS": HOST,
            "FETCH_ALLOW_PRIVATE_HOSTS": f"{HOST}:{port}",
            "SCANNING_FETCH_TIMEOUT": str(FETCH_TIMEOUT),
            # The dispatcher inside the worker sends its polls to this run's queue.
            "CELERY_TASK_DEFAULT_QUEUE": queue,
        }
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from scanning.models import Entry, Feed, TriageItem

    worker = output = None
    try:
        log(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})")
        call_command("migrate", verbosity=0)
        seed(f"http://{HOST}:{port}")
        connection.close()  # the worker's processes must not inherit an open connection
        worker, output = start_worker(queue, dict(os.environ))
        log(f"{N_FEEDS} feeds; worker: prefork, {CONCURRENCY} processes; {connection.vendor}")

        run_round("round 1 (first poll, full bodies)", queue)
        log(f"  stored {Entry.objects.count()} entries, {TriageItem.objects.count()} items")
        # Every feed due again now: the steady state, where most answer 304.
        Feed.objects.update(next_poll_at=timezone.now())
        steady = run_round("round 2 (steady state, mostly 304)", queue)
        log(f"poll: {N_FEEDS / steady:.1f} feeds/s (target >= {TARGET})")
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
            output.close()
        feed_server.terminate()
        cleanup()


if __name__ == "__main__":
    main()
