"""The `services` tier: tests that need a real Redis and a real Celery worker.

Plain `make test` has no REDIS_URL, so these tests are deselected (not skipped: there is nothing
to report about them). With REDIS_URL set they run, and a Redis that does not answer or a worker
that does not start is a failure, never a skip. Services tests live in this folder, next to the
worker fixture they use.

Under pytest-xdist (`make test`) all the tests in this folder run in one xdist process (see
pytest_xdist_make_scheduler in tests/conftest.py), so the Celery worker below is started once
for the whole run, not once per xdist process.
"""

import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
WORKER_START_TIMEOUT = 60  # seconds; a cold worker on a busy 2-core CI box takes a few.


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


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker):
    """A real `celery -A config worker` on the test database; started once, stopped at the end.

    Yields the worker's node name. While it runs, tasks sent with .delay() go to a queue that
    only this worker reads. The worker gets the test database's name from the live
    connection, so it reads and writes the very rows the tests commit.
    """
    from django.db import connection

    from config.celery import app

    redis_url = os.environ["REDIS_URL"]
    _check_redis(redis_url)
    with django_db_blocker.unblock():
        database_url = _database_url(connection.settings_dict)

    # A queue of its own: a developer's worker on the same Redis, or a parallel run, never
    # takes this session's tasks (and this worker never takes theirs).
    name = f"spaning-test-{uuid.uuid4().hex[:8]}"
    nodename = f"{name}@%h"
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = name
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "DEBUG": "1"}
    log = tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log", delete=False)  # noqa: SIM115
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker",
        "--pool=solo", "--concurrency=1", "--loglevel=INFO",
        f"--hostname={nodename}", f"--queues={name}",
        "--without-heartbeat", "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )

    def worker_output() -> str:
        return Path(log.name).read_text(errors="replace")[-4000:]

    try:
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"The Celery worker exited with {process.returncode}:\n{worker_output()}"
                )
            replies = app.control.ping(timeout=1.0)
            if any(node.startswith(f"{name}@") for reply in replies for node in reply):
                break
            if time.monotonic() > deadline:
                pytest.fail(
                    f"The Celery worker did not answer a ping within {WORKER_START_TIMEOUT} s:\n"
                    f"{worker_output()}"
                )
        yield nodename
    finally:
        app.conf.task_default_queue = default_queue
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()
        os.unlink(log.name)
