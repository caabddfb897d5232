"""What every fault case shares: running the real command, measuring it, and comparing
its warehouse with a clean run's.

A case is a function of the suite's Context that returns Outcome rows; each module of
this package lists its cases in CASES (and the issue rows it leaves to later work in
PENDING), and `python -m bench.faults` runs them all and prints one table.
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from warehouse import Warehouse, WarehouseError
from warehouse.store import PUBLIC_TABLES

ROOT = Path(__file__).resolve().parents[2]
PENINSULA = Path(sys.executable).parent / "peninsula"
SEEDS = ROOT / "seeds"
# The targets of issue 13, checked for every row.
CASE_SECONDS = 60.0
RSS_LIMIT_MB = 1024.0
# A command still running this long is killed: the row says so and does not hold.
CASE_TIMEOUT = 120.0
# The tables a crash must leave as a clean run does: the contract and the raw documents.
MAIN_TABLES = ("documents", "article_events", *PUBLIC_TABLES)


@dataclass
class Outcome:
    """One row of the table."""

    case: str
    outcome: str
    seconds: float
    peak_rss_mb: float
    lost: int = 0
    doubled: int = 0
    writable: bool | None = True  # None: the case has no warehouse to write
    # False when a refusal does not name its input and limit, or a table differs from
    # the clean run's: the outcome says which.
    sound: bool = True
    # CPU seconds of the timed command and its children (extraction workers): the work
    # the time stands for, which other load on the machine does not change.
    cpu_seconds: float = 0.0

    @property
    def held(self) -> bool:
        return (
            self.sound
            and self.lost == 0 == self.doubled
            and self.writable is not False
            and self.seconds <= CASE_SECONDS
            and self.peak_rss_mb <= RSS_LIMIT_MB
        )


@dataclass
class Context:
    """The suite's working folder and the environment of every command it runs."""

    work: Path
    env: dict[str, str]
    api: str = ""
    _count: int = field(default=0, repr=False)

    def folder(self, name: str) -> Path:
        """A fresh folder for one case: name-N, never reused."""
        self._count += 1
        path = self.work / f"{name}-{self._count}"
        path.mkdir(parents=True)
        return path


@dataclass
class Run:
    code: int | None  # None: killed (at the case timeout, or by the case on purpose)
    seconds: float
    peak_rss_mb: float
    output: str
    cpu_seconds: float = 0.0  # user + system, the command and its waited-for children

    def lines(self, containing: str) -> list[str]:
        return [line.strip() for line in self.output.splitlines() if containing in line]


