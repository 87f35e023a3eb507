"""Quick capture: suggest a signal's title from the page its source address points to.

Optional by design: any failure (bad address, slow or large page, no title) gives ``""`` and
the user simply types the title. The fetch runs on our server, so it must not become a way to
reach our own network: the address's host is resolved once, every address it resolves to must
be public, and the connection goes to exactly that checked address (no second lookup an attacker
could answer differently). Redirects are followed by hand, each hop checked the same way.

The whole fetch (name lookup, connection, every redirect, headers and body) has one deadline:
each read from the socket may only wait for what is left of it, so a server that sends a byte
at a time cannot hold a worker longer than ``TIMEOUT_SECONDS``.

``settings.SIGNALS_TITLE_FETCH_ALLOW_PRIVATE = True`` lifts the address check; only tests that
serve a page from 127.0.0.1 set it.
"""

import html
import http.client
import ipaddress
import logging
import re
import socket
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from email.message import Message
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 2.0
MAX_BYTES = 512 * 1024
MAX_REDIRECTS = 3
MAX_TITLE_LENGTH = 250
USER_AGENT = "Spaning/1.0 (title suggestion for environmental scanning)"

# getaddrinfo has no timeout of its own; a small pool bounds how long we wait for it.
_resolver = ThreadPoolExecutor(max_workers=4, thread_name_prefix="title-dns")


class Refused(Exception):
    """The address may not or cannot be fetched."""


def suggest_title(url: str) -> str:
    """The page's og:title or <title>, cleaned up; "" whenever that is not quickly possible."""
    try:
        return _suggest(url.strip())
    except Exception as exc:  # never let a suggestion break the form
        logger.info("No title suggestion for %r: %s", url[:200], exc)
        return ""


def _suggest(url: str) -> str:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    for _hop in range(MAX_REDIRECTS + 1):
        status, headers, body = _fetch(url, deadline)
        if status in (301, 302, 303, 307, 308):
            location = headers.get("Location")
            if not location:
                return ""
            url = urljoin(url, location)
            continue
        if status != 200:
            return ""
        content_type = headers.get("Content-Type", "")
        if "html" not in content_type.lower():
            return ""
        return _title_from_html(_decode(body, content_type))
    return ""


def _check_url(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise Refused("only absolute http(s) addresses")
    if parts.username or parts.password:
        raise Refused("no credentials in addresses")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise Refused("bad port") from None
    return scheme, parts.hostname, port


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
        or not ip.is_global
    )


def _resolve(host: str, port: int, deadline: float) -> str:
    """One address for host, after checking that every address it has is public."""
    future = _resolver.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        infos = future.result(timeout=max(0.01, deadline - time.monotonic()))
    except FutureTimeout:
        raise Refused("name lookup too slow") from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise Refused("no address")
    allow_private = getattr(settings, "SIGNALS_TITLE_FETCH_ALLOW_PRIVATE", False)
    if not allow_private and not all(is_public_address(a) for a in addresses):
        raise Refused(f"{host} resolves to a non-public address")
    return addresses[0]


def _remaining(deadline: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("too slow")
    return remaining


class _DeadlineMixin:
    """A socket whose every read waits at most until the fetch's deadline (a plain timeout
    applies per read, so a slow drip of bytes would renew it again and again)."""

    deadline = float("inf")

    def recv_into(self, buffer, nbytes=0, flags=0):
        self.settimeout(_remaining(self.deadline))
        return super().recv_into(buffer, nbytes, flags)


class _DeadlineSocket(_DeadlineMixin, socket.socket):
    pass


class _DeadlineSSLSocket(_DeadlineMixin, ssl.SSLSocket):
    pass


def _connect(address: str, port: int, deadline: float) -> _DeadlineSocket:
    plain = socket.create_connection((address, port), _remaining(deadline))
    sock = _DeadlineSocket(fileno=plain.detach())
    sock.deadline = deadline
    sock.settimeout(_remaining(deadline))
    return sock


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address we checked, whatever the host name would resolve to now."""

    def __init__(self, host, port, address, deadline):
        super().__init__(host, port, timeout=_remaining(deadline))
        self._address = address
        self._deadline = deadline

    def connect(self):
        self.sock = _connect(self._address, self.port, self._deadline)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, deadline):
        context = ssl.create_default_context()
        context.sslsocket_class = _DeadlineSSLSocket
        super().__init__(host, port, timeout=_remaining(deadline), context=context)
        self._address = address
        self._deadline = deadline

    def connect(self):
        sock = _connect(self._address, self.port, self._deadline)
        # Certificate and SNI are checked against the host name, as a browser would.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
        self.sock.deadline = self._deadline


def _fetch(url: str, deadline: float):
    scheme, host, port = _check_url(url)
    address = _resolve(host, port, deadline)
    connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(host, port, address, deadline)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request(
            "GET",
            target,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
                "Accept-Encoding": "identity",
            },
        )
        response = connection.getresponse()
        body = b""
        if response.status == 200:
            while len(body) < MAX_BYTES:
                chunk = response.read(min(65536, MAX_BYTES - len(body)))
                if not chunk:
                    break
                body += chunk
        return response.status, response.headers, body
    finally:
        connection.close()


def _decode(body: bytes, content_type: str) -> str:
    message = Message()
    message["Content-Type"] = content_type
    charset = message.get_content_charset()
    if not charset:
        match = re.search(rb"""<meta[^>]+charset=["']?([\w-]+)""", body[:4096], re.IGNORECASE)
        charset = match.group(1).decode("ascii") if match else "utf-8"
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


class _TitleParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.og_title = ""
        self.title_parts: list[str] = []
        self._in_title = False
        self._title_done = False

    def handle_starttag(self, tag, attrs):
        if tag == "title" and not self._title_done:
            self._in_title = True
        elif tag == "meta" and not self.og_title:
            values = {name.lower(): (value or "") for name, value in attrs}
            if values.get("property", "").lower() == "og:title" or (
                values.get("name", "").lower() == "og:title"
            ):
                self.og_title = values.get("content", "")

    def handle_endtag(self, tag):
        if tag == "title" and self._in_title:
            self._in_title = False
            self._title_done = True

    def handle_data(self, data):
        if self._in_title:
            self.title_parts.append(data)


def _title_from_html(text: str) -> str:
    parser = _TitleParser()
    try:
        parser.feed(text)
        parser.close()
    except Exception:  # a broken page: whatever was found so far is still useful
        pass
    title = parser.og_title or "".join(parser.title_parts)
    title = " ".join(html.unescape(title).split())
    return title[:MAX_TITLE_LENGTH]
