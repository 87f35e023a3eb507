"""Descriptions: a safe subset of Markdown, and nothing a reader's browser would execute."""

from html.parser import HTMLParser

import pytest

from core.lib.markdown import render_markdown


def test_it_renders_the_simple_subset():
    html = render_markdown("**Viktigt** och *kursivt*\n\n- ett\n- två")
    assert "<strong>Viktigt</strong>" in html
    assert "<em>kursivt</em>" in html
    assert "<ul>" in html and "<li>ett</li>" in html


def test_plain_text_keeps_its_line_breaks():
    assert "<br" in render_markdown("rad ett\nrad två")


def test_links_get_a_safe_rel():
    html = render_markdown("[Rapport](https://skr.se/rapport)")
    assert 'href="https://skr.se/rapport"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(html):
    parser = _Elements()
    parser.feed(html)
    return parser.elements


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        "[klicka](javascript:alert(1))",
        "[klicka](data:text/html;base64,PHNjcmlwdD4=)",
        "[klicka](JaVaScRiPt:alert(1))",
        "<iframe src='https://evil.example'></iframe>",
        '<p style="color:red" onclick="x()">hej</p>',
    ],
)
def test_nothing_executable_survives(text):
    for tag, attrs in elements(render_markdown(text)):
        assert tag in {"p", "a", "br", "strong", "em", "code"}
        assert set(attrs) <= {"href", "rel", "title"}
        assert attrs.get("href", "https:").startswith(("https:", "http:", "mailto:"))


def test_html_is_shown_as_text_not_markup():
    html = render_markdown("<b>fet</b> & <script>x</script>")
    assert "&lt;b&gt;fet&lt;/b&gt;" in html
    assert "&amp;" in html
    assert "<b>" not in html


def test_headings_and_images_are_flattened():
    html = render_markdown("# Rubrik\n\n![diagram](https://skr.se/bild.png)")
    assert "<h1" not in html and "Rubrik" in html
    assert "<img" not in html
    assert 'href="https://skr.se/bild.png"' in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""
