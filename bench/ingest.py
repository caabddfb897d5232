"""Benchmark: a first ingest and a rerun of a generated corpus through the load-files flow.

    python -m bench.ingest [--count 5000]

Prints, for each run: articles per second, wall time of the flow (as the Prefect server
recorded it, flow start to flow end, and as the caller saw it), and the peak memory of
the process that ran it. The Prefect server is started first and its start-up time is
reported apart.

The first ingest and the rerun run in one process, one after the other, as a served
deployment or a worker runs them. A second rerun in a fresh process shows what a
one-off `peninsula ingest` pays on top: Prefect's and DuckDB's first-use costs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.corpus import generate_corpus

TARGET_RATE = 500.0  # articles per second, first ingest
TARGET_RERUN_SHARE = 0.05  # rerun time as a share of the first ingest's
TARGET_PEAK_MB = 500.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--runs", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--derive", metavar="DB", help=argparse.SUPPRESS)
    parser.add_argument("--child", nargs=2, metavar=("CORPUS", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.derive:
        run_derive_child(Path(args.derive))
    elif args.child:
        run_child(Path(args.child[0]), Path(args.child[1]), args.batch_size, args.runs)
    else:
        run_benchmark(args.count, args.batch_size)


def run_benchmark(count: int, batch_size: int | None) -> None:
    with tempfile.TemporaryDirectory(prefix="peninsula-bench-") as work:
        workdir = Path(work)
        started = time.perf_counter()
        files = generate_corpus(workdir / "corpus", count=count)
        size_mb = sum(f.stat().st_size for f in files) / 1e6
        print(
            f"corpus: {len(files)} files, {size_mb:.1f} MB, generated in "
            f"{time.perf_counter() - started:.1f} s"
        )

        env = {
            **os.environ,
            "PREFECT_HOME": str(workdir / "prefect"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_UI_ENABLED": "false",
            "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
        }
        server, api_url, startup = start_prefect_server(env)
        print(f"prefect server: started in {startup:.1f} s (not counted below)")
        env["PREFECT_API_URL"] = api_url
        try:
            db = workdir / "bench.duckdb"
            first, rerun = child_runs(workdir / "corpus", db, batch_size, env, runs=2)
            report("first ingest", first)
            report("rerun, same process", rerun)
            (cold,) = child_runs(workdir / "corpus", db, batch_size, env, runs=1)
            report("rerun, fresh process", cold)
            derive = child_derive(db, env)
            print(
                f"derive-articles (entities, quotes, events; not part of the load figures): "
                f"{derive['articles']} articles in {derive['flow_s']:.1f} s "
                f"({derive['articles'] / derive['flow_s']:.0f} articles/s), "
                f"peak memory {derive['peak_mb']:.0f} MB"
            )
        finally:
            server.terminate()
            server.wait(timeout=30)

    share = rerun["flow_s"] / first["flow_s"]
    cold_share = cold["flow_s"] / first["flow_s"]
    print()
    print(
        f"first ingest rate: {first['new'] / first['flow_s']:.0f} articles/s "
        f"(target >= {TARGET_RATE:.0f}) {verdict(first['new'] / first['flow_s'] >= TARGET_RATE)}"
    )
    print(
        f"rerun / first ingest: {share:.1%} (target <= {TARGET_RERUN_SHARE:.0%}) "
        f"{verdict(share <= TARGET_RERUN_SHARE)}; in a fresh process {cold_share:.1%}"
    )
    peak = max(first["peak_mb"], rerun["peak_mb"], cold["peak_mb"])
    print(
        f"peak memory: {peak:.0f} MB (target < {TARGET_PEAK_MB:.0f} MB) "
        f"{verdict(peak < TARGET_PEAK_MB)}"
    )


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def report(label: str, run: dict) -> None:
    rate = run["seen"] / run["flow_s"] if run["flow_s"] else float("nan")
    print(
        f"{label}: {run['new']} new, {run['unchanged']} unchanged, {run['failed']} failed; "
        f"flow {run['flow_s']:.2f} s ({rate:.0f} files/s), caller wall {run['wall_s']:.2f} s, "
        f"peak memory {run['peak_mb']:.0f} MB"
    )


def start_prefect_server(env: dict[str, str]) -> tuple[subprocess.Popen, str, float]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    prefect = Path(sys.executable).parent / "prefect"
    started = time.perf_counter()
    server = subprocess.Popen(
        [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    api_url = f"http://127.0.0.1:{port}/api"
    deadline = started + 180
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"prefect server exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
                if response.status == 200:
                    return server, api_url, time.perf_counter() - started
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("prefect server did not answer /api/health within 180 s")


def child_runs(
    corpus: Path, db: Path, batch_size: int | None, env: dict[str, str], runs: int
) -> list[dict]:
    command = [sys.executable, "-m", "bench.ingest", "--child", str(corpus), str(db)]
    command += ["--runs", str(runs)]
    if batch_size:
        command += ["--batch-size", str(batch_size)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"benchmark run failed:\n{result.stderr}")
    return [json.loads(line) for line in result.stdout.strip().splitlines()[-runs:]]


def child_derive(db: Path, env: dict[str, str]) -> dict:
    command = [sys.executable, "-m", "bench.ingest", "--derive", str(db)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"derive run failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_derive_child(db: Path) -> None:
    from prefect.client.orchestration import get_client

    from flows.derive import derive_flow

    state = derive_flow(db=str(db), return_state=True)
    summary = state.result(raise_on_failure=False)
    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(state.state_details.flow_run_id)
    record = {
        "articles": summary.derived,
        "flow_s": (flow_run.end_time - flow_run.start_time).total_seconds(),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(json.dumps(record), flush=True)


def run_child(corpus: Path, db: Path, batch_size: int | None, runs: int) -> None:
    from prefect.client.orchestration import get_client

    from flows.load_files import DEFAULT_BATCH_SIZE, load_files

    for _ in range(runs):
        started = time.perf_counter()
        state = load_files(
            paths=[str(corpus)],
            db=str(db),
            batch_size=batch_size or DEFAULT_BATCH_SIZE,
            return_state=True,
        )
        wall = time.perf_counter() - started
        summary = state.result(raise_on_failure=False)
        with get_client(sync_client=True) as client:
            flow_run = client.read_flow_run(state.state_details.flow_run_id)
        counts = summary.report.counts
        record = {
            "seen": counts.seen,
            "new": counts.new,
            "unchanged": counts.unchanged,
            "failed": counts.failed,
            "flow_s": (flow_run.end_time - flow_run.start_time).total_seconds(),
            "wall_s": wall,
            # Peak so far in this process: for a rerun, the first ingest's peak included.
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
        print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
