"""The parse half of the ingest benchmark: the sample feeds, and how fast they are read.

    .venv/bin/python bench/_feeds.py [directory]        # default scanning/sample_feeds

Prints, for feedparser.parse(body) with its defaults and for scanning.parsing.parse_feed,
the entries read per second over the XML files (each parsed REPEAT times, in ROUNDS
alternating rounds, the best round kept), and the ratio. bench/ingest.py
imports load_feeds() and time_parsing() for the whole parse → clean → dedup → store run.
"""

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DIRECTORY = ROOT / "scanning" / "sample_feeds"
FEED_SUFFIXES = {".rss", ".atom", ".xml", ".json"}
REPEAT = int(os.environ.get("BENCH_FEED_REPEAT", "50"))
ROUNDS = 5


@dataclass(frozen=True)
class SampleFeed:
    name: str
    body: bytes
    url: str  # an address on the publisher's site, for resolving relative links


def load_feeds(directory: Path | str = DEFAULT_DIRECTORY) -> list[SampleFeed]:
    """Every feed file in the directory, by name."""
    paths = sorted(p for p in Path(directory).iterdir() if p.suffix in FEED_SUFFIXES)
    return [SampleFeed(p.name, p.read_bytes(), f"https://feeds.example/{p.name}") for p in paths]


def time_parsing(parse, feeds: list[SampleFeed], repeat: int = REPEAT) -> tuple[int, float]:
    """(entries read, seconds taken) for parse(feed) on every feed, `repeat` times each."""
    entries = 0
    started = time.perf_counter()
    for feed in feeds:
        for _ in range(repeat):
            entries += parse(feed)
    return entries, time.perf_counter() - started


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import feedparser

    from scanning.parsing import parse_feed

    feeds = load_feeds(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_DIRECTORY)
    # JSON Feed is not something feedparser reads: both sides are timed on the XML files.
    xml_feeds = [f for f in feeds if not f.name.endswith(".json")]
    parsers = {
        "feedparser.parse defaults": lambda f: len(feedparser.parse(f.body).entries),
        "parse_feed": lambda f: len(parse_feed(f.body, url=f.url).entries),
    }
    for parse in parsers.values():
        time_parsing(parse, xml_feeds, repeat=2)  # warm up imports and caches
    # Rounds alternate between the two and each keeps its best, so a busy machine (other
    # processes, CPU frequency) skews both alike rather than whichever ran during the noise.
    best: dict[str, tuple[int, float]] = {}
    for _ in range(ROUNDS):
        for name, parse in parsers.items():
            entries, seconds = time_parsing(parse, xml_feeds, repeat=max(1, REPEAT // ROUNDS))
            if name not in best or seconds < best[name][1]:
                best[name] = (entries, seconds)
    results = {}
    for name, (entries, seconds) in best.items():
        results[name] = entries / seconds
        print(f"{name}: {entries} entries in {seconds:.2f}s, {entries / seconds:,.0f} entries/s")
    ratio = results["parse_feed"] / results["feedparser.parse defaults"]
    print(f"parse_feed is {ratio:.1f}x feedparser.parse with its defaults")


if __name__ == "__main__":
    main()
