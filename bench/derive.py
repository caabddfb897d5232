"""Benchmark: derivation as the warehouse grows (`make bench-derive`).

    python -m bench.derive [--sizes 5000,20000,100000] [--add 100] [--text 5000]

For each size it prints the full resolution of every stored article's events (what
`reprocess` does: articles/s, peak memory) and what adding 100 new articles costs: loading
them, and the derive-articles flow (extracting them; resolution and writes), then the
analysts' first query (`SELECT * FROM event_timeline LIMIT 5`). The desk's refresh at
the end of the flow (search index, Atom feed, picture) is shown apart ("desk"); each
warehouse is built with the desk already brought up to date, as every run leaves it.

The text warehouse (`--text`, 5,000 generated article texts, variants of the seeds) goes
through the whole derive flow. The other sizes are filled with article events straight
away (bench/world.py): extracting 100,000 texts takes hours, and extraction is measured
apart, per article. Each step runs in a fresh process, so its peak memory is its own;
flows run against a Prefect server started first.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import generate_corpus
from bench.ingest import start_prefect_server

TARGET_ADD_RATIO = 2.0  # adding 100 at the largest size vs at 5,000
TARGET_REST_S = 10.0  # resolution, writes and views of the 100
TARGET_RATE_DROP = 0.20  # full resolution rate, largest size vs 5,000
TARGET_PEAK_MB = 1536.0
TIMELINE_QUERY = "SELECT * FROM event_timeline LIMIT 5"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,20000,100000")
    parser.add_argument("--text", type=int, default=5000, help="articles derived from text")
    parser.add_argument("--add", type=int, default=100)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(CHILDREN[args.child[0]](*args.child[1:])), flush=True)
        return
    run([int(s) for s in args.sizes.split(",") if s], args.text, args.add)


def run(sizes: list[int], text: int, add: int) -> None:
    with tempfile.TemporaryDirectory(prefix="peninsula-bench-derive-") as work:
        folder = Path(work)
        env = {
            **os.environ,
            "PREFECT_HOME": str(folder / "prefect"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_UI_ENABLED": "false",
            "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
        }
        server, api_url, startup = start_prefect_server(env)
        env["PREFECT_API_URL"] = api_url
        print(f"prefect server: started in {startup:.1f} s (not counted below)")
        print(f"load before: {_load()}")
        try:
            added = folder / "added"
            generate_corpus(added, count=add, seed=8)
            rows = []
            if text:
                corpus = folder / "corpus"
                generate_corpus(corpus, count=text, seed=7)
                db = folder / f"text-{text}.duckdb"
                built = child(env, "text", str(corpus), str(db))
                rows.append(measure(env, f"{text:,} (text, whole derive)", text, db, added, built))
            for size in sizes:
                db = folder / f"world-{size}.duckdb"
                built = child(env, "world", str(size), str(db))
                rows.append(measure(env, f"{size:,} (generated)", size, db, added, built))
        finally:
            server.terminate()
            server.wait(timeout=30)
        print(f"load after: {_load()}")
        report(rows)


def measure(env: dict, label: str, size: int, db: Path, added: Path, built: dict) -> dict:
    # The full resolution on a copy: the add step starts from the warehouse as built.
    copy = db.with_name(db.stem + "-rebuilt.duckdb")
    copy.write_bytes(db.read_bytes())
    full = child(env, "rebuild", str(copy))
    copy.unlink()
    adding = child(env, "add", str(added), str(db))
    row = {"label": label, "size": size, "built": built, "full": full, "add": adding}
    # Each size's figures as soon as they are measured: a later size that fails (hours
    # into a run) must not take the earlier ones with it.
    print(f"{label}: {json.dumps(row)}", flush=True)
    return row


def child(env: dict, name: str, *args: str) -> dict:
    command = [sys.executable, "-m", "bench.derive", "--child", name, *args]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{result.stdout[-3000:]}\n{result.stderr[-6000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# -- children ------------------------------------------------------------------------------
def build_text(corpus: str, db: str) -> dict:
    """Load the corpus and run the derive-articles flow over it: the whole derive."""
    from flows.derive import derive_flow
    from flows.pipeline import ingest_batch
    from warehouse import Warehouse

    files = sorted(str(p) for p in Path(corpus).glob("*.txt"))
    warehouse = Warehouse(db)
    for start in range(0, len(files), 1000):
        ingest_batch(files[start : start + 1000], warehouse, "bench-load")
    started = time.perf_counter()
    state = derive_flow(db=db, return_state=True)
    summary = _summary(state)
    return {
        "articles": summary.derived,
        "derive_s": time.perf_counter() - started,
        "events": summary.events,
        "peak_mb": _peak_mb(),
    }


def build_world(size: str, db: str) -> dict:
    """Fill a warehouse with a generated world's articles and article events."""
    from bench.world import fill
    from flows.pipeline import default_extractor
    from warehouse import Warehouse

    warehouse = Warehouse(db)
    started = time.perf_counter()
    reports_total = fill(warehouse, int(size), default_extractor().version)
    generated = time.perf_counter() - started
    from flows.pipeline import resolve_events

    started = time.perf_counter()
    resolution = resolve_events(warehouse, "bench-build")
    resolved = time.perf_counter() - started
    # The desk (search index, first sightings, feed) as every run leaves it: the add step
    # then pays for its 100 articles, not for indexing the whole generated history.
    from flows.desk import refresh_desk

    refresh_desk.fn(db)
    return {
        "articles": int(size),
        "reports": reports_total,
        "generate_s": generated,
        "resolve_s": resolved,
        "events": len(resolution.new_events),
        "peak_mb": _peak_mb(),
    }


