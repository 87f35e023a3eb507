"""Fetching an address someone typed: the answer when there is one, a clear error when not,
within one deadline and byte cap, and never a way into our own network."""

import gzip
import socket
import time
import zlib

import pytest

from core.lib.fetch import (
    USER_AGENT,
    AddressRefused,
    BadResponse,
    ConnectionFailed,
    FetchError,
    FetchTimeout,
    ResponseTooLarge,
    fetch,
    is_public_address,
)

LIMITS = {"max_bytes": 10_000, "timeout": 2}


def test_it_returns_the_answer(page_server):
    url = page_server.add(
        "/feed", "<rss>Förskola</rss>", content_type="application/rss+xml; charset=UTF-8"
    )
    result = fetch(url, **LIMITS)
    assert (result.url, result.status) == (url, 200)
    assert result.body == "<rss>Förskola</rss>".encode()
    assert result.charset == "utf-8"
    assert result.content_type == "application/rss+xml"
    assert result.headers["content-type"] == "application/rss+xml; charset=UTF-8"
    assert not result.not_modified
    assert not result.truncated


def test_the_charset_is_none_when_not_declared(page_server):
    result = fetch(page_server.add("/x", "<p>", content_type="text/html"), **LIMITS)
    assert result.charset is None


def test_it_sends_its_own_and_the_callers_headers(page_server):
    url = page_server.add("/page", "<p>")
    fetch(url, headers={"Accept": "application/atom+xml"}, **LIMITS)
    sent = page_server.requests[-1].headers
    assert sent["User-Agent"] == USER_AGENT
    assert sent["Accept"] == "application/atom+xml"
    assert sent["Accept-Encoding"] == "identity"


def test_an_unchanged_page_answers_a_conditional_get_with_not_modified(page_server):
    url = page_server.add("/feed", "<rss/>", etag='"v1"')
    first = fetch(url, **LIMITS)
    assert first.headers["ETag"] == '"v1"'

    again = fetch(url, headers={"If-None-Match": first.headers["ETag"]}, **LIMITS)
    assert again.status == 304
    assert again.not_modified
    assert again.body == b""


def test_if_modified_since_is_sent_as_given(page_server):
    stamp = "Wed, 21 Oct 2026 07:28:00 GMT"
    url = page_server.add("/feed", "<rss/>", last_modified=stamp)
    assert fetch(url, headers={"If-Modified-Since": stamp}, **LIMITS).not_modified
    assert page_server.requests[-1].headers["If-Modified-Since"] == stamp


# --- redirects ---------------------------------------------------------------------------------


def test_redirects_are_followed_and_the_final_address_kept(page_server):
    page_server.add("/new", "<p>here")
    page_server.redirect("/old", "/middle", status=301)
    page_server.redirect("/middle", page_server.url("/new"), status=307)
    result = fetch(page_server.url("/old"), **LIMITS)
    assert (result.url, result.body) == (page_server.url("/new"), b"<p>here")


def test_too_many_redirects_are_an_error(page_server):
    page_server.add("/3", "<p>")
    page_server.redirect("/0", "/1")
    page_server.redirect("/1", "/2")
    page_server.redirect("/2", "/3")
    assert fetch(page_server.url("/0"), max_redirects=3, **LIMITS).url == page_server.url("/3")
    with pytest.raises(BadResponse, match="redirects more than 2 times"):
        fetch(page_server.url("/0"), max_redirects=2, **LIMITS)


def test_a_redirect_without_a_location_is_an_error(page_server):
    url = page_server.add("/nowhere", status=302, content_type=None)
    with pytest.raises(BadResponse, match="without saying where") as error:
        fetch(url, **LIMITS)
    assert error.value.status == 302


def test_credentials_are_not_carried_to_another_host(page_server, settings):
    settings.FETCH_ALLOW_PRIVATE_HOSTS = [page_server.host_port, f"localhost:{page_server.port}"]
    page_server.add("/there", "<p>")
    page_server.redirect("/here", f"http://localhost:{page_server.port}/there")
    fetch(
        page_server.url("/here"),
        headers={"Authorization": "Bearer secret", "If-None-Match": '"v1"'},
        **LIMITS,
    )
    first, second = page_server.requests
    assert first.headers["Authorization"] == "Bearer secret"
    assert "Authorization" not in second.headers
    assert second.headers["If-None-Match"] == '"v1"'


# --- answers we cannot use ---------------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 410, 500])
def test_an_error_status_is_an_error_that_names_it(page_server, status):
    url = page_server.add("/gone", "<p>", status=status)
    with pytest.raises(BadResponse, match=f"answered with status {status}") as error:
        fetch(url, **LIMITS)
    assert error.value.status == status
    assert error.value.url == url


def test_a_server_that_does_not_speak_http_is_an_error(page_server):
    url = page_server.add("/junk", raw=b"SSH-2.0-OpenSSH_9.2\r\n\r\n")
    with pytest.raises(BadResponse, match="did not answer with valid HTTP"):
        fetch(url, **LIMITS)


