"""Text people write, such as a signal's description: plain text or a small, safe subset of
Markdown, rendered to HTML.

Two layers. Markdown is run with its raw-HTML handling switched off, so HTML typed into the
text is shown as the text it is, never as markup. nh3 then keeps only the tags below
and only http(s)/mailto links, which carry rel="noopener noreferrer nofollow".
"""

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "code",
    "pre",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


class _Flatten(Treeprocessor):
    """Headings become paragraphs (the page owns the heading outline) and images become links
    to them (a page never loads a picture from somewhere else)."""

    def run(self, root):
        for element in root.iter():
            if element.tag in HEADINGS:
                element.tag = "p"
            elif element.tag == "img":
                element.tag = "a"
                element.set("href", element.attrib.pop("src", ""))
                element.text = element.attrib.pop("alt", "") or element.get("href")


class _SafeSubset(markdown_lib.Extension):
    def extendMarkdown(self, md):
        # Treat "<b>", "<script>" and friends as text: they are escaped like any other.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_Flatten(md), "spaning_flatten", 1)


def render_markdown(text: str) -> SafeString:
    """Markdown → sanitised HTML, safe to put in a page as it is."""
    if not text:
        return mark_safe("")
    html = markdown_lib.markdown(
        text, extensions=[_SafeSubset(), "sane_lists", "nl2br"], output_format="html"
    )
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return mark_safe(cleaned)  # sanitised by nh3 just above
