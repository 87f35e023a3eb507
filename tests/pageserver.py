"""A small web server on 127.0.0.1 for tests that fetch over real HTTP (title suggestions, feeds).

Routes are exact paths, each answered by a ``Page``: a status, headers and body, optionally
after a delay or dripped a byte at a time (headers too, with ``drip_headers``) to test
deadlines. A page with an ``etag`` or ``last_modified`` answers a matching conditional request
with 304. Anything else is a 404. Every request's path and headers are kept in ``requests``.

The ``page_server`` fixture (tests/conftest.py) starts one per test and lets the fetch reach it:
``FETCH_ALLOW_PRIVATE_HOSTS`` is set to exactly its ``host_port``.
"""

import contextlib
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# A dripping answer stops after this long, so no thread outlives its test by much.
DRIP_LIMIT_SECONDS = 6


@dataclass
class Page:
    body: bytes | str = b""
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    # Sent as given; Content-Length is added unless given here (None: not sent at all).
    headers: dict[str, str | None] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0  # seconds before anything is sent
    drip: float = 0  # seconds between bytes of the body
    drip_headers: bool = False  # drip the status line and headers as well
    raw: bytes | None = None  # sent instead of an HTTP response, for broken servers

    def encoded_body(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        charset = "iso-8859-1" if self.content_type and "8859-1" in self.content_type else "utf-8"
        return self.body.encode(charset)


@dataclass
class Request:
    path: str
    headers: dict[str, str]


class PageServer:
    def __init__(self):
        self.routes: dict[str, Page] = {}
        self.requests: list[Request] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.host_port = f"127.0.0.1:{self.port}"
        self.base_url = f"http://{self.host_port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def url(self, path: str = "/") -> str:
        return f"{self.base_url}{path}"

    def add(self, path: str, body: bytes | str = b"", **page) -> str:
        """Serve a Page at path (keyword arguments as Page's); returns its full URL."""
        self.routes[path] = Page(body=body, **page)
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302, **page) -> str:
        return self.add(
            path, status=status, content_type=None, headers={"Location": location}, **page
        )

    def close(self):
        self._httpd.shutdown()
        self._httpd.server_close()


def _handler_for(server: PageServer):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            server.requests.append(Request(self.path, dict(self.headers.items())))
            page = server.routes.get(self.path) or Page("Not found", status=404)
            if page.delay:
                time.sleep(page.delay)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                if page.raw is not None:
                    self.wfile.write(page.raw)
                    return
                head, body = self._response(page)
                if page.drip and page.drip_headers:
                    self._drip(head + body, page.drip)
                elif page.drip:
                    self.wfile.write(head)
                    self.wfile.flush()
                    self._drip(body, page.drip)
                else:
                    self.wfile.write(head + body)

        def _response(self, page: Page) -> tuple[bytes, bytes]:
            status, body = page.status, page.encoded_body()
            headers = dict(page.headers)
            if page.content_type:
                headers.setdefault("Content-Type", page.content_type)
            if page.etag:
                headers["ETag"] = page.etag
            if page.last_modified:
                headers["Last-Modified"] = page.last_modified
            if (page.etag and self.headers.get("If-None-Match") == page.etag) or (
                page.last_modified and self.headers.get("If-Modified-Since") == page.last_modified
            ):
                status, body = 304, b""
                headers.pop("Content-Length", None)
            if status != 304:
                headers.setdefault("Content-Length", str(len(body)))
            headers.setdefault("Connection", "close")
            try:
                reason = HTTPStatus(status).phrase
            except ValueError:
                reason = ""
            lines = [f"HTTP/1.1 {status} {reason}"]
            lines += [f"{name}: {value}" for name, value in headers.items() if value is not None]
            return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"), body

        def _drip(self, data: bytes, interval: float):
            started = time.monotonic()
            for byte in data:
                if time.monotonic() - started > DRIP_LIMIT_SECONDS:
                    break
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(interval)

        def log_message(self, *args):
            pass

    return Handler
