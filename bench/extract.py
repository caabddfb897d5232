"""Benchmark: extraction time of one article (entities, quotes, events), median of many.

    python -m bench.extract [--repeat 200]

Runs the extractor on each seed article (about 6 KB of text each) and prints the
median, 90th percentile and mean time per article. The target is a median under 10 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from parsers import parse_document
from parsers.extraction import Extractor

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TARGET_MS = 10.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    started = time.perf_counter()
    extractor = Extractor()
    print(f"reference indexed in {(time.perf_counter() - started) * 1000:.0f} ms (once a process)")
    for path in sorted(SEEDS.glob("*.txt")):
        article = parse_document(path.read_bytes())
        size = sum(len(p.text) for p in article.paragraphs)
        extractor.extract(article)  # warm-up
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            extractor.extract(article)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        median = statistics.median(timings)
        print(
            f"{path.name}: {size / 1000:.1f} KB of text, median {median:.2f} ms, "
            f"p90 {timings[int(len(timings) * 0.9)]:.2f} ms, "
            f"mean {statistics.fmean(timings):.2f} ms "
            f"({'ok' if median < TARGET_MS else 'MISSED'}: target < {TARGET_MS:.0f} ms)"
        )


if __name__ == "__main__":
    main()
