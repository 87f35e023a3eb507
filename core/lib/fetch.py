"""Fetching a page or feed from an address someone typed, without that becoming a way into our
own network.

The fetch runs on our server, so an address must not reach our own machines: its host is
resolved once, every address it resolves to must be public, and the connection goes to exactly
that checked address (no second lookup an attacker could answer differently). Redirects are
followed by hand, each hop checked the same way.

The whole fetch (name lookup, connection, every redirect, headers and body) has one deadline:
each read from the socket may only wait for what is left of it, so a server that sends a byte
at a time cannot hold a worker longer than ``timeout``. The body is capped at ``max_bytes``.

A municipality's own intranet sources are real, so ``settings.FETCH_ALLOW_PRIVATE_HOSTS``
lists exact ``host:port`` pairs (the host as written in the address) that may resolve to
private addresses; nothing else may.

Every failure is a ``FetchError`` whose message says what went wrong in plain words.
"""

import http.client
import ipaddress
import re
import socket
import ssl
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from email.message import Message
from email.utils import parsedate_to_datetime
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings

USER_AGENT = "Spaning/1.0 (environmental scanning)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Moved for good: whoever stored the address should store the new one.
PERMANENT_REDIRECTS = frozenset({301, 308})
# Headers that identify the caller to one server; a redirect elsewhere must not carry them on.
CREDENTIAL_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})
_CHUNK = 65536

# getaddrinfo has no timeout of its own; a small pool bounds how long we wait for it.
_resolver = ThreadPoolExecutor(max_workers=4, thread_name_prefix="fetch-dns")


class FetchError(Exception):
    """The address could not be fetched; ``str(error)`` says why, in English for a log, and
    ``why`` in one word for whoever words it for people (``scanning.errors``):

    - AddressRefused: "scheme", "credentials", "port", "private", "invalid";
    - ConnectionFailed: "no_such_host", "unreachable";
    - BadResponse: "status" (``status`` says which), "redirect_nowhere", "redirect_loop",
      "invalid_http", "unreadable".
    """

    def __init__(self, message: str, *, url: str = "", why: str = ""):
        super().__init__(message)
        self.url = url
        self.why = why


class AddressRefused(FetchError):
    """Not an address we fetch: not http(s), credentials in it, or not a public host."""


class ResponseTooLarge(FetchError):
    """The body is larger than ``max_bytes``."""


class FetchTimeout(FetchError):
    """The whole fetch took longer than ``timeout``."""


class ConnectionFailed(FetchError):
    """The host has no such name, or could not be connected to (refused, reset, TLS)."""


class BadResponse(FetchError):
    """The server answered, but not with something we can use: an error status (``status``),
    broken HTTP, or too many or empty redirects (``status`` is then None or the redirect's)."""

    def __init__(
        self,
        message: str,
        *,
        url: str = "",
        why: str = "status",
        status: int | None = None,
        retry_after: float | None = None,
    ):
        super().__init__(message, url=url, why=why)
        self.status = status
        # Seconds the server asked us to wait (Retry-After, with 429 and 503), when it said.
        self.retry_after = retry_after


@dataclass(frozen=True)
class FetchResult:
    """A 2xx answer, or 304 Not Modified to a conditional request (``body`` then empty)."""

    url: str  # after redirects
    status: int
    headers: Message  # case-insensitive: headers["ETag"], headers.get("Last-Modified")
    body: bytes
    charset: str | None  # as declared in Content-Type; None when not declared
    truncated: bool = False  # only with truncate=True: the body is the first max_bytes
    # Where the address has moved for good: the last address reached through permanent
    # redirects (301, 308) only, from the first request on; None when the first answer was not
    # a permanent redirect. A 302 or 307 on the way ends it: that move is temporary.
    moved_to: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        """The media type, lower case, without parameters; "" when the server sent none."""
        return self.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()


def fetch(
    url: str,
    *,
    max_bytes: int,
    timeout: float,
    headers: dict[str, str] | None = None,
    max_redirects: int = 3,
    truncate: bool = False,
    decompress: bool = False,
) -> FetchResult:
    """GET ``url`` and return the answer, following up to ``max_redirects`` redirects.

    ``headers`` are sent with every request (e.g. If-None-Match / If-Modified-Since for a
    conditional GET, or Accept); they override the defaults (User-Agent, ``Accept: */*``,
    ``Accept-Encoding: identity``). The body is what the server sent, never decompressed.
    A body over ``max_bytes`` raises ResponseTooLarge, or with ``truncate=True`` is cut there
    (for callers that only need the start, like a page's title).

    With ``decompress=True`` gzip and deflate are accepted and the body is returned
    decompressed; ``max_bytes`` then caps what is read *and* what it decompresses to, checked
    while decompressing, so a small gzip bomb cannot fill memory.

    Raises AddressRefused, ConnectionFailed, FetchTimeout, ResponseTooLarge or BadResponse,
    all FetchError.
    """
    deadline = time.monotonic() + timeout
    request_headers = {
        "User-Agent": USER_AGENT,
        "Accept": "*/*",
        "Accept-Encoding": "gzip, deflate" if decompress else "identity",
        **(headers or {}),
    }
    try:
        result, moved_to = _follow(
            url, request_headers, deadline, max_bytes, truncate, decompress, max_redirects
        )
    except (_DeadlinePassed, TimeoutError):
        raise FetchTimeout(
            f"{url} did not answer completely in time ({timeout:g} s)", url=url
        ) from None
    except (ValueError, OverflowError) as exc:
        # An answer no rule here foresaw (a header the standard library cannot read): a
        # failed fetch like any other, so that whoever asked is told, not handed a crash.
        raise BadResponse(
            f"{url}: the answer could not be read ({type(exc).__name__}: {exc})",
            url=url,
            why="unreadable",
        ) from None
    if result.status == 304 or 200 <= result.status < 300:
        return replace(result, moved_to=moved_to)
    raise BadResponse(
        f"{result.url} answered with status {result.status}",
        url=result.url,
        status=result.status,
        retry_after=retry_after_seconds(result.headers.get("Retry-After")),
    )


