"""The `services` tier: tests that need a real Redis and a real Celery worker.

Plain `make test` has no REDIS_URL, so these tests are deselected (not skipped: there is nothing
to report about them). With REDIS_URL set they run, and a Redis that does not answer or a worker
that does not start is a failure, never a skip. Services tests live in this folder, next to the
worker fixture they use.

The workers fetch from one page server for the session (`services_page_server`), started
before them: its host:port is the one private address their fetches may reach. Besides the
session's worker (`celery_worker`), a test can start workers of its own (`start_worker`: another
pool, a queue of its own, killed with SIGKILL if it likes).

Under pytest-xdist (`make test`) all the tests in this folder run in one xdist process (see
pytest_xdist_make_scheduler in tests/conftest.py), so the Celery worker below is started once
for the whole run, not once per xdist process.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.pageserver import PageServer

REPO_ROOT = Path(__file__).resolve().parents[2]
WORKER_START_TIMEOUT = 60  # seconds; a cold worker on a busy 2-core CI box takes a few.
# The workers' lease and dispatch grace (SCANNING_LEASE_SECONDS, SCANNING_DISPATCH_GRACE_SECONDS):
# short, so a test sees a killed worker's feed polled again within seconds.
WORKER_LEASE_SECONDS = 3
WORKER_DISPATCH_GRACE_SECONDS = 3


def pytest_collection_modifyitems(config, items):
    if os.environ.get("REDIS_URL"):
        return
    selected, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker("services") else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


def pytest_report_header(config):
    if os.environ.get("REDIS_URL"):
        return "services tests: on (REDIS_URL is set)"
    return "services tests: deselected (set REDIS_URL to run them against Redis and a worker)"


def _database_url(settings_dict: dict) -> str:
    """The test database as a DATABASE_URL a separate process can open."""
    engine = settings_dict["ENGINE"]
    if not engine.endswith("postgresql"):
        pytest.fail(
            f"Services tests need a database a Celery worker process can share; {engine} test "
            "databases live in this process's memory. Set DATABASE_URL to PostgreSQL, e.g. "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/spaning"
        )
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(settings_dict['NAME'], safe='')}"


def _check_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.fail(f"REDIS_URL={url} is set but Redis does not answer: {exc}")


class Worker:
    """A `celery -A config worker` process of our own, reading one queue of its own.

    Started in a session of its own, so ``kill()`` reaches the pool's child processes too, as
    the machine's OOM killer or a pulled plug would."""

    def __init__(self, *, queue: str, env: dict, pool: str, concurrency: int):
        from config.celery import app

        self.queue = queue
        self.nodename = f"{queue}@{socket.gethostname()}"
        self._log = tempfile.NamedTemporaryFile(  # noqa: SIM115
            prefix="celery-worker-", suffix=".log", delete=False
        )
        command = [
            sys.executable, "-m", "celery", "-A", "config", "worker",
            f"--pool={pool}", f"--concurrency={concurrency}", "--loglevel=INFO",
            f"--hostname={self.nodename}", f"--queues={queue}",
            "--without-heartbeat", "--without-gossip", "--without-mingle",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            # The tasks its tasks send (the dispatcher's polls) come back to this worker.
            env={**env, "CELERY_TASK_DEFAULT_QUEUE": queue},
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + WORKER_START_TIMEOUT
            while not app.control.ping(destination=[self.nodename], timeout=1.0):
                if self.process.poll() is not None:
                    pytest.fail(
                        f"The Celery worker exited with {self.process.returncode}:\n{self.output()}"
                    )
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"The Celery worker did not answer a ping within "
                        f"{WORKER_START_TIMEOUT} s:\n{self.output()}"
                    )
        except BaseException:
            self.stop()
            raise

    def output(self, *, whole: bool = False) -> str:
        """The end of the worker's log (for a failure message), or all of it."""
        text = Path(self._log.name).read_text(errors="replace")
        return text if whole else text[-4000:]

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes at once: no task is acknowledged or put
        back, no transaction committed."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=15)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # any pool process left behind
        self._log.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._log.name)


def queue_name() -> str:
    """A queue of its own: a developer's worker on the same Redis, or a parallel run, never
    takes this session's tasks (and this session's workers never take theirs)."""
    return f"spaning-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session")
def services_page_server():
    """A web server on 127.0.0.1 for the whole services session, started before the workers:
    its host:port is the one private address the workers' fetches may reach. Each test serves
    its feeds at paths of its own."""
    server = PageServer()
    yield server
    server.close()


@pytest.fixture(scope="session")
def worker_environment(django_db_setup, django_db_blocker, services_page_server) -> dict:
    """The environment a worker of this session runs in: the test database, the test Redis,
    the page server, and a lease and dispatch grace of a few seconds, so a feed whose worker
    was killed is polled again within the test."""
    from django.db import connection

    redis_url = os.environ["REDIS_URL"]
    _check_redis(redis_url)
    with django_db_blocker.unblock():
        database_url = _database_url(connection.settings_dict)
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DEBUG": "1",
        "FETCH_ALLOW_PRIVATE_HOSTS": services_page_server.host_port,
        "SCANNING_LEASE_SECONDS": str(WORKER_LEASE_SECONDS),
        "SCANNING_DISPATCH_GRACE_SECONDS": str(WORKER_DISPATCH_GRACE_SECONDS),
    }


@pytest.fixture(scope="session")
def celery_worker(worker_environment):
    """A real `celery -A config worker` on the test database; started once, stopped at the end.

    Yields the worker's node name. While it runs, tasks sent with .delay() go to a queue that
    only this worker reads. The worker gets the test database's name from the live
    connection, so it reads and writes the very rows the tests commit.
    """
    from config.celery import app

    name = queue_name()
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = name
    worker = Worker(queue=name, env=worker_environment, pool="solo", concurrency=1)
    try:
        yield worker.nodename
    finally:
        app.conf.task_default_queue = default_queue
        worker.stop()


@pytest.fixture
def start_worker(worker_environment):
    """start_worker(pool=…, concurrency=…, queue=…, env=…) → a Worker of this test's own (a
    queue of its own unless given; ``env``: settings of its own), stopped at the end of the
    test. Send it tasks with ``task.apply_async(…, queue=worker.queue)``."""
    started: list[Worker] = []

    def start(
        *,
        pool: str = "prefork",
        concurrency: int = 1,
        queue: str | None = None,
        env: dict | None = None,
    ):
        worker = Worker(
            queue=queue or queue_name(),
            env={**worker_environment, **(env or {})},
            pool=pool,
            concurrency=concurrency,
        )
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
