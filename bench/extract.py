"""Benchmark: what extraction costs, per article and over a corpus.

    python -m bench.extract [--articles 5000] [--dev PATH] [--repeat 3] [--skip-corpus]

1. CPU time per article (time.process_time) for the seed articles and the dev texts:
   the whole extraction (the spaCy pipeline, then the rules) and, measured side by side on
   the same texts, the spaCy pipeline alone; their ratio shows what the rules add (target
   at most 1.3). Also the rules alone, re-deriving from a kept analysis.
2. `derive-articles` over a generated corpus (bench/corpus.py, 5,000 articles by default)
   loaded into a scratch warehouse: articles per second with one worker process and with
   two (target: two at least 1.7 times one), each on a fresh copy so no kept analysis is
   reused; then a re-derivation from the kept analyses (rules only).

The machine's load (`uptime`) is printed before and after: on a shared machine the
figures, the two-worker ratio most of all, are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.corpus import generate_corpus
from flows.extract_workers import ExtractionWorkers, process_extractor
from flows.pipeline import derive_articles, ingest_batch, parse_files
from parsers.extraction import Extractor
from parsers.model import Article
from warehouse import Warehouse

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DEV_GOLD = ROOT.parent / "shared" / "dev" / "dev.gold.json"
RATIO_TARGET = 1.3
SPEEDUP_TARGET = 1.7
LOAD_BATCH = 500
DERIVE_BATCH = 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000, help="corpus size")
    parser.add_argument("--dev", type=Path, default=DEV_GOLD, help="dev gold file")
    parser.add_argument("--repeat", type=int, default=3, help="timings per article")
    parser.add_argument("--skip-corpus", action="store_true", help="per-article part only")
    args = parser.parse_args()
    print(f"load: {uptime()}")
    extractor = process_extractor()
    print(f"model: {extractor.model}; extractor {extractor.version}")
    seeds = [a for a in (_parse(p) for p in sorted(SEEDS.glob("*.txt"))) if a is not None]
    per_article("seeds", seeds, extractor, args.repeat * 3)
    if args.dev.exists():
        per_article("dev", dev_articles(args.dev), extractor, args.repeat)
    else:
        print(f"dev: {args.dev} not found, skipped")
    if not args.skip_corpus:
        corpus(args.articles)
    print(f"load: {uptime()}")


# -- per article ---------------------------------------------------------------------------
def per_article(label: str, articles: Sequence[Article], extractor: Extractor, repeat: int) -> None:
    for article in articles[:3]:
        extractor.extract(article)  # warm-up: first calls build caches
    whole, model, rules = [], [], []
    for article in articles:
        w, m, r = [], [], []
        for _ in range(repeat):
            # Side by side on the same text: the pipeline alone, then everything.
            started = time.process_time()
            (analysis,) = extractor.analyse([article])
            m.append(time.process_time() - started)
            started = time.process_time()
            extractor.extract(article)
            w.append(time.process_time() - started)
            started = time.process_time()
            extractor.extract(article, analysis)
            r.append(time.process_time() - started)
        whole.append(statistics.median(w) * 1000)
        model.append(statistics.median(m) * 1000)
        rules.append(statistics.median(r) * 1000)
    ratio = sum(whole) / sum(model)
    print(
        f"{label}: {len(articles)} articles, CPU ms per article: whole extraction median "
        f"{statistics.median(whole):.1f}, p90 {_p90(whole):.1f}; spaCy pipeline alone median "
        f"{statistics.median(model):.1f}, p90 {_p90(model):.1f}; rules alone (from a kept "
        f"analysis) median {statistics.median(rules):.1f}, p90 {_p90(rules):.1f}"
    )
    print(
        f"{label}: whole / spaCy alone = {ratio:.2f} "
        f"({'ok' if ratio <= RATIO_TARGET else 'MISSED'}: target <= {RATIO_TARGET})"
    )


def dev_articles(gold: Path) -> list[Article]:
    entries = json.loads(gold.read_text("utf-8"))["articles"]
    return [a for a in (_parse(ROOT / e["file"]) for e in entries) if a is not None]


def _parse(path: Path) -> Article | None:
    (parsed,) = parse_files([str(path)]).documents
    return parsed.article


def _p90(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]


# -- over a corpus -------------------------------------------------------------------------
def corpus(count: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-extract-") as tmp:
        workdir = Path(tmp)
        started = time.perf_counter()
        files = generate_corpus(workdir / "corpus", count=count)
        loaded = workdir / "loaded.duckdb"
        warehouse = Warehouse(loaded)
        for start in range(0, len(files), LOAD_BATCH):
            chunk = [str(f) for f in files[start : start + LOAD_BATCH]]
            ingest_batch(chunk, warehouse, "bench")
        del warehouse
        print(
            f"corpus: {len(files)} files generated and loaded in "
            f"{time.perf_counter() - started:.0f} s"
        )
        rates = {}
        for workers in (1, 2):
            db = workdir / f"derive-{workers}.duckdb"
            shutil.copy(loaded, db)
            rates[workers] = derive_rate(db, workers, everything=False)
            print(
                f"derive-articles, {workers} worker{'s' if workers > 1 else ''}: "
                f"{rates[workers]:.1f} articles/s  (load: {uptime()})"
            )
        speedup = rates[2] / rates[1]
        print(
            f"two workers / one = {speedup:.2f} "
            f"({'ok' if speedup >= SPEEDUP_TARGET else 'MISSED'}: target >= {SPEEDUP_TARGET}; "
            f"{os.cpu_count()} cores seen, shared with other work)"
        )
        kept = derive_rate(workdir / "derive-2.duckdb", 2, everything=True)
        print(f"re-derive from kept analyses (rules only), 2 workers: {kept:.1f} articles/s")


def derive_rate(db: Path, workers: int, *, everything: bool) -> float:
    """Articles per second of the derive loop (as the flow runs it, without Prefect)."""
    warehouse = Warehouse(db)
    extractor = process_extractor()
    todo = warehouse.articles_to_derive(extractor.version, everything=everything)
    before = _cpu_seconds()
    with ExtractionWorkers(workers, extractor) as pool:
        # Start the workers (each loads the model) before the clock: that is a cost per
        # run, not per article.
        derive_articles(todo[:16], warehouse, workers=pool)
        rest = todo[16:]
        started = time.perf_counter()
        for start in range(0, len(rest), DERIVE_BATCH):
            derive_articles(rest[start : start + DERIVE_BATCH], warehouse, workers=pool)
        elapsed = time.perf_counter() - started
    busy = (_cpu_seconds() - before) / elapsed if elapsed else 0.0
    # CPU of this process and its workers (their start-up included) over the timed wall
    # time: how many cores the run got. Below the number of workers, other work on the
    # machine took the rest.
    print(f"  ({workers} worker{'s' if workers > 1 else ''}: cores busy ~{busy:.2f})")
    return len(rest) / elapsed if elapsed else 0.0


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def uptime() -> str:
    try:
        return subprocess.run(
            ["uptime"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        return f"loadavg {os.getloadavg()}"


if __name__ == "__main__":
    main()
