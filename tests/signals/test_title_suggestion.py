"""Quick capture's title suggestion: useful when the page is reachable, harmless otherwise, and
never a way into our own network."""

import contextlib
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from signals import title_suggestion
from signals.title_suggestion import is_public_address, suggest_title

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


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/redirect-to/"):
            self.send_response(302)
            target = self.path.removeprefix("/redirect-to/")
            self.send_header("Location", target if target.startswith("http") else f"/{target}")
            self.end_headers()
            return
        if self.path == "/slow":
            time.sleep(3)
        if self.path.startswith("/drip"):
            self.drip()
            return
        status, content_type, body = PAGES.get(self.path, PAGES["/plain"])
        encoded = body.encode("iso-8859-1" if "8859" in content_type else "utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(encoded)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(encoded)

    def drip(self):
        """A byte at a time, each well within a read's timeout but slow in total: the headers
        (/drip-headers) or the body (/drip-body). Gives up after ~6 s."""
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 200\r\n\r\n"
        body = b"<html><head>" + b" " * 150 + b"<title>Too late</title>"
        dripped = head + body if self.path == "/drip-headers" else body
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            if self.path != "/drip-headers":
                self.wfile.write(head)
                self.wfile.flush()
            started = time.monotonic()
            for byte in dripped:
                if time.monotonic() - started > 6:
                    break
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.05)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def allow_private(settings):
    settings.SIGNALS_TITLE_FETCH_ALLOW_PRIVATE = True


def test_it_suggests_the_page_title(server, allow_private):
    assert suggest_title(f"{server}/plain") == "Ny rapport & mer"


def test_og_title_wins_over_the_title_element(server, allow_private):
    assert suggest_title(f"{server}/og") == "Regionen satsar på AI"


def test_it_reads_the_declared_charset(server, allow_private):
    assert suggest_title(f"{server}/latin1") == "Förskola i Åsa"


def test_it_follows_redirects(server, allow_private):
    assert suggest_title(f"{server}/redirect-to/og") == "Regionen satsar på AI"


@pytest.mark.parametrize("path", ["/pdf", "/missing", "/huge"])
def test_anything_but_a_small_html_page_gives_no_suggestion(server, allow_private, path):
    assert suggest_title(f"{server}{path}") == ""


def test_a_slow_page_gives_up_quickly(server, allow_private):
    started = time.monotonic()
    assert suggest_title(f"{server}/slow") == ""
    assert time.monotonic() - started < 2.8


@pytest.mark.parametrize("path", ["/drip-headers", "/drip-body"])
def test_a_page_that_drips_slowly_gives_up_at_the_deadline(server, allow_private, path):
    """Each byte comes well within a read's timeout: only a deadline for the whole fetch stops
    the server from holding one of our workers."""
    started = time.monotonic()
    assert suggest_title(f"{server}{path}") == ""
    assert time.monotonic() - started < title_suggestion.TIMEOUT_SECONDS + 0.5


def test_by_default_our_own_machine_is_refused(server):
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

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)

    # The public page itself is fetched (through the pinned, checked address) …
    assert suggest_title(f"http://news.example:{port}/og") == "Regionen satsar på AI"
    # … and a redirect from it to our own machine is not.
    assert suggest_title(f"http://news.example:{port}/redirect-to/{server}/plain") == ""
    # (The same redirect is followed when private addresses are allowed: the check refused it.)
    settings.SIGNALS_TITLE_FETCH_ALLOW_PRIVATE = True
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