def load_average() -> str:
    """The machine's 1-minute load average against its cores: how shared the time was."""
    return f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def run_peninsula(
    arguments: list[str],
    ctx: Context,
    log: Path,
    *,
    kill_when: Callable[[str], bool] | None = None,
    timeout: float = CASE_TIMEOUT,
) -> Run:
    """The command in a child process (its own process group), its output in `log`.

    Peak RSS comes from wait4: the largest of the command and its children (extraction
    workers). `kill_when` is asked about the output so far; when it says yes, the whole
    group gets SIGKILL, as a crash or the OOM killer would do it.
    """
    started = time.monotonic()
    with open(log, "w") as out:
        child = subprocess.Popen(
            [str(PENINSULA), *arguments],
            env=ctx.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        code: int | None = None
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                code = os.waitstatus_to_exitcode(status)
                break
            over = time.monotonic() - started > timeout
            if over or (kill_when is not None and kill_when(log.read_text(errors="replace"))):
                os.killpg(child.pid, signal.SIGKILL)
                _, _, usage = os.wait4(child.pid, 0)
                break
            time.sleep(0.05)
        child.returncode = code if code is not None else -9
    _reap_group(child.pid)
    return Run(
        code,
        time.monotonic() - started,
        usage.ru_maxrss / 1024,
        log.read_text(),
        usage.ru_utime + usage.ru_stime,
    )


def _reap_group(pgid: int) -> None:
    """Nothing of a command outlives its row (a worker whose parent was killed)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


def ingest(ctx: Context, paths: list[Path], db: Path, log: Path, *extra: str, **how) -> Run:
    return run_peninsula(["ingest", *map(str, paths), "--db", str(db), *extra], ctx, log, **how)


def articles(db: Path) -> int:
    return Warehouse(db).table_counts()["articles"] if db.exists() else 0


def writable(db: Path) -> bool:
    try:
        Warehouse(db, lock_wait_seconds=10).check_writable()
    except WarehouseError:
        return False
    return True


def loaded_line(run: Run) -> str:
    """The command's counts line ("3 new, ... -> db"), not a Prefect log line (-v)."""
    counts = [line for line in run.lines(" new, ") if " -> " in line]
    return counts[0].split(" -> ")[0] if counts else "(no counts line)"


_LOG_LINE = re.compile(r"^(?P<h>\d\d):(?P<m>\d\d):(?P<s>\d\d\.\d+) \| \w+ +\| (?P<what>.*)$")


def stage_times(run: Run) -> str:
    """Where an `ingest -v` spent its time, from Prefect's log lines: loading (scan,
    parse, load), extraction, resolution, what followed (the desk refresh, the report),
    and the rest (starting Python and Prefect, before and after the flow)."""
    marks: dict[str, float] = {}
    for line in run.output.splitlines():
        found = _LOG_LINE.match(line.strip())
        if not found:
            continue
        at = int(found["h"]) * 3600 + int(found["m"]) * 60 + float(found["s"])
        what = found["what"]
        if "Beginning flow run" in what:
            marks.setdefault("begin", at)
        elif "for flow 'derive-articles'" in what:
            marks["derive"] = at
        elif what.startswith("Task run 'extract-batch") and "Finished" in what:
            marks["extracted"] = at
        elif what.startswith("Task run 'resolve-events") and "Finished" in what:
            marks["resolved"] = at
        elif what.startswith("Flow run") and "Finished in state" in what:
            marks["end"] = at  # the last one: the load-files flow itself
    if not {"begin", "derive", "extracted", "resolved", "end"} <= marks.keys():
        return "(stages not in the log)"
    spans = (
        ("load", marks["derive"] - marks["begin"]),
        ("extraction", marks["extracted"] - marks["derive"]),
        ("resolution", marks["resolved"] - marks["extracted"]),
        ("then", marks["end"] - marks["resolved"]),
        ("start/exit", run.seconds - (marks["end"] - marks["begin"])),
    )
    return ", ".join(f"{name} {seconds:.0f} s" for name, seconds in spans)


def summarize(run: Run, names: str) -> str:
    """What the command said: its counts, or the line naming the input it refused."""
    if run.code is None:
        return f"KILLED after {run.seconds:.0f} s"
    if run.code == 0:
        return "exit 0, loaded: " + loaded_line(run)
    lines = run.lines(names)
    reason = lines[0] if lines else f"(no line naming {names!r})"
    return f"exit {run.code}: {reason[:160]}"


def names_input_and_limit(run: Run, name: str, limit: str) -> bool:
    """A refusal holds when one line names both the input and the limit or reason."""
    return any(limit in line for line in run.lines(name))


def compared(case: str, outcome: str, run: Run, expected: int, db: Path, sound=True) -> Outcome:
    """The case's row: articles lost or doubled against the clean run's count."""
    got = articles(db)
    lost, doubled = max(0, expected - got), max(0, got - expected)
    return Outcome(
        case,
        outcome,
        run.seconds,
        run.peak_rss_mb,
        lost,
        doubled,
        writable(db),
        sound,
        cpu_seconds=run.cpu_seconds,
    )


# -- tables against a clean run --------------------------------------------------------
def fingerprints(db: Path) -> dict[str, tuple[int, str]]:
    """Per main table: its row count and a hash of its rows' content.

    Columns that say when or in which run a row was written (timestamps, run ids) are
    left out, and raw bytes are represented by their hash column: everything else must
    be what a clean run of the same inputs wrote.
    """
    with duckdb.connect(str(db), read_only=True) as conn:
        prints = {}
        for table in MAIN_TABLES:
            columns = [
                name
                for name, kind in conn.execute(
                    "SELECT column_name, data_type FROM information_schema.columns"
                    " WHERE table_name = ? ORDER BY ordinal_position",
                    [table],
                ).fetchall()
                if not kind.startswith("TIMESTAMP") and kind != "BLOB" and "run_id" not in name
            ]
            row = ", ".join(f'"{c}"' for c in columns)
            count, digest = conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), ''))"
                f" FROM (SELECT md5(CAST(ROW({row}) AS VARCHAR)) AS h FROM {table})"
            ).fetchone()
            prints[table] = (count, digest)
    return prints


def differences(clean: dict[str, tuple[int, str]], got: dict[str, tuple[int, str]]) -> list[str]:
    """'events 65!=64' for every table whose rows are not the clean run's."""
    out = []
    for table, (count, digest) in clean.items():
        other_count, other_digest = got.get(table, (0, ""))
        if other_count != count:
            out.append(f"{table} {other_count}!={count}")
        elif other_digest != digest:
            out.append(f"{table} content")
    return out


# -- inputs ------------------------------------------------------------------------------
def page(number: int, size: int = 0) -> bytes:
    """A saved article page (the Yonhap template of tests/feed_site) of about `size`
    bytes: what makes a real page big, an inline image, of random bytes so that no two
    pages share them and nothing compresses them away."""
    from tests.feed_site import yonhap_page  # the markup the parsers are tested on

    html = yonhap_page(number)
    room = size - len(html) - 60
    if room <= 0:
        return html.encode()
    image = base64.b64encode(os.urandom(room * 3 // 4)).decode()
    return html.replace("<figure>", f'<figure><img src="data:image/jpeg;base64,{image}">').encode()


def write_pages(folder: Path, numbers: range, size: int) -> int:
    """Pages `numbers` as folder/page-N.html; returns the bytes written."""
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for number in numbers:
        data = page(number, size)
        (folder / f"page-{number:06d}.html").write_bytes(data)
        total += len(data)
    return total


def stored_bytes(db: Path) -> int:
    """The raw documents' bytes in the warehouse."""
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute("SELECT coalesce(sum(byte_size), 0) FROM documents").fetchone()[0]