def test_a_closed_port_cannot_be_connected_to(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.FETCH_ALLOW_PRIVATE_HOSTS = [f"127.0.0.1:{port}"]
    with pytest.raises(ConnectionFailed, match=r"Could not connect to 127\.0\.0\.1"):
        fetch(f"http://127.0.0.1:{port}/", **LIMITS)


# --- size and time -----------------------------------------------------------------------------


def test_a_body_over_the_cap_is_too_large(page_server):
    url = page_server.add("/big", b"x" * 1001)
    with pytest.raises(ResponseTooLarge, match="larger than 1000 bytes"):
        fetch(url, max_bytes=1000, timeout=2)
    assert fetch(url, max_bytes=1001, timeout=2).body == b"x" * 1001


def test_the_cap_holds_when_the_size_is_not_declared(page_server):
    url = page_server.add("/big", b"x" * 1001, headers={"Content-Length": None})
    with pytest.raises(ResponseTooLarge):
        fetch(url, max_bytes=1000, timeout=2)


def test_with_truncate_the_start_of_a_large_body_is_returned(page_server):
    url = page_server.add("/big", b"<title>Start</title>" + b"x" * 5000)
    result = fetch(url, max_bytes=1000, timeout=2, truncate=True)
    assert result.truncated
    assert result.body == (b"<title>Start</title>" + b"x" * 5000)[:1000]


@pytest.mark.parametrize(
    "page",
    [
        {"delay": 3},
        {"drip": 0.05},
        {"drip": 0.05, "drip_headers": True},
    ],
    ids=["silent", "dripping body", "dripping headers"],
)
def test_the_whole_fetch_has_one_deadline(page_server, page):
    """Each dripped byte comes well within a read's timeout: only a deadline for the whole
    fetch stops the server from holding one of our workers."""
    url = page_server.add("/slow", "<p>" + " " * 200, **page)
    started = time.monotonic()
    with pytest.raises(FetchTimeout, match=r"in time \(1 s\)") as error:
        fetch(url, max_bytes=10_000, timeout=1)
    assert time.monotonic() - started < 1.5
    assert error.value.url == url


def test_the_deadline_covers_every_redirect(page_server):
    page_server.add("/end", "<p>", delay=0.6)
    page_server.redirect("/start", "/end", delay=0.6)
    with pytest.raises(FetchTimeout):
        fetch(page_server.url("/start"), max_bytes=10_000, timeout=1)


# --- our own network ---------------------------------------------------------------------------


def test_only_the_listed_host_and_port_may_be_private(page_server, settings):
    url = page_server.add("/page", "<p>")
    assert fetch(url, **LIMITS).status == 200
    # The same machine by another name, or another port on it, is not listed.
    with pytest.raises(AddressRefused, match=r"localhost resolves to .* not a public address"):
        fetch(f"http://localhost:{page_server.port}/page", **LIMITS)
    with pytest.raises(AddressRefused):
        fetch(f"http://127.0.0.1:{page_server.port + 1}/page", **LIMITS)
    settings.FETCH_ALLOW_PRIVATE_HOSTS = []
    with pytest.raises(AddressRefused, match=r"127\.0\.0\.1 resolves to 127\.0\.0\.1"):
        fetch(url, **LIMITS)
    # Only the first fetch reached the server: the others were refused before connecting.
    assert [request.path for request in page_server.requests] == ["/page"]


def test_a_redirect_to_an_unlisted_private_host_is_refused(page_server):
    page_server.redirect("/out", f"http://localhost:{page_server.port}/in")
    with pytest.raises(AddressRefused, match="localhost"):
        fetch(page_server.url("/out"), **LIMITS)
    assert [request.path for request in page_server.requests] == ["/out"]


def test_every_address_of_a_host_must_be_public(monkeypatch):
    """A name with one public and one private address could be connected to either."""

    def getaddrinfo(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(AddressRefused, match=r"news\.example resolves to 10\.0\.0\.7"):
        fetch("http://news.example/", **LIMITS)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.se/", "Only absolute http"),
        ("file:///etc/passwd", "Only absolute http"),
        ("/relative", "Only absolute http"),
        ("http://anna:secret@example.se/", "user name or password"),
        ("http://example.se:99999/", "invalid port"),
    ],
)
def test_non_web_addresses_are_refused_before_any_lookup(url, message):
    with pytest.raises(AddressRefused, match=message):
        fetch(url, **LIMITS)


def test_every_error_is_a_fetch_error():
    for error in [AddressRefused, ResponseTooLarge, FetchTimeout, ConnectionFailed, BadResponse]:
        assert issubclass(error, FetchError)


@pytest.mark.parametrize(
    "address",
    [
        "93.184.216.34",
        "2606:4700:4700::1111",
        "::ffff:93.184.216.34",  # IPv4-mapped, of a public address
        "2002:5db8:d822::1",  # 6to4, of a public address
    ],
)
def test_public_addresses(address):
    assert is_public_address(address)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.0.1",
        "192.168.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "::1",
        "::",
        "fe80::1",
        "fe80::1%eth0",
        "fc00::1",
        "ff02::1",
    ],
)
def test_private_addresses(address):
    assert not is_public_address(address)


