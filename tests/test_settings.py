"""Settings come from the environment: each case runs manage.py with exactly the env it names."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def manage(tmp_path):
    """manage(*args, **env) → the finished process, run with only the variables given.

    Nothing leaks in from the caller's environment (CI sets DATABASE_URL and REDIS_URL), and
    SQLite lives in a temporary folder, never in the working copy's db.sqlite3.
    """

    def run(*args: str, **env: str) -> subprocess.CompletedProcess:
        base = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(tmp_path),
            "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO_ROOT,
            env={**base, **env},
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )

    return run


def production_env(**overrides: str) -> dict[str, str]:
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "spaning.example",
        **overrides,
    }


def test_production_without_secret_key_refuses_to_start(manage):
    env = production_env()
    del env["SECRET_KEY"]

    result = manage("check", **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start(manage):
    result = manage("check", **production_env(ALLOWED_HOSTS=""))

    assert result.returncode != 0
    assert "ImproperlyConfigured: ALLOWED_HOSTS must be set" in result.stderr


HSTS_ALL_ON = {"SECURE_HSTS_INCLUDE_SUBDOMAINS": "1", "SECURE_HSTS_PRELOAD": "1"}


def test_full_production_env_passes_the_deploy_check_without_warnings(manage):
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production_env(**HSTS_ALL_ON))

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert result.stderr == ""


@pytest.mark.parametrize(
    "hsts, silenced",
    [
        # The default: only the two warnings about the HSTS options left off are silenced.
        ({}, 2),
        ({"SECURE_HSTS_INCLUDE_SUBDOMAINS": "1"}, 1),
        ({"SECURE_HSTS_INCLUDE_SUBDOMAINS": "0", "SECURE_HSTS_PRELOAD": "0"}, 2),
    ],
)
def test_hsts_options_left_off_keep_the_deploy_check_silent(manage, hsts, silenced):
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production_env(**hsts))

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == f"System check identified no issues ({silenced} silenced)."
    assert result.stderr == ""


SHOW_HSTS = (
    "import warnings; warnings.simplefilter('ignore'); from django.test import Client; "
    "print(Client().get('/healthz/', secure=True, HTTP_HOST='spaning.example')"
    ".headers['Strict-Transport-Security'])"
)


@pytest.mark.parametrize(
    "hsts, header",
    [
        # A municipality's shared domain: HSTS for this host only, unless asked for more.
        ({}, "max-age=31536000"),
        ({"SECURE_HSTS_INCLUDE_SUBDOMAINS": "1"}, "max-age=31536000; includeSubDomains"),
        (HSTS_ALL_ON, "max-age=31536000; includeSubDomains; preload"),
    ],
)
def test_hsts_covers_subdomains_and_preload_only_when_asked(manage, hsts, header):
    result = manage("shell", "--no-imports", "-c", SHOW_HSTS, **production_env(**hsts))

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == header


def test_hsts_preload_without_subdomains_refuses_to_start(manage):
    result = manage("check", **production_env(SECURE_HSTS_PRELOAD="1"))

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECURE_HSTS_PRELOAD=1 needs SECURE_HSTS_INCLUDE_SUBDOMAINS" in (
        result.stderr
    )


def test_scripts_cannot_read_the_csrf_cookie(client):
    """htmx sends the token from hx-headers on <body>; no script needs the cookie."""
    response = client.get(reverse("login"))

    assert response.cookies["csrftoken"]["httponly"] is True


def test_a_malformed_boolean_names_the_variable(manage):
    result = manage("check", DEBUG="ja")

    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG must be one of" in result.stderr
    assert "'ja'" in result.stderr


def test_a_malformed_number_names_the_variable(manage):
    result = manage("check", **production_env(PROXY_COUNT="two"))

    assert result.returncode != 0
    assert "ImproperlyConfigured: PROXY_COUNT must be a whole number" in result.stderr


def test_private_hosts_for_fetching_are_exact_host_port_pairs(manage):
    show = "from django.conf import settings; print(settings.FETCH_ALLOW_PRIVATE_HOSTS)"
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        show,
        FETCH_ALLOW_PRIVATE_HOSTS="Intranet.Kommun.se:443, 10.0.0.5:8080,[fd00:0::5]:80",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ("['intranet.kommun.se:443', '10.0.0.5:8080', '[fd00::5]:80']")

    result = manage("check", FETCH_ALLOW_PRIVATE_HOSTS="intranet.kommun.se")
    assert result.returncode != 0
    assert "ImproperlyConfigured: FETCH_ALLOW_PRIVATE_HOSTS must be comma-separated host:port" in (
        result.stderr
    )


SHOW_RUNTIME = (
    "from django.conf import settings; from django.db import connection; "
    "cursor = connection.cursor(); cursor.execute('PRAGMA journal_mode'); "
    "print(connection.vendor, cursor.fetchone()[0], settings.CELERY_TASK_ALWAYS_EAGER, "
    "settings.CELERY_BROKER_URL)"
)


def test_default_env_is_sqlite_with_wal_and_eager_celery(manage):
    result = manage("shell", "--no-imports", "-c", SHOW_RUNTIME)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["sqlite", "wal", "True", "memory://"]


def test_redis_url_sends_tasks_to_the_broker(manage):
    result = manage(
        "shell", "--no-imports", "-c", SHOW_RUNTIME, REDIS_URL="redis://127.0.0.1:6379/5"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[2:] == ["False", "redis://127.0.0.1:6379/5"]


def test_login_page_has_a_csp_without_inline_scripts(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    directives = {
        name: values
        for name, _, values in (part.strip().partition(" ") for part in policy.split(";"))
    }
    assert "'self'" in directives["script-src"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'"
