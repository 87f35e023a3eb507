"""The report's PDF, read back by its text (pypdf): everything is there, in Swedish, on A4
with page numbers and working links, and nothing outside our static files is fetched."""

import io
import re

import pypdf
import pytest

from reports.pdf import build_pdf, static_files_fetcher
from reports.sample import sample_document

from .hostile import LONG_ANALYSIS, LONG_WORD, MARKUP_TITLE, RTL_OVERRIDE, hostile_document

BASE = "https://spaning.invalid/"
A4 = (595.28, 841.89)


def read(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def flat(text: str) -> str:
    """Extracted text as one line: hyphenation and line breaks undone."""
    return " ".join(text.replace("\u2010\n", "").split())


def compact(text: str) -> str:
    """Extracted text without any white space or hyphens, for words broken anywhere."""
    return "".join(text.split()).replace("\u2010", "")


def pages_text(reader: pypdf.PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def link_targets(reader: pypdf.PdfReader) -> set[str]:
    targets = set()
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                targets.add(str(action["/URI"]))
    return targets


@pytest.fixture(scope="module")
def sample():
    document = sample_document()
    return document, read(build_pdf(document))


def test_every_chosen_signal_and_the_swedish_month_are_in_the_pdf(sample):
    document, reader = sample
    text = flat("\n".join(pages_text(reader)))

    assert "Omvärldsrapport" in text
    assert "november 2026" in text
    assert "Publicerad 3 december 2026" in text
    assert "Därför är detta intressant för Kungsbacka" in text
    for signal in document.signals:
        assert signal.title in text


def test_pages_are_a4_and_numbered(sample):
    _, reader = sample
    texts = pages_text(reader)
    count = len(texts)

    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(A4[0], abs=1)
        assert float(page.mediabox.height) == pytest.approx(A4[1], abs=1)
    # The cover carries no header or number; every page after it does.
    assert "Sida" not in texts[0]
    for number, text in enumerate(texts[1:], start=2):
        assert f"Sida {number} av {count}" in text
        assert "Kungsbacka kommun" in text and "november 2026" in text


def test_the_contents_give_each_signal_its_page(sample):
    document, reader = sample
    texts = pages_text(reader)
    contents = flat(texts[1])

    for index, signal in enumerate(document.signals, start=1):
        heading = compact(f"{index}. {signal.title}")
        page = next(n for n, text in enumerate(texts, start=1) if heading in compact(text))
        assert re.search(re.escape(signal.title) + r" \.+ " + str(page) + r"\b", contents)


def test_the_appendix_lists_every_candidate(sample):
    document, reader = sample
    text = flat("\n".join(pages_text(reader)))
    appendix = text[text.rindex("Bilaga: alla signaler som övervägdes") :]

    for candidate in document.candidates:
        assert candidate.title in appendix
    assert appendix.count("Ja") >= len(document.signals)


def test_sources_are_links_in_the_pdf(sample):
    document, reader = sample
    targets = link_targets(reader)

    assert "https://www.regionhalland.se/kompetensforsorjning" in targets
    assert document.signals[0].url in targets


def test_hostile_text_neither_injects_nor_breaks_the_pdf(page_server):
    image = page_server.add("/bild.png", b"not really a picture", content_type="image/png")
    fetcher = static_files_fetcher(BASE)

    reader = read(build_pdf(hostile_document(image_url=image), fetcher=fetcher))

    text = "\n".join(pages_text(reader))
    assert MARKUP_TITLE in flat(text)  # the markup as text
    assert RTL_OVERRIDE not in text
    assert "fdp.exe" in text
    assert compact(LONG_WORD) in compact(text)
    assert compact(LONG_ANALYSIS[-400:]) in compact(text)  # the end of it, pages later
    assert not any(target.startswith("javascript:") for target in link_targets(reader))
    assert page_server.requests == []
    assert all(url.startswith(f"{BASE}static/") for url in fetcher.fetched)


def test_the_fetcher_refuses_the_network_and_the_file_system(page_server):
    import weasyprint

    stylesheet = page_server.add("/elak.css", "body { color: red }", content_type="text/css")
    image = page_server.add("/bild.png", b"x", content_type="image/png")
    html = (
        f'<link rel="stylesheet" href="{stylesheet}"><img src="{image}">'
        '<img src="file:///etc/passwd"><link rel="stylesheet" href="/etc/passwd">'
        '<img src="/static/../../etc/passwd"><p>Hej</p>'
    )
    fetcher = static_files_fetcher(BASE)

    weasyprint.HTML(string=html, base_url=BASE, url_fetcher=fetcher).write_pdf()

    assert page_server.requests == []
    assert fetcher.fetched == []
    assert set(fetcher.refused) == {
        stylesheet,
        image,
        "file:///etc/passwd",
        f"{BASE}etc/passwd",
    }