@pytest.mark.parametrize(
    "address",
    [
        # 6to4 (2002::/16): the IPv4 address is bits 16-47.
        "2002:7f00:1::1",  # 127.0.0.1
        "2002:a00:1::1",  # 10.0.0.1
        "2002:c0a8:1::1",  # 192.168.0.1
        "2002:a9fe:a9fe::1",  # 169.254.169.254
        # NAT64 (64:ff9b::/96): the IPv4 address is the last 32 bits.
        "64:ff9b::127.0.0.1",
        "64:ff9b::10.0.0.1",
        "64:ff9b::169.254.169.254",
        # Local-use NAT64 (64:ff9b:1::/48): local by definition, whatever it embeds.
        "64:ff9b:1::93.184.216.34",
        "64:ff9b:1:7f00:1::",
        # Teredo (2001::/32): server 93.184.216.34, client in the last 32 bits, inverted.
        "2001:0:5db8:d822::80ff:fffe",  # client 127.0.0.1
        "2001:0:5db8:d822::f5ff:fffe",  # client 10.0.0.1
        "2001:0:5db8:d822::5601:5601",  # client 169.254.169.254
        # IPv4-mapped (::ffff:0:0/96).
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        # IPv4-compatible (::a.b.c.d).
        "::127.0.0.1",
        "::10.0.0.1",
        "::169.254.169.254",
    ],
)
def test_ipv6_forms_of_private_ipv4_addresses_are_private(address):
    assert not is_public_address(address)


def test_a_6to4_address_is_refused_on_its_ipv4_address_alone():
    """Python counts 2002::/16 as global; only the embedded address tells them apart."""
    assert is_public_address("2002:5db8:d822::1")
    assert not is_public_address("2002:7f00:1::1")


# --- compressed bodies, permanent moves, Retry-After (feeds) ---------------------------------


def test_a_gzip_body_is_decompressed_when_asked(page_server):
    url = page_server.add(
        "/gz", gzip.compress("Välkommen".encode()), headers={"Content-Encoding": "gzip"}
    )
    result = fetch(url, max_bytes=1000, timeout=5, decompress=True)
    assert result.body.decode() == "Välkommen"
    assert page_server.requests[-1].headers["Accept-Encoding"] == "gzip, deflate"


def test_a_deflate_body_is_decompressed(page_server):
    url = page_server.add(
        "/z", zlib.compress(b"hej " * 100), headers={"Content-Encoding": "deflate"}
    )
    assert fetch(url, max_bytes=1000, timeout=5, decompress=True).body == b"hej " * 100


def test_what_a_body_decompresses_to_is_capped_too(page_server):
    bomb = gzip.compress(b"0" * 10_000_000)
    url = page_server.add("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    assert len(bomb) < 100_000
    with pytest.raises(ResponseTooLarge):
        fetch(url, max_bytes=100_000, timeout=5, decompress=True)


def test_a_broken_compressed_body_is_a_bad_response(page_server):
    url = page_server.add("/broken", b"not gzip at all", headers={"Content-Encoding": "gzip"})
    with pytest.raises(BadResponse, match="decompressed"):
        fetch(url, max_bytes=1000, timeout=5, decompress=True)


def test_without_decompress_identity_is_asked_for(page_server):
    url = page_server.add("/plain", "x")
    fetch(url, max_bytes=1000, timeout=5)
    assert page_server.requests[-1].headers["Accept-Encoding"] == "identity"


def test_permanent_redirects_say_where_the_address_moved(page_server):
    final = page_server.add("/final", "ok")
    page_server.redirect("/b", final, status=308)
    page_server.redirect("/a", page_server.url("/b"), status=301)
    assert fetch(page_server.url("/a"), max_bytes=100, timeout=5).moved_to == final


def test_a_temporary_redirect_on_the_way_ends_the_move(page_server):
    final = page_server.add("/final", "ok")
    page_server.redirect("/b", final, status=302)
    page_server.redirect("/a", page_server.url("/b"), status=301)
    assert fetch(page_server.url("/a"), max_bytes=100, timeout=5).moved_to == page_server.url("/b")
    page_server.redirect("/t", final, status=307)
    assert fetch(page_server.url("/t"), max_bytes=100, timeout=5).moved_to is None


@pytest.mark.parametrize(
    ("header", "expected"), [("120", 120), ("Wed, 21 Oct 2015 07:28:00 GMT", 0), ("soon", None)]
)
def test_retry_after_is_read_as_seconds_or_a_date(page_server, header, expected):
    url = page_server.add("/busy", "busy", status=503, headers={"Retry-After": header})
    with pytest.raises(BadResponse) as error:
        fetch(url, max_bytes=100, timeout=5)
    assert error.value.status == 503
    assert error.value.retry_after == expected