def _follow(
    url, request_headers, deadline, max_bytes, truncate, decompress, max_redirects
) -> tuple[FetchResult, str | None]:
    """The answer after following up to ``max_redirects`` redirects, and where the address
    has moved for good (``FetchResult.moved_to``)."""
    first_url = url
    moved_to: str | None = None
    moving = True  # still on the leading run of permanent redirects
    for _hop in range(max_redirects + 1):
        result = _get(url, request_headers, deadline, max_bytes, truncate, decompress)
        if result.status not in REDIRECT_STATUSES:
            return result, moved_to
        location = result.headers.get("Location")
        if not location:
            raise BadResponse(
                f"{url} redirects ({result.status}) without saying where to",
                url=url,
                why="redirect_nowhere",
                status=result.status,
            )
        try:
            next_url = urljoin(url, location.strip())
        except ValueError:  # "http://[oops/": not an address at all
            raise BadResponse(
                f"{url} redirects ({result.status}) to {location!r}, which is not an address",
                url=url,
                why="redirect_nowhere",
                status=result.status,
            ) from None
        moving = moving and result.status in PERMANENT_REDIRECTS
        if moving:
            moved_to = next_url
        if _origin(next_url) != _origin(url):
            request_headers = {
                name: value
                for name, value in request_headers.items()
                if name.lower() not in CREDENTIAL_HEADERS
            }
        url = next_url
    raise BadResponse(
        f"{first_url} redirects more than {max_redirects} times",
        url=first_url,
        why="redirect_loop",
    )


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds from now: either a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        # Only ASCII digits are a number here ("²" is a digit to str.isdigit, not to float).
        return float(value) if value.isascii() else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):  # Overflow: a year past 9999
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def is_public_address(address: str) -> bool:
    """Whether an IP address (as getaddrinfo gives it) is on the public internet.

    IPv6 addresses that carry an IPv4 address (IPv4-mapped and -compatible, 6to4, NAT64,
    Teredo) are public only if that IPv4 address is: they can lead to it."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return _is_public(ip.ipv4_mapped)
        if ip in _NAT64_LOCAL_USE:
            return False
        if not all(_is_public(embedded) for embedded in _embedded_ipv4(ip)):
            return False
    return _is_public(ip)


_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL_USE = ipaddress.ip_network("64:ff9b:1::/48")
_TEREDO = ipaddress.ip_network("2001::/32")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    if ip in _TEREDO:
        return list(ip.teredo)  # (server, client); the client's bits are stored inverted
    if ip in _SIX_TO_FOUR:
        return [ip.sixtofour]
    if ip in _NAT64 or ip in _IPV4_COMPATIBLE:
        return [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
    return []


def _is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
        or not ip.is_global
    )


class _DeadlinePassed(Exception):
    pass


def _remaining(deadline: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _DeadlinePassed
    return remaining


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return parts.scheme.lower(), (parts.hostname or ""), port


def _check_url(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise AddressRefused(
            f"Only absolute http(s) addresses are fetched, not {url!r}", url=url, why="scheme"
        )
    if parts.username or parts.password:
        raise AddressRefused(
            "Addresses with a user name or password are not fetched", url=url, why="credentials"
        )
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise AddressRefused(f"{url!r} has an invalid port", url=url, why="port") from None
    return scheme, parts.hostname, port


def private_host_allowed(host: str, port: int) -> bool:
    """Whether host:port is listed in FETCH_ALLOW_PRIVATE_HOSTS (an IPv6 host in brackets,
    written the short way)."""
    host = host.lower()
    if ":" in host:
        try:
            host = f"[{ipaddress.IPv6Address(host).compressed}]"
        except ValueError:
            return False
    allowed = {entry.strip().lower() for entry in settings.FETCH_ALLOW_PRIVATE_HOSTS}
    return f"{host}:{port}" in allowed


def _resolve(url: str, host: str, port: int, deadline: float) -> str:
    """One address for host, after checking that every address it has is public."""
    future = _resolver.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        infos = future.result(timeout=_remaining(deadline))
    except FutureTimeout:
        raise _DeadlinePassed from None
    except (OSError, UnicodeError) as exc:
        raise ConnectionFailed(
            f"{host} could not be found: {exc}", url=url, why="no_such_host"
        ) from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise ConnectionFailed(f"{host} has no address", url=url, why="no_such_host")
    if not private_host_allowed(host, port):
        for address in addresses:
            if not is_public_address(address):
                raise AddressRefused(
                    f"{host} resolves to {address}, which is not a public address",
                    url=url,
                    why="private",
                )
    return addresses[0]


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


def _get(url, headers, deadline, max_bytes, truncate, decompress=False) -> FetchResult:
    """One request, no redirects followed."""
    scheme, host, port = _check_url(url)
    address = _resolve(url, host, port, deadline)
    connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    target = _request_target(url)
    try:
        connection = connection_class(host, port, address, deadline)
    except http.client.InvalidURL as exc:
        raise AddressRefused(
            f"{url!r} is not a valid address: {exc}", url=url, why="invalid"
        ) from None
    try:
        connection.request("GET", target, headers=headers)
        response = connection.getresponse()
        body, truncated = b"", False
        if 200 <= response.status < 300:
            encoding = response.getheader("Content-Encoding", "").strip().lower()
            if decompress and encoding in _DECODERS:
                body = _read_decompressed(url, response, max_bytes, encoding)
            else:
                body, truncated = _read_body(url, response, max_bytes, truncate)
        return FetchResult(
            url=url,
            status=response.status,
            headers=response.headers,
            body=body,
            charset=response.headers.get_content_charset(),
            truncated=truncated,
        )
    except http.client.InvalidURL as exc:
        raise AddressRefused(
            f"{url!r} is not a valid address: {exc}", url=url, why="invalid"
        ) from None
    except http.client.HTTPException as exc:
        raise BadResponse(
            f"{url} did not answer with valid HTTP ({type(exc).__name__})",
            url=url,
            why="invalid_http",
        ) from None
    except (_DeadlinePassed, TimeoutError):
        raise
    except OSError as exc:
        raise ConnectionFailed(
            f"Could not connect to {host}: {exc}", url=url, why="unreachable"
        ) from None
    finally:
        connection.close()


# Characters outside ASCII, which an address written as an IRI may hold (``/flöde.xml``).
_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")


def _request_target(url: str) -> str:
    """The path and query to request, characters outside ASCII percent-encoded as UTF-8, as
    a browser sends them (HTTP's request line is ASCII). Anything else is sent as written:
    what http.client refuses in it (spaces, control characters) stays refused."""
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if target.isascii():
        return target
    return _NOT_ASCII.sub(lambda match: quote(match.group()), target)


def _declared_length(response) -> int | None:
    """Content-Length, or None where it is missing or not ASCII digits. More than 18 digits
    count as 10**18, too large anyway (Python refuses to read a number of over 4,300)."""
    declared = response.getheader("Content-Length", "").strip()
    if not (declared.isascii() and declared.isdigit()):
        return None
    return int(declared) if len(declared) <= 18 else 10**18


def _read_body(url, response, max_bytes, truncate) -> tuple[bytes, bool]:
    too_large = ResponseTooLarge(f"{url} is larger than {max_bytes} bytes", url=url)
    declared = _declared_length(response)
    if not truncate and declared is not None and declared > max_bytes:
        raise too_large
    body = bytearray()
    # One byte past the cap tells "exactly max_bytes" from "more than that".
    while len(body) <= max_bytes:
        chunk = response.read(min(_CHUNK, max_bytes + 1 - len(body)))
        if not chunk:
            return bytes(body), False
        body += chunk
    if not truncate:
        raise too_large
    return bytes(body[:max_bytes]), True


# zlib's wbits: 16 + MAX_WBITS reads a gzip header; MAX_WBITS a zlib stream (HTTP "deflate").
_DECODERS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


def _read_decompressed(url, response, max_bytes, encoding) -> bytes:
    """Read a compressed body, decompressing as it comes; both the bytes read and the bytes
    they decompress to are capped at max_bytes, the latter before they are produced."""
    too_large = ResponseTooLarge(f"{url} is larger than {max_bytes} bytes", url=url)
    decoder = zlib.decompressobj(_DECODERS[encoding])
    body = bytearray()
    read = 0
    try:
        while True:
            chunk = response.read(_CHUNK)
            if not chunk:
                break
            read += len(chunk)
            if read > max_bytes:
                raise too_large
            data = chunk
            while data:
                # Never more than one byte past the cap: decompression stops there.
                body += decoder.decompress(data, max_bytes + 1 - len(body))
                if len(body) > max_bytes:
                    raise too_large
                data = decoder.unconsumed_tail
        body += decoder.flush()
    except zlib.error:
        raise BadResponse(
            f"{url} sent a body that could not be decompressed", url=url, why="unreadable"
        ) from None
    if len(body) > max_bytes:
        raise too_large
    return bytes(body)
