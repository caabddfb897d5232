"""Benchmark: full-text search on a warehouse of generated bench articles.

    python -m bench.search [--count 10000]

Loads `count` bench articles (bench/corpus.py) with the load path of the flows, without
Prefect, then prints:
- the first build of the fts index;
- keeping it current after a run that brings 1% new articles: the incremental update
  that runs at the end of every run, against a full rebuild of the same state, side by
  side on copies of one file;
- search latency, median of 20 queries, as `peninsula search` runs them (a fresh
  read-only connection, the extension loaded, ranked, best passage per article, the
  words to highlight), and the median of 5 whole `peninsula search` processes.

The bench articles are not derived (extraction would take most of an hour here), so the
index holds titles and paragraphs; quotes add one passage per quote.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import generate_corpus
from flows.pipeline import ingest_batch
from warehouse import Warehouse
from warehouse.search import refresh_index, search

QUERIES = (
    "Yongbyon enrichment",
    "Stockholm working-level talks",
    "denuclearization negotiations",
    "sanctions relief",
    "Kim Jong Un",
    "Hanoi summit Trump",
    "high-pressure tactics",
    "nuclear facility dismantle",
    "United Nations sanctions textile coal",
    "State Department spokesperson",
    "Korean Peninsula",
    "security guarantee",
    "experts familiar tactic",
    "Pyongyang walks away",
    "Singapore joint statement",
    "missile launch",
    "end of the year deadline",
    "U.S. negotiators creative ideas",
    "Vostochny cosmodrome",
    "김여정",
)
NEW_SHARE = 0.01
LOAD_BATCH = 1000
CLI_RUNS = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="peninsula-bench-search-") as work:
        run(Path(work), args.count)


def load(warehouse: Warehouse, files: list[Path], run_id: str) -> None:
    paths = [str(p) for p in files]
    for start in range(0, len(paths), LOAD_BATCH):
        ingest_batch(paths[start : start + LOAD_BATCH], warehouse, run_id)


def run(work: Path, count: int) -> None:
    started = time.perf_counter()
    files = generate_corpus(work / "corpus", count=count)
    new_files = generate_corpus(work / "new", count=max(1, int(count * NEW_SHARE)), seed=8)
    db = work / "bench.duckdb"
    warehouse = Warehouse(db)
    load(warehouse, files, "bench-1")
    print(f"{count} bench articles generated and loaded in {time.perf_counter() - started:.1f} s")

    first = refresh_index(warehouse)
    print(f"first build: {first.passages} passages in {first.seconds:.2f} s")

    load(warehouse, new_files, "bench-2")
    shutil.copy(db, work / "rebuild.duckdb")
    update = refresh_index(warehouse)
    rebuild = refresh_index(Warehouse(work / "rebuild.duckdb"), rebuild=True)
    print(
        f"after a run bringing {len(new_files)} new articles ({update.added} passages): "
        f"incremental update {update.seconds:.2f} s, full rebuild {rebuild.seconds:.2f} s "
        f"(update/rebuild = {update.seconds / rebuild.seconds:.2f})"
    )
    assert not update.rebuilt and rebuild.rebuilt and update.passages == rebuild.passages

    timings, cpu, hits = [], [], []
    for query in QUERIES:
        began, began_cpu = time.perf_counter(), time.process_time()
        result = search(warehouse, query, limit=10)
        timings.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
        hits.append(len(result.hits))
    ms = sorted(t * 1000 for t in timings)
    print(
        f"search latency over {first.passages + update.added} passages, {len(QUERIES)} queries: "
        f"median {statistics.median(ms):.0f} ms, p90 {ms[int(0.9 * len(ms)) - 1]:.0f} ms, "
        f"max {ms[-1]:.0f} ms ({sum(1 for h in hits if h)} queries with results); "
        f"CPU per query (all threads), median {statistics.median(cpu) * 1000:.0f} ms"
    )

    peninsula = Path(sys.executable).parent / "peninsula"
    wall = []
    for query in QUERIES[:CLI_RUNS]:
        began = time.perf_counter()
        subprocess.run(
            [str(peninsula), "search", query, "--db", str(db), "--format", "json"],
            check=True,
            capture_output=True,
        )
        wall.append(time.perf_counter() - began)
    print(
        f"`peninsula search` as a process (interpreter start included): "
        f"median {statistics.median(wall) * 1000:.0f} ms over {CLI_RUNS} runs"
    )


if __name__ == "__main__":
    main()
