"""Crashes and company: kill -9 at each stage of an ingest, a reader beside a writer, two
ingests at once. After each, a plain rerun must leave every main table equal to a clean
run's (row counts and a hash of the rows' content, common.fingerprints).

The stage is told from the command's --verbose log (Prefect's task lines): killed after
a few load batches committed, a few seconds into derive-articles (extraction), or the
moment extraction finished (resolution). What the warehouse holds after the kill shows
the kill landed where it should: some articles but not all; all articles, none derived;
all derived, no events.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from bench.corpus import generate_corpus
from bench.faults.common import (
    Context,
    Outcome,
    Run,
    differences,
    fingerprints,
    ingest,
    run_peninsula,
    stage_times,
    writable,
)
from warehouse import Warehouse

CORPUS_FILES = 40
BATCH = "5"  # files per load transaction: several loads to land a kill between


class Corpus:
    """The generated articles and a clean run's tables, made once for every case here."""

    def __init__(self, ctx: Context) -> None:
        self.base = ctx.folder("crash-corpus")
        self.folder = self.base / "inbox"
        generate_corpus(self.folder, count=CORPUS_FILES, seed=13)
        db = self.base / "clean.duckdb"
        self.clean_run = self.ingest(ctx, db, self.base / "clean.log")
        assert self.clean_run.code == 0, self.clean_run.output
        self.clean = fingerprints(db)

    def ingest(self, ctx: Context, db: Path, log: Path, **how) -> Run:
        return ingest(ctx, [self.folder], db, log, "--batch-size", BATCH, "-v", **how)

    def verdict(self, db: Path) -> tuple[str, int, int, bool]:
        """'tables equal' or what differs; articles lost and doubled."""
        got = fingerprints(db)
        clean_articles, got_articles = self.clean["articles"][0], got["articles"][0]
        differ = differences(self.clean, got)
        said = (
            "every main table equal to the clean run"
            if not differ
            else "DIFFER: " + ", ".join(differ)
        )
        lost, doubled = max(0, clean_articles - got_articles), max(0, got_articles - clean_articles)
        return said, lost, doubled, not differ


_corpus: dict[Path, Corpus] = {}


def corpus(ctx: Context) -> Corpus:
    if ctx.work not in _corpus:
        _corpus[ctx.work] = Corpus(ctx)
    return _corpus[ctx.work]


def stored(db: Path) -> tuple[int, int, int]:
    """Articles, articles derived, events: where the kill left the warehouse."""
    with duckdb.connect(str(db), read_only=True) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM articles),"
            " (SELECT count(*) FROM articles WHERE extractor_version IS NOT NULL),"
            " (SELECT count(*) FROM events)"
        ).fetchone()
    return row  # type: ignore[return-value]


def after(marker: str, times: int = 1, delay: float = 0.0) -> Callable[[str], bool]:
    """Kill once `marker` has appeared `times` times in the log, `delay` seconds later."""
    seen: list[float] = []

    def ready(output: str) -> bool:
        if not seen and output.count(marker) >= times:
            seen.append(time.monotonic())
        return bool(seen) and time.monotonic() - seen[0] >= delay

    return ready


STAGES = [
    # (stage, when to kill, what the warehouse must show to prove the kill landed there)
    ("load", after("Task run 'load-batch", 3), lambda a, d, e: 0 < a < CORPUS_FILES),
    (
        "extraction",
        after("for flow 'derive-articles'", 1, 3.0),
        lambda a, d, e: a == CORPUS_FILES and d == 0,
    ),
    (
        "resolution",
        after("Task run 'extract-batch", 1),
        lambda a, d, e: a == CORPUS_FILES and e == 0,
    ),
]


def kill_at_each_stage(ctx: Context) -> list[Outcome]:
    data = corpus(ctx)
    rows = [
        Outcome(
            f"clean run: {CORPUS_FILES} generated articles",
            "exit 0 (the reference)",
            data.clean_run.seconds,
            data.clean_run.peak_rss_mb,
            cpu_seconds=data.clean_run.cpu_seconds,
        )
    ]
    for stage, when, landed in STAGES:
        base = ctx.folder(f"kill-{stage}")
        db = base / "p.duckdb"
        killed = data.ingest(ctx, db, base / "killed.log", kill_when=when)
        left = stored(db) if db.exists() else (0, 0, 0)
        where = f"{left[0]} articles, {left[1]} derived, {left[2]} events at the kill" + (
            "" if landed(*left) else " (NOT in the stage)"
        )
        rerun = data.ingest(ctx, db, base / "rerun.log")
        said, lost, doubled, equal = data.verdict(db)
        outcome = f"{where}; rerun exit {rerun.code}: {said}; rerun {stage_times(rerun)}"
        rows.append(
            Outcome(
                f"kill -9 during {stage}, then rerun",
                outcome,
                rerun.seconds,
                max(killed.peak_rss_mb, rerun.peak_rss_mb),
                lost,
                doubled,
                writable(db),
                equal and landed(*left) and killed.code is None,
                cpu_seconds=rerun.cpu_seconds,
            )
        )
    return rows


