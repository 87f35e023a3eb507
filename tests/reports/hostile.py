"""A report whose text was written to break it: markup, a right-to-left override, a word longer
than any line, an analysis of 5,000 characters."""

from dataclasses import replace

from reports.document import ReportSignal, Source
from reports.sample import sample_document

RTL_OVERRIDE = "\u202e"
MARKUP_TITLE = '<b>Fet</b> <script>alert("x")</script> signal'
LONG_WORD = "Samhällsbyggnadsförvaltningsomvärldsbevakning" * 6 + "x" * 30  # 300 characters
SENTENCE = "Kommunen behöver planera för fler äldre och färre i arbetsför ålder. "
LONG_ANALYSIS = (SENTENCE * 75)[:4980] + " SLUTMARKÖR"  # 5,000 characters


def hostile_document(*, image_url: str = "http://127.0.0.1:9/bild.png"):
    document = sample_document(n_signals=5)
    hostile = ReportSignal(
        title=f"{MARKUP_TITLE} {RTL_OVERRIDE}fdp.exe",
        level_label="Närvärld",
        area=f"Område {RTL_OVERRIDE}tset",
        trends=["<i>trend</i>"],
        sources=[
            Source(name="Skadlig länk", url="javascript:alert(1)"),
            Source(name="Bild", url=image_url),
        ],
        motivation=f'<img src="{image_url}"> ![bild]({image_url}) {LONG_WORD}',
        meaning=LONG_ANALYSIS,
        consequences=f"[länk](javascript:alert(2)) <iframe src='{image_url}'></iframe>",
        audience="Alla",
        url="javascript:alert(3)",
    )
    return replace(
        document,
        introduction=f'<style>body {{ background: url("{image_url}") }}</style> Inledning',
        signals=[*document.signals, hostile],
    )
