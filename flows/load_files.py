"""The `load-files` flow: saved article files -> parsed articles -> DuckDB."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run
from prefect.states import Completed, Failed, State
from prefect.task_runners import ThreadPoolTaskRunner

from flows import progress
from flows.files import discover
from flows.pipeline import BatchReport, ParsedBatch, load_parsed, parse_files, split_known
from warehouse import Warehouse

DEFAULT_DB = Path("data/peninsula.duckdb")
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

    @property
    def ok(self) -> bool:
        return not self.report.failures

    def failure_message(self) -> str:
        failures = self.report.failures
        named = "; ".join(f"{path}: {reason}" for path, reason in failures[:NAMED_FAILURES])
        more = f"; and {len(failures) - NAMED_FAILURES} more" if len(failures) > 5 else ""
        return f"{len(failures)} of {self.files} inputs did not load: {named}{more}"


# Tasks take whole batches: orchestration costs tens of milliseconds per task run.
@task(name="find-unloaded-files", cache_policy=NO_CACHE, persist_result=False)
def find_unloaded_files(paths: list[Path], db: str) -> tuple[list[Path], int, list]:
    return split_known(paths, Warehouse(db))


@task(name="parse-batch", cache_policy=NO_CACHE, persist_result=False)
def parse_batch(paths: list[Path]) -> ParsedBatch:
    return parse_files(paths)


@task(name="load-batch", cache_policy=NO_CACHE, persist_result=False)
def load_batch(batch: ParsedBatch, db: str, run_id: str) -> BatchReport:
    return load_parsed(batch, Warehouse(db), run_id)


@flow(name="load-files", persist_result=False, task_runner=ThreadPoolTaskRunner(max_workers=2))
def load_files(
    paths: list[str] | None = None,
    db: str = str(DEFAULT_DB),
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> State:
    """Load saved article files, folders or glob patterns into the warehouse.

    The run fails, naming the inputs, when any input did not load; the others load.
    """
    inputs = [os.fspath(p) for p in (paths or [SEEDS_DIR])]
    run_id = str(flow_run.get_id() or uuid.uuid4())
    warehouse = Warehouse(db)
    files, problems = discover(inputs)
    summary = IngestSummary(run_id=run_id, db=db, files=len(files) + len(problems))
    summary.report.add_problems(problems)

    warehouse.start_run(run_id, "load-files", inputs, flow_run_id=flow_run.get_id())
    todo, unchanged, unreadable = find_unloaded_files(files, db)
    summary.report.counts.unchanged += unchanged
    summary.report.add_problems(unreadable)
    done = len(files) - len(todo)
    progress.report(done, len(files))

    # Parse batch N+1 while batch N loads: DuckDB works without holding the GIL.
    # Loads stay one at a time, in order: DuckDB has a single writer.
    pending_load: PrefectFuture[BatchReport] | None = None
    for start in range(0, len(todo), batch_size):
        parsed = parse_batch.submit(todo[start : start + batch_size])
        if pending_load is not None:
            done += _collect(pending_load, summary)
            progress.report(done, len(files))
        pending_load = load_batch.submit(parsed, db, run_id)
    if pending_load is not None:
        done += _collect(pending_load, summary)
        progress.report(done, len(files))

    message = None if summary.ok else summary.failure_message()
    warehouse.finish_run(run_id, summary.report.counts, failed=not summary.ok, message=message)
    if summary.ok:
        return Completed(message=_counts_message(summary), data=summary)
    return Failed(message=message, data=summary)


def _collect(load: PrefectFuture[BatchReport], summary: IngestSummary) -> int:
    report = load.result()
    summary.report.add(report)
    return report.counts.seen


def _counts_message(summary: IngestSummary) -> str:
    c = summary.report.counts
    return f"{c.new} new, {c.updated} updated, {c.unchanged} unchanged, {c.failed} failed"