def rebuild(db: str) -> dict:
    """Full resolution: every stored report placed again, as `reprocess` does."""
    from flows.pipeline import resolve_events
    from warehouse import Warehouse

    warehouse = Warehouse(db)
    articles = warehouse.query("SELECT count(DISTINCT article_id), count(*) FROM article_events")
    started = time.perf_counter()
    resolution = resolve_events(warehouse, "bench-rebuild", rebuild=True)
    elapsed = time.perf_counter() - started
    return {
        "articles": articles[1][0][0],
        "reports": articles[1][0][1],
        "seconds": elapsed,
        "events": resolution.changed_events + len(resolution.new_events),
        "peak_mb": _peak_mb(),
    }


def add(added: str, db: str) -> dict:
    """Load 100 new article files and run derive-articles; then the first query."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    from flows.derive import derive_flow
    from flows.pipeline import ingest_batch
    from warehouse import Warehouse

    warehouse = Warehouse(db)
    files = sorted(str(p) for p in Path(added).glob("*.txt"))
    started = time.perf_counter()
    ingest_batch(files, warehouse, "bench-add")
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    state = derive_flow(db=db, return_state=True)
    derive_wall = time.perf_counter() - started
    summary = _summary(state)
    with get_client(sync_client=True) as client:
        flow_run_id = state.state_details.flow_run_id
        flow = client.read_flow_run(flow_run_id)
        tasks = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
    spent: dict[str, float] = {}
    for task in tasks:
        name = task.name.rsplit("-", 1)[0]
        if task.start_time and task.end_time:
            spent[name] = spent.get(name, 0.0) + (task.end_time - task.start_time).total_seconds()
    flow_s = (flow.end_time - flow.start_time).total_seconds()
    started = time.perf_counter()
    warehouse.query(TIMELINE_QUERY)
    timeline = time.perf_counter() - started
    extract = spent.get("extract-batch", 0.0)
    # The desk's refresh after the run (search index, feed, picture: flows/desk.py),
    # measured apart from derivation.
    desk = spent.get("refresh-desk", 0.0)
    return {
        "articles": summary.derived,
        "new_events": len(summary.new_events),
        "changed_events": summary.changed_events,
        "load_s": loaded,
        "flow_s": flow_s,
        "derive_wall_s": derive_wall,
        "extract_s": extract,
        "resolve_s": spent.get("resolve-events", 0.0),
        # Resolution, writes (and the commit), and the analysts' first query.
        "rest_s": flow_s - extract - desk + timeline,
        "desk_s": desk,
        "timeline_s": timeline,
        "peak_mb": _peak_mb(),
    }


def _summary(state: object):
    from flows.derive import DeriveSummary

    summary = state.result(raise_on_failure=False)  # type: ignore[attr-defined]
    if not isinstance(summary, DeriveSummary) or summary.crashed:
        raise RuntimeError(f"derive-articles failed: {state.message}")  # type: ignore[attr-defined]
    return summary


CHILDREN = {"text": build_text, "world": build_world, "rebuild": rebuild, "add": add}


# -- report --------------------------------------------------------------------------------
def report(rows: list[dict]) -> None:
    print()
    print(
        f"{'articles in the warehouse':<30} {'full resolution':>34} | "
        f"{'add 100 articles and derive':>62}"
    )
    print(
        f"{'':<30} {'articles/s':>11} {'reports/s':>10} {'peak RSS':>11} | "
        f"{'wall':>7} {'load':>6} {'extract':>8} {'resolve+write+views':>20} "
        f"{'LIMIT 5':>8} {'desk':>6} {'peak RSS':>9}"
    )
    for row in rows:
        full, added = row["full"], row["add"]
        wall = added["load_s"] + added["derive_wall_s"]
        print(
            f"{row['label']:<30} {full['articles'] / full['seconds']:>11.0f} "
            f"{full['reports'] / full['seconds']:>10.0f} {full['peak_mb']:>8.0f} MB | "
            f"{wall:>6.1f}s {added['load_s']:>5.1f}s {added['extract_s']:>7.1f}s "
            f"{added['rest_s']:>19.1f}s {added['timeline_s']:>7.2f}s "
            f"{added['desk_s']:>5.1f}s {added['peak_mb']:>6.0f} MB"
        )
    for row in rows:
        built = row["built"]
        if "derive_s" in built:
            print(
                f"{row['label']}: whole derive {built['articles']} articles in "
                f"{built['derive_s']:.0f} s ({built['articles'] / built['derive_s']:.0f}/s), "
                f"{built['events']} events, peak {built['peak_mb']:.0f} MB"
            )
        else:
            print(
                f"{row['label']}: {built['reports']} reports generated in "
                f"{built['generate_s']:.0f} s, resolved in {built['resolve_s']:.0f} s into "
                f"{built['events']} events, peak {built['peak_mb']:.0f} MB"
            )
    verdicts(rows)


def verdicts(rows: list[dict]) -> None:
    generated = [r for r in rows if "generated" in r["label"]]
    if len(generated) < 2:
        return
    small, large = generated[0], generated[-1]

    def cost(row: dict) -> float:
        return row["add"]["load_s"] + row["add"]["derive_wall_s"]

    ratio = cost(large) / cost(small)
    print()
    print(
        f"adding {large['add']['articles']} at {large['size']:,} / at {small['size']:,}: "
        f"{ratio:.2f}x (target <= {TARGET_ADD_RATIO:.0f}x) {_ok(ratio <= TARGET_ADD_RATIO)}"
    )
    rest = max(r["add"]["rest_s"] for r in rows)
    print(
        f"resolution, writes and views of the 100, worst size: {rest:.1f} s "
        f"(target <= {TARGET_REST_S:.0f} s) {_ok(rest <= TARGET_REST_S)}"
    )
    rate = [r["full"]["articles"] / r["full"]["seconds"] for r in (small, large)]
    drop = 1 - rate[1] / rate[0]
    print(
        f"full resolution rate at {large['size']:,} vs {small['size']:,}: {rate[1]:.0f} vs "
        f"{rate[0]:.0f} articles/s, {drop:+.0%} slower (target <= {TARGET_RATE_DROP:.0%}) "
        f"{_ok(drop <= TARGET_RATE_DROP)}"
    )
    peak = max(max(r["full"]["peak_mb"], r["add"]["peak_mb"], r["built"]["peak_mb"]) for r in rows)
    print(
        f"peak RSS, any step: {peak:.0f} MB (target <= {TARGET_PEAK_MB:.0f} MB) "
        f"{_ok(peak <= TARGET_PEAK_MB)}"
    )


def _ok(ok: bool) -> str:
    return "ok" if ok else "MISSED"


if __name__ == "__main__":
    main()
