"""The `load-files` flow: saved article files -> parsed articles -> DuckDB."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run
from prefect.states import Completed, Failed, State
from prefect.task_runners import ThreadPoolTaskRunner

from flows import progress
from flows.desk import refresh_desk
from flows.files import DEFAULT_MAX_FILE_BYTES, Selection, display_path
from flows.pipeline import (
    BatchReport,
    FileBatch,
    FileScan,
    ParsedBatch,
    load_parsed,
    parse_files,
    scan_inputs,
)
from flows.reporting import ProgressArtifact, RunNews, publish_file_run
from flows.runlog import recorded_crash
from flows.settings import DEFAULT_DB
from warehouse import Warehouse
from warehouse.reports import run_articles

FLOW_NAME = "load-files"
SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
DEFAULT_BATCH_SIZE = 1000
# How many failures a run's final message names before it says "and N more".
NAMED_FAILURES = 5


@dataclass(slots=True)
class IngestSummary:
    run_id: str
    db: str
    files: int
    report: BatchReport = field(default_factory=BatchReport)
    # (path, reason) of the files of a folder that are not articles, left alone.
    skipped: list[tuple[str, str]] = field(default_factory=list)
    # The derive-articles subflow's outcome, when it ran.
    derive_message: str | None = None
    derive_ok: bool = True

    @property
    def ok(self) -> bool:
        return not self.report.failures

    def failure_message(self) -> str:
        failures = self.report.failures
        named = "; ".join(f"{path}: {reason}" for path, reason in failures[:NAMED_FAILURES])
        more = (
            f"; and {len(failures) - NAMED_FAILURES} more" if len(failures) > NAMED_FAILURES else ""
        )
        return f"{len(failures)} of {self.files} inputs did not load: {named}{more}"


# Tasks take whole batches: orchestration costs tens of milliseconds per task run.
@task(name="scan-inputs", cache_policy=NO_CACHE, persist_result=False)
def scan(
    inputs: list[str], db: str, selection: Selection, max_bytes: int, within: tuple[str, ...]
) -> FileScan:
    return scan_inputs(inputs, Warehouse(db), selection, max_bytes, within)


@task(name="parse-batch", cache_policy=NO_CACHE, persist_result=False)
def parse_batch(batch: FileBatch) -> ParsedBatch:
    return parse_files(batch.paths, batch.max_bytes)


@task(name="load-batch", cache_policy=NO_CACHE, persist_result=False)
def load_batch(batch: ParsedBatch, db: str, run_id: str) -> BatchReport:
    return load_parsed(batch, Warehouse(db), run_id)


@flow(name=FLOW_NAME, persist_result=False, task_runner=ThreadPoolTaskRunner(max_workers=2))
def load_files(
    paths: list[str] | None = None,
    db: str = str(DEFAULT_DB),
    batch_size: int = DEFAULT_BATCH_SIZE,
    derive: bool = False,
    include: list[str] | None = None,
    exclude: list[str] | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> State:
    """Load saved article files, folders or glob patterns into the warehouse; with
    `derive`, then run `derive-articles` on them (as a deployment does).

    Files of a folder that are not articles (READMEs, data files, images) are skipped
    and listed; `include` and `exclude` are glob patterns that choose otherwise.
    The run fails, naming the inputs, when any input did not load; the others load.
    Only regular files up to `max_file_bytes` are read; others are refused by name.
    For `peninsula ingest` (local use: any path); deployments run flows/deployed.py.
    """
    inputs = [os.fspath(p) for p in (paths or [SEEDS_DIR])]
    selection = Selection(tuple(include or ()), tuple(exclude or ()))
    return load_inputs(inputs, db, selection, batch_size, derive, max_file_bytes)


def load_inputs(
    inputs: list[str],
    db: str,
    selection: Selection,
    batch_size: int = DEFAULT_BATCH_SIZE,
    derive: bool = False,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    within: tuple[str, ...] = (),
) -> State:
    """The body of a load-files run (inside one): scan, parse and load in batches,
    derive, report. `within`: resolved folders no file may lead out of (discover)."""
    shown = [display_path(i) for i in inputs]  # what is stored and reported
    run_id = str(flow_run.get_id() or uuid.uuid4())
    started_at = datetime.now(UTC)
    warehouse = Warehouse(db)
    files = scan(inputs, db, selection, max_file_bytes, within)
    summary = IngestSummary(
        run_id=run_id,
        db=db,
        files=files.total,
        skipped=[(s.path, s.reason) for s in files.skipped],
    )
    summary.report.counts.unchanged += files.unchanged
    summary.report.add_problems(files.problems)
    done = files.total - len(files.todo)
    bar = ProgressArtifact("load-files-progress", "Inputs handled so far")
    unsubscribe = progress.subscribe(bar.update)
    progress.report(done, files.total)

    # Parse batch N+1 while batch N loads: DuckDB works without holding the GIL.
    # Loads stay one at a time, in order: DuckDB has a single writer.
    pending_load: PrefectFuture[BatchReport] | None = None
    with recorded_crash(db, run_id, FLOW_NAME, shown, started_at, summary.report.counts):
        for batch in files.batches(batch_size, max_file_bytes):
            parsed = parse_batch.submit(batch)
            done = _collect(pending_load, summary, done)
            pending_load = load_batch.submit(parsed, db, run_id)
        _collect(pending_load, summary, done)
    unsubscribe()

    message = None if summary.ok else summary.failure_message()
    news = RunNews(articles=run_articles(warehouse, run_id))
    if derive:
        from flows.derive import derive_flow  # imported here: derive imports this module

        derived = derive_flow(db=db, refresh_desk=False, return_state=True)
        summary.derive_message, summary.derive_ok = derived.message, derived.is_completed()
        result = derived.result(raise_on_failure=False)
        news.events = getattr(result, "new_events", [])
        news.derive_message = derived.message
    refresh_desk(db)
    publish_file_run(
        shown,
        summary.report.counts,
        summary.report.failures,
        summary.ok,
        news,
        skipped=summary.skipped,
    )
    warehouse.record_run(
        run_id,
        FLOW_NAME,
        shown,
        started_at,
        summary.report.counts,
        status="completed" if summary.ok else "failed",
        message=message,
    )
    if summary.ok:
        return Completed(message=_counts_message(summary), data=summary)
    return Failed(message=message, data=summary)


def _collect(load: PrefectFuture[BatchReport] | None, summary: IngestSummary, done: int) -> int:
    """Wait for a load (if one is pending), count it in, report progress."""
    if load is None:
        return done
    report = load.result()
    summary.report.add(report)
    done += report.counts.seen
    progress.report(done, summary.files)
    return done


def _counts_message(summary: IngestSummary) -> str:
    c = summary.report.counts
    return f"{c.new} new, {c.updated} updated, {c.unchanged} unchanged, {c.failed} failed"
