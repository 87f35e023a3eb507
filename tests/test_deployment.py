"""docker-compose.yml: what is published, and the health checks that run in the containers."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

COMPOSE = (Path(__file__).resolve().parent.parent / "docker-compose.yml").read_text()


def service(name: str) -> str:
    """The text of one service of docker-compose.yml (services are indented by two spaces)."""
    match = re.search(rf"^  {name}:\n(.*?)(?=^  \S|^\S|\Z)", COMPOSE, re.M | re.S)
    assert match, f"no service {name!r}"
    return match.group(1)


def folded_healthcheck(name: str) -> str:
    """The Python of a service's `python -c` health check (a YAML `>-` block, one line)."""
    text = service(name)
    lines = text[text.index("healthcheck:") :].split(">-\n", 1)[1].splitlines()
    indent = len(lines[0]) - len(lines[0].lstrip())
    block = []
    for line in lines:
        if len(line) - len(line.lstrip()) < indent:
            break
        block.append(line.strip())
    return " ".join(block)


def test_web_is_published_on_the_loopback_interface_only():
    """web trusts X-Forwarded-* from the proxy: nothing may reach it around the proxy."""
    published = []
    for line in service("web").split("ports:\n", 1)[1].splitlines():
        if not line.strip().startswith("- "):
            break
        published.append(line.strip()[2:].strip('"'))
    assert published == ["127.0.0.1:${WEB_PORT:-8000}:8000"]
    assert "ports:" not in "".join(service(s) for s in ("worker", "beat", "db", "redis"))


@pytest.mark.parametrize(
    "files, age_hours, healthy",
    [
        (["celerybeat-schedule"], 0, True),  # dbm.gnu: one file
        (["celerybeat-schedule.dat", "celerybeat-schedule.dir"], 1, True),  # dbm.dumb
        (["celerybeat-schedule"], 26, False),  # beat stopped sending a day ago
        ([], 0, False),  # beat never started
    ],
)
def test_beat_is_unhealthy_when_its_schedule_file_goes_stale(tmp_path, files, age_hours, healthy):
    check = folded_healthcheck("beat")
    assert "/var/lib/spaning/beat/" in check
    then = time.time() - age_hours * 3600
    for name in files:
        (tmp_path / name).write_bytes(b"")
        os.utime(tmp_path / name, (then, then))
    result = subprocess.run(
        [sys.executable, "-c", check.replace("/var/lib/spaning/beat/", f"{tmp_path}/")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.stderr == ""
    assert (result.returncode == 0) == healthy
