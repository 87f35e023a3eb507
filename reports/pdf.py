"""The report as a PDF, drawn by WeasyPrint from the same HTML the browser shows.

WeasyPrint would fetch any address the document names (a stylesheet, an image, a font), from
the web or from the file system. A report carries text people wrote, so it fetches through
``StaticFilesFetcher``, which reads our own static files and refuses everything else: no
request leaves the server and no other file is read, whatever the text says.

WeasyPrint needs Pango, a system library. Without it ``build_pdf`` raises ``PdfUnavailable``
saying what to install, and the rest of the app (the browser view of a report) works as ever.
"""

import logging
import mimetypes
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils import translation
from django.utils.translation import gettext as _

from .document import ReportDocument
from .rendering import render_standalone

logger = logging.getLogger(__name__)

# Links in the PDF are absolute already (the signals' and sources' addresses); this is only
# where relative addresses (the stylesheet) resolve, and it is never contacted.
DEFAULT_BASE_URL = "https://spaning.invalid/"
INSTALL_HINT = (
    "The PDF of a report needs WeasyPrint and its system libraries. "
    "Install Pango: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
    "(macOS: brew install pango)."
)
# What a static file may be to be read for a report: its stylesheet and fonts, and images.
ALLOWED_SUFFIXES = {".css", ".ttf", ".otf", ".woff", ".woff2", ".svg", ".png", ".jpg", ".jpeg"}


class PdfUnavailable(RuntimeError):
    """WeasyPrint or its system libraries (Pango) cannot be loaded on this machine."""


class FetchRefused(ValueError):
    """A report asked for something that is not one of our static files."""


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as error:
        # WeasyPrint raises OSError when cffi cannot load Pango.
        raise PdfUnavailable(f"{INSTALL_HINT} ({error})") from error
    return weasyprint


def pdf_available() -> bool:
    """Whether this machine can build PDFs (pages offer the file only then)."""
    try:
        _weasyprint()
    except PdfUnavailable:
        return False
    return True


def static_file_for(url: str, base_url: str) -> Path:
    """The local file a static address stands for, or ``FetchRefused``.

    Only ``<base_url><STATIC_URL><path>`` is ours, and only a path the static finders know
    (they refuse ".." themselves; it is refused here before they are asked)."""
    static_prefix = urljoin(base_url, settings.STATIC_URL)
    if not url.startswith(static_prefix):
        raise FetchRefused(f"not one of our static files: {url[:200]}")
    relative = unquote(urlsplit(url[len(static_prefix) :]).path)
    if not relative or relative.startswith("/") or "\\" in relative or "\x00" in relative:
        raise FetchRefused(f"not a static path: {url[:200]}")
    if any(part in ("", ".", "..") for part in relative.split("/")):
        raise FetchRefused(f"not a static path: {url[:200]}")
    if posixpath.splitext(relative)[1].lower() not in ALLOWED_SUFFIXES:
        raise FetchRefused(f"not a kind of file a report uses: {url[:200]}")
    found = finders.find(relative)
    if not found:
        raise FetchRefused(f"no such static file: {url[:200]}")
    return Path(found)


def static_files_fetcher(base_url: str):
    """A WeasyPrint URL fetcher that reads our static files and refuses everything else.

    ``refused`` keeps what it refused, for the log and for tests."""
    weasyprint = _weasyprint()

    class StaticFilesFetcher(weasyprint.urls.URLFetcher):
        def __init__(self):
            super().__init__(allow_redirects=False)
            self.refused: list[str] = []
            self.fetched: list[str] = []

        def fetch(self, url, headers=None):
            try:
                path = static_file_for(url, base_url)
            except FetchRefused:
                self.refused.append(url)
                logger.warning("report PDF: refused to fetch %s", url[:200])
                raise
            self.fetched.append(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return weasyprint.urls.URLFetcherResponse(
                url, body=path.read_bytes(), headers={"Content-Type": content_type}
            )

    return StaticFilesFetcher()


def _css_string(text: str) -> str:
    """``text`` as a quoted CSS string."""
    return '"' + re.sub(r'["\\\n]', lambda m: f"\\{ord(m[0]):x} ", text) + '"'


def page_number_css() -> str:
    """The footer's "Sida 3 av 12" in the active language: a stylesheet cannot translate."""
    words = _("Page %(page)s of %(pages)s")
    parts = re.split(r"(%\((?:page|pages)\)s)", words)
    counters = {"%(page)s": "counter(page)", "%(pages)s": "counter(pages)"}
    content = " ".join(counters.get(part) or _css_string(part) for part in parts if part)
    return f"@page {{ @bottom-right {{ content: {content}; }} }}"


def build_html_pdf(
    html: str, *, language: str, base_url: str = DEFAULT_BASE_URL, fetcher=None
) -> bytes:
    """Any of our print documents (a whole HTML document naming its stylesheets under our
    static files) as PDF bytes: the same fetcher, fonts and page numbers as the report.
    ``fetcher`` is for tests that look at what was fetched; by default,
    ``static_files_fetcher(base_url)``."""
    weasyprint = _weasyprint()
    fetcher = fetcher or static_files_fetcher(base_url)
    with translation.override(language):
        page_numbers = weasyprint.CSS(string=page_number_css(), url_fetcher=fetcher)
    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(
        stylesheets=[page_numbers]
    )


def build_pdf(document: ReportDocument, *, base_url: str = DEFAULT_BASE_URL, fetcher=None) -> bytes:
    """The report as PDF bytes (A4, in the report's language)."""
    return build_html_pdf(
        render_standalone(document),
        language=document.language,
        base_url=base_url,
        fetcher=fetcher,
    )
