"""`make faults`: hostile inputs against peninsula, one table of what happened.

Builds each input in a temporary folder (files) or on a loopback server (feeds), runs
the real `peninsula` command against it, and compares the warehouse with a clean run of
the same good inputs: articles lost or doubled, peak RSS of the command, time, and
whether the warehouse can still be written afterwards. One Prefect server (the one
`peninsula serve` uses, flows/server_process) serves every run, so no case waits for a
temporary one; its CORS answer to a foreign web page is a case too.

Covers issue 13 rows 3, 4, 6, 7 and 8 (CORS). Every case is bounded (CASE_TIMEOUT).
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from flows.logfiles import LineLog
from flows.server_process import ManagedServer
from tests.feed_site import Site, rss, write_sources, yonhap_page
from warehouse import Warehouse, WarehouseError

ROOT = Path(__file__).resolve().parent.parent
PENINSULA = Path(sys.executable).parent / "peninsula"
SEEDS = ROOT / "seeds"
CASE_TIMEOUT = 120.0
T0 = datetime(2024, 3, 2, tzinfo=UTC)


@dataclass
class Outcome:
    case: str
    outcome: str
    seconds: float
    peak_rss_mb: float
    lost: int
    doubled: int
    writable: bool


@dataclass
class Run:
    code: int | None  # None: killed at the case timeout
    seconds: float
    peak_rss_mb: float
    output: str


def run_peninsula(arguments: list[str], env: dict[str, str], log: Path) -> Run:
    """The command in a child process; its peak RSS from wait4 (children included)."""
    started = time.monotonic()
    with open(log, "w") as out:
        child = subprocess.Popen([str(PENINSULA), *arguments], env=env, stdout=out, stderr=out)
        code: int | None = None
        while time.monotonic() - started < CASE_TIMEOUT:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                code = os.waitstatus_to_exitcode(status)
                break
            time.sleep(0.1)
        else:
            child.kill()
            _, _, usage = os.wait4(child.pid, 0)
        child.returncode = code if code is not None else -9
    return Run(code, time.monotonic() - started, usage.ru_maxrss / 1024, log.read_text())


def articles(db: Path) -> int:
    return Warehouse(db).table_counts()["articles"] if db.exists() else 0


def writable(db: Path) -> bool:
    try:
        Warehouse(db).check_writable()
    except WarehouseError:
        return False
    return True


def summarize(run: Run, expect: str) -> str:
    if run.code is None:
        return f"KILLED after {CASE_TIMEOUT:g} s"
    if run.code == 0:
        counts = [line.strip() for line in run.output.splitlines() if " new, " in line]
        return "exit 0, loaded: " + (counts[0][:90] if counts else "(no counts line)")
    lines = [line.strip() for line in run.output.splitlines() if expect in line]
    reason = lines[0] if lines else f"(no line naming {expect!r})"
    return f"exit {run.code}: {reason[:150]}"


def compared(case: str, outcome: str, run: Run, expected: int, db: Path) -> Outcome:
    """The case's row: articles lost or doubled against the clean run's count."""
    got = articles(db)
    lost, doubled = max(0, expected - got), max(0, got - expected)
    return Outcome(case, outcome, run.seconds, run.peak_rss_mb, lost, doubled, writable(db))


# -- file cases ----------------------------------------------------------------------------
def good_folder(work: Path) -> Path:
    folder = work / "inbox"
    shutil.copytree(SEEDS, folder)
    return folder


def with_fifo(folder: Path) -> str:
    os.mkfifo(folder / "pipe.txt")
    return "pipe.txt"


def with_dev_zero(folder: Path) -> str:
    os.symlink("/dev/zero", folder / "zero.txt")
    return "zero.txt"


def with_socket(folder: Path) -> str:
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(folder / "socket.txt"))
    _keep.append(listener)
    return "socket.txt"


def with_huge_file(folder: Path) -> str:
    with open(folder / "huge.txt", "wb") as handle:  # sparse: 3 GB on no disk space
        handle.truncate(3_000_000_000)
    return "huge.txt"


def with_odd_name(folder: Path) -> str:
    odd = os.path.join(os.fsencode(folder), b"caf\xe9 report.txt")
    with open(odd, "wb") as handle:
        handle.write(b"Cafe opens in Pyongyang\n\nA cafe opened in the capital on Monday.")
    return "caf\\xe9"


_keep: list[socket.socket] = []
FILE_CASES: list[tuple[str, Callable[[Path], str], int]] = [
    # (case, how the folder is spoiled, articles it adds to the clean run)
    ("row 3: FIFO in the folder", with_fifo, 0),
    ("row 3: symlink to /dev/zero", with_dev_zero, 0),
    ("row 3: unix socket in the folder", with_socket, 0),
    ("row 3: 3 GB file (sparse)", with_huge_file, 0),
    ("row 4: non-UTF-8 file name", with_odd_name, 1),
]


def file_cases(work: Path, env: dict[str, str]) -> list[Outcome]:
    clean_db = work / "clean.duckdb"
    clean = run_peninsula(
        ["ingest", str(good_folder(work / "clean")), "--db", str(clean_db)], env, work / "clean.log"
    )
    assert clean.code == 0, clean.output
    baseline = articles(clean_db)
    results = []
    for number, (case, spoil, adds) in enumerate(FILE_CASES):
        folder = good_folder(work / f"case{number}")
        named = spoil(folder)
        db = work / f"case{number}.duckdb"
        run = run_peninsula(
            ["ingest", str(folder), "--db", str(db)], env, work / f"case{number}.log"
        )
        results.append(compared(case, summarize(run, named), run, baseline + adds, db))
    return results


# -- feed cases ----------------------------------------------------------------------------
def trickle(_request: Request) -> Response:
    def drip() -> Iterator[bytes]:
        for _ in range(600):  # a byte a second for ten minutes
            time.sleep(1.0)
            yield b"x"

    return Response(drip(), content_type="text/html")


def feed_cases(work: Path, env: dict[str, str]) -> list[Outcome]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    site = Site(server)
    try:
        for n in (1, 2):
            site.page(f"/view/{n}", yonhap_page(n))
        good = [(f"yna-{n}", site.url(f"/view/{n}"), T0 + timedelta(minutes=n)) for n in (1, 2)]
        never = ["javascript:alert(1)", "data:text/html,<p>x</p>", "mailto:desk@example.org",
                 "ftp://example.org/a.txt", "http://10.1.2.3/view/9"]  # fmt: skip
        odd = [(f"odd-{i}", u, T0 + timedelta(minutes=10 + i)) for i, u in enumerate(never)]
        slow_host = f"http://localhost:{server.port}"
        site.handler("/slow/1", trickle)
        slow = [("slow-1", f"{slow_host}/slow/1", T0 + timedelta(minutes=30))]
        site.feed("/clean.xml", rss(good), etag='"c"', last_modified=T0)
        site.feed("/never.xml", rss(good + odd), etag='"n"', last_modified=T0)
        site.feed("/slow.xml", rss(good + slow), etag='"s"', last_modified=T0)
        deadline = 5.0
        fetch = {"response_deadline_seconds": deadline, "read_timeout_seconds": 3}

        def sources(name: str) -> Path:
            path = write_sources(
                work / f"{name}.yaml",
                [("yonhap", "yonhap_html", site.url(f"/{name}.xml"))],
                **fetch,
            )
            # localhost resolves to ::1 as well: allow it (the sources file lists 127/8).
            path.write_text(path.read_text().replace('"127.0.0.0/8"', '"127.0.0.0/8", "::1/128"'))
            return path

        def ingest(name: str, db: Path, tag: str) -> Run:
            arguments = ["ingest-feeds", "--sources", str(sources(name)), "--db", str(db)]
            return run_peninsula(arguments, env, work / f"{tag}.log")

        clean_db = work / "feeds-clean.duckdb"
        clean = ingest("clean", clean_db, "feeds-clean")
        assert clean.code == 0, clean.output
        baseline = articles(clean_db)
        results = []
        db = work / "never.duckdb"
        first = ingest("never", db, "never-1")
        site.feed("/never.xml", rss(good + odd), etag='"n2"', last_modified=T0)
        second = ingest("never", db, "never-2")
        failed = [line for line in first.output.splitlines() if line.startswith("failed ")]
        example = failed[0][:70] if failed else "none named"
        outcome = (
            f"exit {first.code}: {len(failed)} links failed for good ({example}...); "
            f"the next run: exit {second.code}"
        )
        case = "row 7: javascript:/data:/mailto:/ftp:/private links"
        results.append(compared(case, outcome, first, baseline, db))
        db = work / "slow.duckdb"
        run = ingest("slow", db, "slow")
        case = f"row 6: 1 byte/s page (deadline {deadline:g} s)"
        results.append(compared(case, summarize(run, "cut off"), run, baseline, db))
        return results
    finally:
        server.clear()
        server.stop()


def cors_case(server: ManagedServer) -> Outcome:
    started = time.monotonic()
    answer = httpx.options(
        f"{server.api}/deployments/filter",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    allowed = answer.headers.get("access-control-allow-origin")
    outcome = f"foreign Origin: {'ALLOWED ' + allowed if allowed else 'refused (no CORS header)'}"
    return Outcome("row 8: a foreign web page calls the API", outcome,
                   time.monotonic() - started, 0.0, 0, 0, True)  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one table, not a request log
    work = Path(tempfile.mkdtemp(prefix="peninsula-faults-"))
    home = work / "prefect"
    (home / "logs").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    os.environ.update(env)
    server = ManagedServer(free_port(), LineLog(home / "logs" / "server.log"))
    print(f"starting a Prefect server for every case ({work}) ...", flush=True)
    began = time.monotonic()
    try:
        env["PREFECT_API_URL"] = server.start()
        print(f"server up in {time.monotonic() - began:.0f} s", flush=True)
        results = [*file_cases(work, env), *feed_cases(work, env), cors_case(server)]
    finally:
        server.stop()
        for listener in _keep:
            listener.close()
    print()
    print(f"{'case':<48} {'time':>6} {'RSS MB':>7} {'lost':>4} {'dbl':>4} {'writable':>8}  outcome")
    for r in results:
        print(f"{r.case:<48} {r.seconds:>5.1f}s {r.peak_rss_mb:>7.0f} {r.lost:>4} {r.doubled:>4} "
              f"{'yes' if r.writable else 'NO':>8}  {r.outcome}")  # fmt: skip
    print(f"\nall cases in {time.monotonic() - began:.0f} s; logs in {work}")
    held = all(r.lost == 0 == r.doubled and r.writable and r.seconds <= 60 for r in results)
    print("every row held" if held else "SOME ROW DID NOT HOLD")
    if held:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if held else 1)


if __name__ == "__main__":
    main()
