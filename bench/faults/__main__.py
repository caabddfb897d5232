"""Run every case of the fault suite and print one table (see bench/faults/__init__.py).

`python -m bench.faults [GROUP ...]` runs only the groups named (files, growth, feeds,
api, crashes).
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import tempfile
import time
from pathlib import Path

from bench.faults import api, crashes, feeds, files, growth
from bench.faults.common import CASE_SECONDS, RSS_LIMIT_MB, Context, Outcome, load_average
from flows.logfiles import LineLog
from flows.server_process import ManagedServer

GROUPS = {"growth": growth, "files": files, "feeds": feeds, "api": api, "crashes": crashes}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def table(results: list[Outcome]) -> None:
    print(
        f"{'case':<54} {'time':>6} {'CPU':>6} {'RSS MB':>7} {'lost':>4} {'dbl':>4} "
        f"{'write':>5} {'held':>4}  outcome"
    )
    for r in results:
        write = "-" if r.writable is None else "yes" if r.writable else "NO"
        cpu = f"{r.cpu_seconds:>5.1f}s" if r.cpu_seconds else f"{'-':>6}"
        print(
            f"{r.case:<54} {r.seconds:>5.1f}s {cpu} {r.peak_rss_mb:>7.0f} {r.lost:>4} "
            f"{r.doubled:>4} {write:>5} {'yes' if r.held else 'NO':>4}  {r.outcome}"
        )


def main(names: list[str]) -> int:
    unknown = sorted(set(names) - set(GROUPS))
    if unknown:
        print(f"unknown group(s) {', '.join(unknown)}; known: {', '.join(GROUPS)}")
        return 2
    chosen = {name: GROUPS[name] for name in names or GROUPS}
    work = Path(tempfile.mkdtemp(prefix="peninsula-faults-"))
    home = work / "prefect"
    (home / "logs").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(
        PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", PYTHONUNBUFFERED="1"
    )
    os.environ.update(env)
    server = ManagedServer(free_port(), LineLog(home / "logs" / "server.log"))
    print(f"starting a Prefect server for every case ({work}; {load_average()}) ...", flush=True)
    began = time.monotonic()
    results: list[Outcome] = []
    try:
        ctx = Context(work, env, api=server.start())
        env["PREFECT_API_URL"] = ctx.api
        print(f"server up in {time.monotonic() - began:.0f} s", flush=True)
        for name, module in chosen.items():
            for case in module.CASES:
                started = time.monotonic()
                print(f"{name}.{case.__name__} ...", end=" ", flush=True)
                try:
                    results.extend(case(ctx))
                except Exception as exc:  # one broken case must not cost the table
                    results.append(
                        Outcome(
                            f"{name}.{case.__name__}",
                            f"CRASHED: {exc!r}"[:200],
                            time.monotonic() - started,
                            0.0,
                            sound=False,
                        )
                    )
                print(f"{time.monotonic() - started:.0f} s ({load_average()})", flush=True)
    finally:
        server.stop()
    print()
    table(results)
    pending = {row: why for m in chosen.values() for row, why in getattr(m, "PENDING", {}).items()}
    for row, why in pending.items():
        blank = " " * (6 + 1 + 6 + 1 + 7 + 1 + 4 + 1 + 4 + 1 + 5)
        print(f"{row + ': not run':<54} {blank} {'-':>4}  {why}")
    print(f"\nall cases in {time.monotonic() - began:.0f} s ({load_average()}); logs in {work}")
    print("time: wall seconds, shared with whatever else runs; CPU: the command's own seconds")
    print(
        f"targets: <= {CASE_SECONDS:g} s and <= {RSS_LIMIT_MB:g} MB peak RSS a case, 0 lost, "
        "0 doubled, refusals naming input and limit, writable after"
    )
    missed = [r.case for r in results if not r.held]
    if missed:
        print(f"{len(missed)} of {len(results)} rows did not hold: {'; '.join(missed)}")
    else:
        print(
            f"every row held ({len(results)} rows"
            + (f"; {len(pending)} not run yet)" if pending else ")")
        )
        shutil.rmtree(work, ignore_errors=True)
    return 0 if not missed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
