"""The radar as a PNG: the standalone SVG drawn to pixels by CairoSVG, for a slide or a
document that takes no SVG.

CairoSVG draws text with Cairo's own font lookup (fontconfig), which knows neither the web
page's fonts nor ``@font-face``: it asks for the first family named and gets the system's
default when that is not installed. So the PNG names the bundled font's own family, and the
bundled font files are added to fontconfig's fonts for this process: the picture's text is
the same on a server with no fonts of its own.

CairoSVG needs Cairo, a system library (libcairo2). Without it ``svg_to_png`` raises
``PngUnavailable`` and the page offers only the SVG.
"""

import ctypes
import functools
import logging
from pathlib import Path

from django.contrib.staticfiles import finders

logger = logging.getLogger(__name__)

# The family name inside static/fonts/LiberationSans-*.ttf (the report's "Report Sans").
PNG_FONT = "Liberation Sans, sans-serif"
FONT_FILE = "fonts/LiberationSans-Regular.ttf"
# Twice the SVG's own size, for sharp text on a slide, but never wider than this: a radar
# grown for thousands of signals would otherwise make an image of hundreds of megabytes.
SCALE = 2
MAX_WIDTH = 3200
INSTALL_HINT = (
    "The radar's PNG needs Cairo: sudo apt-get install libcairo2 (macOS: brew install cairo)."
)


class PngUnavailable(RuntimeError):
    """CairoSVG or Cairo cannot be loaded on this machine."""


def _cairosvg():
    try:
        import cairosvg
    except (ImportError, OSError) as error:
        # cairocffi raises OSError when it cannot load libcairo.
        raise PngUnavailable(f"{INSTALL_HINT} ({error})") from error
    return cairosvg


def png_available() -> bool:
    try:
        _cairosvg()
    except PngUnavailable:
        return False
    return True


@functools.cache
def _add_bundled_fonts() -> bool:
    """Add the bundled fonts' folder to fontconfig's fonts for this process, once."""
    found = finders.find(FONT_FILE)
    if not found:
        return False
    try:
        fontconfig = ctypes.CDLL("libfontconfig.so.1")
    except OSError:
        logger.warning("radar PNG: no fontconfig, the system's fonts are used")
        return False
    add_dir = fontconfig.FcConfigAppFontAddDir
    add_dir.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    add_dir.restype = ctypes.c_int
    # None: the current configuration, the one Cairo's font lookup reads.
    return bool(add_dir(None, str(Path(str(found)).parent).encode()))


def output_width(svg_width: float) -> int:
    return max(1, min(round(svg_width * SCALE), MAX_WIDTH))


def svg_to_png(svg: str, *, width: float) -> bytes:
    """``svg`` (whose viewBox is ``width`` wide) as PNG bytes. CairoSVG's safe mode: it
    fetches nothing and reads no file an SVG names."""
    cairosvg = _cairosvg()
    _add_bundled_fonts()
    return cairosvg.svg2png(bytestring=svg.encode(), output_width=output_width(width), unsafe=False)
