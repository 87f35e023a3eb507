"""Benchmark: building the monthly report's PDF.

    .venv/bin/python bench/report_pdf.py

Builds the sample report (reports/sample.py: ten chosen signals, the month's other candidates,
both charts) BENCH_BUILDS times (default 5, after one warm-up build, which also loads Pango
and the fonts) and times each build from the document to the PDF's bytes: rendering the
template, the charts and WeasyPrint's layout. No database is involved.

The last line is the result, with the issue's target:

    report_pdf: median 0.84 s over 5 builds (target <= 2 s)
"""

import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

N_BUILDS = int(os.environ.get("BENCH_BUILDS", "5"))
TARGET_SECONDS = 2


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    # WeasyPrint reports each step of its work at INFO; the timings are what matters here.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)

    from reports.pdf import build_pdf
    from reports.sample import sample_document

    document = sample_document(n_signals=10)
    size = len(build_pdf(document))
    timings = []
    for _ in range(N_BUILDS):
        started = time.perf_counter()
        build_pdf(document)
        timings.append(time.perf_counter() - started)
    print(f"builds: {', '.join(f'{t:.2f}' for t in timings)} s; PDF {size / 1024:.0f} KiB")
    median = statistics.median(timings)
    print(
        f"report_pdf: median {median:.2f} s over {N_BUILDS} builds (target <= {TARGET_SECONDS} s)"
    )


if __name__ == "__main__":
    main()
