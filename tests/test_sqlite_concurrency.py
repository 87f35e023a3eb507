"""The embedded default: the web process and an in-process or separate worker write to one
SQLite file at the same time without "database is locked" (WAL and IMMEDIATE transactions)."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)

WRITER = """
import django, sys
django.setup()
from django.db import transaction
from organizations.models import Organization
from signals.models import Area
name = sys.argv[1]
for i in range(150):
    with transaction.atomic():
        # Read first, then write: the pattern that upgrades a shared lock and fails without
        # IMMEDIATE transactions.
        count = Organization.objects.count()
        org = Organization.objects.create(
            slug=f"{name}-{i}", name=f"{name} {i}", perspective_name=name
        )
        Area.objects.create(organization=org, name=f"Area {count}")
"""


def _env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONPATH=str(BASE_DIR),
    )
    return env


def test_two_processes_writing_at_once_both_succeed(tmp_path):
    env = _env(tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True
    )
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, name],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("web", "worker")
    ]
    results = [writer.communicate(timeout=120) for writer in writers]
    for writer, (_out, err) in zip(writers, results, strict=True):
        assert writer.returncode == 0, err[-2000:]
        assert "database is locked" not in err

    count = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from organizations.models import Organization;"
            " print(Organization.objects.count())",
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert count.stdout.strip() == "300"
