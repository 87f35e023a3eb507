"""Login throttling behind reverse proxies: whose address a failed login counts against.

Each test builds the settings module afresh from ``PROXY_COUNT`` (as a deployment would) and
applies its client-address settings; django-axes reads them at every login. The test client
always connects from 127.0.0.1, which plays the proxy: behind compose every request arrives
from the proxy's one address.
"""

import importlib.util
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from .test_auth import PASSWORD

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "config" / "settings.py"
CLIENT_ADDRESS_SETTINGS = [
    "PROXY_COUNT",
    "AXES_IPWARE_PROXY_ORDER",
    "AXES_IPWARE_PROXY_COUNT",
    "AXES_IPWARE_META_PRECEDENCE_ORDER",
    "IPWARE_STRICT",
]
ANNA = "81.224.10.1"  # two people at home, behind the same proxy
BERTIL = "81.224.10.2"


def settings_module(monkeypatch, proxy_count: str):
    """The settings module as it reads with PROXY_COUNT set (the loaded one is not touched)."""
    monkeypatch.setenv("PROXY_COUNT", proxy_count)
    spec = importlib.util.spec_from_file_location("settings_under_test", SETTINGS_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def behind_proxies(settings, monkeypatch):
    def configure(proxy_count: int):
        module = settings_module(monkeypatch, str(proxy_count))
        for name in CLIENT_ADDRESS_SETTINGS:
            setattr(settings, name, getattr(module, name))
        settings.AXES_ENABLED = True
        settings.AXES_FAILURE_LIMIT = 5

    return configure


def log_in(client, username, password=PASSWORD, *, forwarded_for=None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, headers=headers
    )


def fail_five_times(client, username, forwarded_for):
    """Five wrong passwords; ``forwarded_for(attempt)`` is the header each one arrives with."""
    statuses = [
        log_in(client, username, password="guess", forwarded_for=forwarded_for(attempt)).status_code
        for attempt in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]


def test_behind_one_proxy_a_lockout_holds_only_the_address_it_came_from(
    client, members, behind_proxies
):
    """Someone guessing a colleague's password from one address does not lock the colleague
    out everywhere: the proxy's X-Forwarded-For tells the two apart."""
    behind_proxies(1)
    username = members["scanner"].username
    fail_five_times(client, username, lambda attempt: ANNA)

    assert log_in(client, username, forwarded_for=ANNA).status_code == 429
    response = log_in(client, username, forwarded_for=BERTIL)
    assert response.status_code == 302
    assert response.url == "/"


def test_behind_one_proxy_a_forged_header_does_not_dodge_the_lockout(
    client, members, behind_proxies
):
    """The proxy appends the address it saw; what the client wrote before it is ignored."""
    behind_proxies(1)
    username = members["scanner"].username
    fail_five_times(client, username, lambda attempt: f"10.9.9.{attempt}, {ANNA}")

    response = log_in(client, username, forwarded_for=f"203.0.113.50, not-an-ip, {ANNA}")
    assert response.status_code == 429


def test_behind_two_proxies_the_client_is_the_address_the_outer_proxy_saw(
    client, members, behind_proxies
):
    """X-Forwarded-For: <whatever the client wrote>, <client>, <outer proxy>."""
    behind_proxies(2)
    username = members["scanner"].username
    outer_proxy = "10.0.0.5"
    fail_five_times(client, username, lambda attempt: f"192.0.2.{attempt}, {ANNA}, {outer_proxy}")

    locked = log_in(client, username, forwarded_for=f"{ANNA}, {outer_proxy}")
    assert locked.status_code == 429
    other = log_in(client, username, forwarded_for=f"{ANNA}, {BERTIL}, {outer_proxy}")
    assert other.status_code == 302


def test_without_a_proxy_the_header_is_never_trusted(client, members, behind_proxies):
    """PROXY_COUNT=0: anyone can write X-Forwarded-For, so only the connection's address
    counts, and a new made-up header on every attempt changes nothing."""
    behind_proxies(0)
    username = members["scanner"].username
    fail_five_times(client, username, lambda attempt: f"81.224.20.{attempt}")

    assert log_in(client, username, forwarded_for=BERTIL).status_code == 429
    assert log_in(client, username).status_code == 429


def test_a_negative_proxy_count_stops_start_up(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="PROXY_COUNT must be 0 or more"):
        settings_module(monkeypatch, "-1")
