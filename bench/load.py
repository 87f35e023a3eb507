"""Load benchmark: 50 people browsing the register at once, against gunicorn in production
settings, over 100,000 signals.

    .venv/bin/python bench/load.py                             # SQLite, a temporary file
    DATABASE_URL=postgres://…/spaning .venv/bin/python bench/load.py   # PostgreSQL

Uses a throwaway database of its own, filled as bench/signals_list.py fills it (same
BENCH_SIGNALS). Then starts gunicorn on 127.0.0.1 (a free port; LOAD_WORKERS sync workers,
default 3) with DEBUG off and collected static files, and logs every simulated person in
beforehand (a session each, without a password hash, which costs ~300 ms of CPU by design and
is not what is measured). For LOAD_SECONDS (default 60) LOAD_USERS people (default 50, half
scanners, half management) each click, wait 0.5–2 s and click again, over: the start page,
the list, a filter or a level (htmx), a search (htmx), another page (htmx; now and then a deep
one) and a signal's page. The last line is the result:

    load: 1890 requests in 60s (31.5/s), median=18.0ms p95=95.0ms, errors=0

Not part of the test suite. Everything it starts it stops, and it talks to 127.0.0.1 only.
"""

import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(ROOT))

from signals_list import COMMON_WORD, SEARCH_WORD, log, p95, populate, setup_database  # noqa: E402

USERS = int(os.environ.get("LOAD_USERS", "50"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
WORKERS = int(os.environ.get("LOAD_WORKERS", "3"))
THINK = (0.5, 2.0)
WORDS = [COMMON_WORD, SEARCH_WORD, "hemtjänst", "bygglov", "göteborg", "energiplan", "skr"]
PAGES = [2, 2, 2, 3, 3, 4, 5, 10, 40, 3000]
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def production_environment(static_root: str, settings_dir: str) -> None:
    """Production settings for this process and gunicorn: DEBUG off, collected static files
    (a settings module of our own, in a temporary folder, only moves STATIC_ROOT there)."""
    Path(settings_dir, "bench_load_settings.py").write_text(
        f"from config.settings import *  # noqa: F403\nSTATIC_ROOT = {static_root!r}\n"
    )
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench_load_settings",
            "PYTHONPATH": os.pathsep.join([settings_dir, str(ROOT.parent)]),
            "DEBUG": "0",
            "SECRET_KEY": "bench-load-" + "x" * 50,
            "ALLOWED_HOSTS": HOST,
            # Plain HTTP on 127.0.0.1: no TLS in front to redirect to.
            "SECURE_SSL_REDIRECT": "0",
            "AXES_ENABLED": "0",
        }
    )
    sys.path.insert(0, settings_dir)


class Person(threading.Thread):
    def __init__(self, port, slug, cookie, areas, signal_ids, deadline, rng):
        super().__init__(daemon=True)
        self.port, self.slug, self.cookie = port, slug, cookie
        self.areas, self.signal_ids = areas, signal_ids
        self.deadline, self.rng = deadline, rng
        self.times: list[float] = []
        self.errors: list[str] = []

    def get(self, path: str, params: dict | None = None, htmx: bool = False) -> None:
        url = path + ("?" + urlencode(params) if params else "")
        headers = {"Cookie": f"sessionid={self.cookie}", "Host": HOST}
        if htmx:
            headers["HX-Request"] = "true"
        started = time.perf_counter()
        try:
            connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
            connection.request("GET", url, headers=headers)
            response = connection.getresponse()
            response.read()
            connection.close()
        except OSError as exc:
            self.errors.append(f"{url}: {exc}")
            return
        self.times.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            self.errors.append(f"{url}: {response.status}")

    def click(self) -> None:
        rng = self.rng
        base = f"/{self.slug}/signals/"
        choice = rng.choices(
            ["start", "list", "filter", "search", "page", "detail"], [10, 20, 20, 15, 15, 20]
        )[0]
        if choice == "start":
            self.get(f"/{self.slug}/")
        elif choice == "list":
            self.get(base)
        elif choice == "filter":
            params = {"level": rng.choice(["", "inner", "near", "outer"])}
            if rng.random() < 0.6:
                params["area"] = rng.choice(self.areas)
            if rng.random() < 0.3:
                params["sort"] = rng.choice(["title", "oldest", "impact"])
            self.get(base, params, htmx=True)
        elif choice == "search":
            self.get(base, {"q": rng.choice(WORDS)}, htmx=True)
        elif choice == "page":
            self.get(base, {"page": rng.choice(PAGES)}, htmx=True)
        else:
            self.get(f"{base}{rng.choice(self.signal_ids)}/")

    def run(self) -> None:
        # Not everyone starts at the same instant.
        time.sleep(self.rng.uniform(0, THINK[1]))
        while time.monotonic() < self.deadline:
            self.click()
            time.sleep(self.rng.uniform(*THINK))


def wait_until_up(port: int, server: subprocess.Popen) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit("gunicorn did not start")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/healthz/", headers={"Host": HOST})
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz/")


def main() -> None:
    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers")
    cleanup = setup_database()
    folder = tempfile.TemporaryDirectory(prefix="spaning-load-")
    production_environment(str(Path(folder.name) / "static"), folder.name)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from organizations.roles import Role
    from signals.models import Signal, Status

    server = None
    try:
        log(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})")
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        call_command("collectstatic", verbosity=0, interactive=False)
        rng = random.Random(20250302)
        organization, users, areas = populate(rng)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        logged = list(
            Signal.objects.filter(organization=organization, status=Status.LOGGED)
            .order_by("?")
            .values_list("pk", flat=True)[:2000]
        )
        sessions = []
        for n in range(USERS):
            role = Role.SCANNER if n % 2 == 0 else Role.MANAGEMENT
            client = Client()
            client.force_login(users[role])
            sessions.append(client.cookies["sessionid"].value)
        connection.close()
        log(f"Data and {USERS} sessions ready in {time.perf_counter() - started:.0f}s")

        port = free_port()
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                str(WORKERS),
                "--log-level",
                "warning",
            ],
            cwd=ROOT.parent,
        )
        wait_until_up(port, server)
        deadline = time.monotonic() + SECONDS
        people = [
            Person(
                port,
                organization.slug,
                cookie,
                [area.pk for area in areas],
                logged,
                deadline,
                random.Random(n),
            )
            for n, cookie in enumerate(sessions)
        ]
        timed_from = time.monotonic()
        for person in people:
            person.start()
        for person in people:
            person.join()
        elapsed = time.monotonic() - timed_from
        times = [t for person in people for t in person.times]
        errors = [e for person in people for e in person.errors]
        for error in errors[:10]:
            log(f"  error: {error}")
        log(f"{USERS} users, {WORKERS} gunicorn workers, {connection.vendor}")
        log(
            f"load: {len(times)} requests in {elapsed:.0f}s ({len(times) / elapsed:.1f}/s), "
            f"median={statistics.median(times):.1f}ms p95={p95(times):.1f}ms, "
            f"errors={len(errors)}"
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        cleanup()
        folder.cleanup()


if __name__ == "__main__":
    main()
