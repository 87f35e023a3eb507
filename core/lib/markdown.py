"""Text people write, such as a signal's description: plain text or a small, safe subset of
Markdown, rendered to HTML.

Two layers. Markdown is run with its raw-HTML handling switched off, so HTML typed into the
text is shown as the text it is, never as markup. nh3 then keeps only the tags below
and only http(s)/mailto links, which carry rel="noopener noreferrer nofollow".
"""

import re
import xml.etree.ElementTree as etree

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


# A bare web address in running text ("se https://skr.se/rapport."), without the punctuation
# that ends the sentence around it.
BARE_URL = re.compile(r"https?://[^\s<>\"'`]+[^\s<>\"'`.,;:!?)\]]")
NOT_LINKED_INSIDE = {"a", "code", "pre"}


def _split_links(text: str | None) -> tuple[str | None, list]:
    """The text before the first address, and a link for each address with the text after
    it as its tail."""
    if not text or "http" not in text:
        return text, []
    matches = list(BARE_URL.finditer(text))
    if not matches:
        return text, []
    links = []
    for index, match in enumerate(matches):
        link = etree.Element("a", href=match.group(0))
        link.text = match.group(0)
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        link.tail = text[match.end() : end]
        links.append(link)
    return text[: matches[0].start()], links


class _BareLinks(Treeprocessor):
    """People paste addresses as they are: make them links, as any comment field does. Only in
    plain text: never inside a link Markdown made already, nor inside code."""

    def run(self, root):
        self._link(root)

    def _link(self, element):
        element.text, links = _split_links(element.text)
        for position, link in enumerate(links):
            element.insert(position, link)
        for child in list(element)[len(links) :]:
            if child.tag not in NOT_LINKED_INSIDE:
                self._link(child)
            child.tail, links = _split_links(child.tail)
            at = list(element).index(child) + 1
            for offset, link in enumerate(links):
                element.insert(at + offset, link)


class _SafeSubset(markdown_lib.Extension):
    def extendMarkdown(self, md):
        # Treat "<b>", "<script>" and friends as text: they are escaped like any other.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_Flatten(md), "spaning_flatten", 1)
        md.treeprocessors.register(_BareLinks(md), "spaning_bare_links", 2)


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