READER = (
    "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True);"
    " print('ready', flush=True); time.sleep(float(sys.argv[2])); c.close()"
)
HOLD_SECONDS = 8.0


def reader_and_writer(ctx: Context) -> list[Outcome]:
    """Another process reads the file (a DuckDB read-only connection) while an ingest
    wants to write; then `peninsula sql` queries while an ingest writes."""
    data = corpus(ctx)
    base = ctx.folder("reader")
    db = base / "p.duckdb"
    Warehouse(db).check_writable()  # the file exists, as between runs
    rows = []
    holder = subprocess.Popen(
        [sys.executable, "-c", READER, str(db), str(HOLD_SECONDS)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
    run = data.ingest(ctx, db, base / "ingest-1.log")
    holder.wait()
    said, lost, doubled, equal = data.verdict(db)
    rows.append(
        Outcome(
            f"a reader holds the file {HOLD_SECONDS:g} s; ingest",
            f"exit {run.code} after {run.seconds:.0f} s (waited): {said}; {stage_times(run)}",
            run.seconds,
            run.peak_rss_mb,
            lost,
            doubled,
            writable(db),
            equal and run.code == 0,
            cpu_seconds=run.cpu_seconds,
        )
    )
    # `peninsula sql` again and again while an ingest writes a fresh file.
    db = base / "q.duckdb"
    writer = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "peninsula"),
            "ingest",
            str(data.folder),
            "--db",
            str(db),
            "--batch-size",
            BATCH,
        ],
        env=ctx.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    answers: list[Run] = []
    while writer.poll() is None and len(answers) < 20:
        if db.exists():
            query = "SELECT count(*) AS n FROM articles"
            answers.append(
                run_peninsula(
                    ["sql", query, "--db", str(db)],
                    ctx,
                    base / f"sql-{len(answers)}.log",
                    timeout=90,
                )
            )
        time.sleep(1.0)
    writer.wait()
    rerun = data.ingest(ctx, db, base / "converge.log")  # what the first may have left
    said, lost, doubled, equal = data.verdict(db)
    answered = sum(r.code == 0 for r in answers)
    refused = [r.lines("error")[0] for r in answers if r.code != 0 and r.lines("error")]
    unnamed = [r for r in answers if r.code != 0 and not any("PID" in x for x in r.lines("error"))]
    slowest = max((r.seconds for r in answers), default=0.0)
    outcome = (
        f"{answered}/{len(answers)} queries answered (slowest {slowest:.1f} s)"
        + (f", refused: {refused[0][:80]}" if refused else "")
        + f"; ingest exit {writer.returncode}, rerun exit {rerun.code}: {said}"
    )
    rows.append(
        Outcome(
            "`peninsula sql` while an ingest writes",
            outcome,
            slowest,
            max((r.peak_rss_mb for r in answers), default=0.0),
            lost,
            doubled,
            writable(db),
            equal and not unnamed and bool(answers),
        )
    )
    return rows


def two_ingests(ctx: Context) -> list[Outcome]:
    """Two ingests of the same folder into one file at once: the second waits for the
    first, or refuses naming the lock's holder; a rerun converges."""
    data = corpus(ctx)
    base = ctx.folder("two")
    db = base / "p.duckdb"
    log = open(base / "first.log", "w")  # noqa: SIM115 - the child writes it until wait()
    first = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "peninsula"),
            "ingest",
            str(data.folder),
            "--db",
            str(db),
            "--batch-size",
            BATCH,
        ],
        env=ctx.env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    while not db.exists() and first.poll() is None:
        time.sleep(0.2)
    second = data.ingest(ctx, db, base / "second.log")
    first.wait()
    log.close()
    rerun = data.ingest(ctx, db, base / "converge.log")
    said, lost, doubled, equal = data.verdict(db)
    named = [line for line in second.lines("locked by")]
    how = f"refused: {named[0][:90]}" if named else f"exit {second.code}"
    outcome = f"first exit {first.returncode}; second {how}; rerun exit {rerun.code}: {said}"
    sound = equal and (second.code == 0 or bool(named))
    return [
        Outcome(
            "two ingests into one file at once",
            outcome,
            second.seconds,
            second.peak_rss_mb,
            lost,
            doubled,
            writable(db),
            sound,
            cpu_seconds=second.cpu_seconds,
        )
    ]


CASES = [kill_at_each_stage, reader_and_writer, two_ingests]
