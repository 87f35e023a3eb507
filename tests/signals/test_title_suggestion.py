"""Quick capture's title suggestion: useful when the page is reachable, harmless otherwise, and
never a way into our own network."""

import socket
import time

import pytest

from core.lib.fetch import is_public_address
from signals import title_suggestion
from signals.title_suggestion import suggest_title

PAGES = {
    "/plain": (
        200,
        "text/html; charset=utf-8",
        "<html><head><title> Ny  rapport &amp; mer </title>",
    ),
    "/og": (
        200,
        "text/html",
        '<head><meta property="og:title" content="Regionen satsar på AI">'
        "<title>Startsida | Region Halland</title></head>",
    ),
    "/latin1": (200, "text/html; charset=iso-8859-1", "<title>Förskola i Åsa</title>"),
    "/pdf": (200, "application/pdf", "%PDF-1.4"),
    "/missing": (404, "text/html", "<title>Not found</title>"),
    "/huge": (200, "text/html", "<html>" + "x" * (2 * 1024 * 1024) + "<title>Too far</title>"),
}
# A byte every 50 ms, each well within a read's timeout but slow in total: the headers
# (/drip-headers) or the body (/drip-body).
DRIP_HEAD = {"Content-Type": "text/html", "Content-Length": "200"}
DRIP_BODY = "<html><head>" + " " * 150 + "<title>Too late</title>"


@pytest.fixture
def server(page_server):
    for path, (status, content_type, body) in PAGES.items():
        page_server.add(path, body, status=status, content_type=content_type)
    page_server.add("/slow", PAGES["/plain"][2], delay=3)
    for path, drip_headers in [("/drip-headers", True), ("/drip-body", False)]:
        page_server.add(
            path,
            DRIP_BODY,
            content_type=None,
            headers=DRIP_HEAD,
            drip=0.05,
            drip_headers=drip_headers,
        )
    page_server.redirect("/redirect-to/og", "/og")
    page_server.redirect(f"/redirect-to/{page_server.base_url}/plain", page_server.url("/plain"))
    return page_server.base_url


def test_it_suggests_the_page_title(server):
    assert suggest_title(f"{server}/plain") == "Ny rapport & mer"


def test_og_title_wins_over_the_title_element(server):
    assert suggest_title(f"{server}/og") == "Regionen satsar på AI"


def test_it_reads_the_declared_charset(server):
    assert suggest_title(f"{server}/latin1") == "Förskola i Åsa"


def test_it_follows_redirects(server):
    assert suggest_title(f"{server}/redirect-to/og") == "Regionen satsar på AI"


@pytest.mark.parametrize("path", ["/pdf", "/missing", "/huge"])
def test_anything_but_a_small_html_page_gives_no_suggestion(server, path):
    assert suggest_title(f"{server}{path}") == ""


def test_a_slow_page_gives_up_quickly(server):
    started = time.monotonic()
    assert suggest_title(f"{server}/slow") == ""
    assert time.monotonic() - started < 2.8


@pytest.mark.parametrize("path", ["/drip-headers", "/drip-body"])
def test_a_page_that_drips_slowly_gives_up_at_the_deadline(server, path):
    """Each byte comes well within a read's timeout: only a deadline for the whole fetch stops
    the server from holding one of our workers."""
    started = time.monotonic()
    assert suggest_title(f"{server}{path}") == ""
    assert time.monotonic() - started < title_suggestion.TIMEOUT_SECONDS + 0.5


def test_by_default_our_own_machine_is_refused(server, settings):
    settings.FETCH_ALLOW_PRIVATE_HOSTS = []
    assert suggest_title(f"{server}/plain") == ""


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost/",
        "http://127.0.0.1/",
        "http://[::1]/",
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "ftp://example.se/",
        "/relative",
        "",
    ],
)
def test_private_and_non_web_addresses_are_refused(url):
    assert suggest_title(url) == ""


def test_a_redirect_from_a_public_host_into_our_network_is_refused(server, monkeypatch, settings):
    """The first hop is "public" (a name resolving to a public address, served here by
    re-routing the connection); its redirect to 127.0.0.1 must not be followed."""
    port = int(server.rsplit(":", 1)[1])
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.create_connection

    def getaddrinfo(host, *args, **kwargs):
        if host == "news.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]
        return real_getaddrinfo(host, *args, **kwargs)

    def create_connection(address, *args, **kwargs):
        if address[0] == "93.184.216.34":
            address = ("127.0.0.1", port)
        return real_connect(address, *args, **kwargs)

    settings.FETCH_ALLOW_PRIVATE_HOSTS = []
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)

    # The public page itself is fetched (through the pinned, checked address) …
    assert suggest_title(f"http://news.example:{port}/og") == "Regionen satsar på AI"
    # … and a redirect from it to our own machine is not.
    assert suggest_title(f"http://news.example:{port}/redirect-to/{server}/plain") == ""
    # (The same redirect is followed when private addresses are allowed: the check refused it.)
    settings.FETCH_ALLOW_PRIVATE_HOSTS = [f"127.0.0.1:{port}"]
    assert suggest_title(f"http://news.example:{port}/redirect-to/{server}/plain") != ""


def test_address_classification():
    assert is_public_address("93.184.216.34")
    assert is_public_address("2606:4700:4700::1111")
    for address in [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.0.1",
        "169.254.1.1",
        "::1",
        "fe80::1",
        "fc00::1",
    ]:
        assert not is_public_address(address)


def test_the_timeout_and_size_limits_are_small():
    assert title_suggestion.TIMEOUT_SECONDS <= 2
    assert title_suggestion.MAX_BYTES <= 512 * 1024
