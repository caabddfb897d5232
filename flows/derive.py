"""The `derive-articles` and `reprocess` flows: entities, quotes and events.

Derivation is its own stage, after loading: it reads stored articles, so it can run
again whenever the reference or the rules change, without refetching or reparsing.
A run holds one warehouse connection and one transaction (`Warehouse.session`): it
commits whole or, when it breaks off, leaves the warehouse as it found it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.states import Completed, Failed, State

from flows import desk, progress
from flows.extract_workers import ExtractionWorkers
from flows.load_files import DEFAULT_DB, NAMED_FAILURES
from flows.pipeline import (
    BatchReport,
    default_extractor,
    derive_articles,
    reprocess_documents,
    resolve_events,
)
from flows.reporting import ProgressArtifact, publish_new_events
from flows.runlog import recorded_crash
from warehouse import LoadCounts, Warehouse
from warehouse.analyses import drop_orphan_analyses
from warehouse.events import timeline_rows
from warehouse.resolution import Resolution

DERIVE_BATCH_SIZE = 200
# Below this many articles one process derives them: starting workers (each loads the
# model) costs seconds.
MIN_ARTICLES_FOR_WORKERS = 100


@dataclass(slots=True)
class DeriveSummary:
    run_id: str
    version: str
    derived: int = 0
    events: int = 0  # events in the warehouse after the run
    # Rows of the event_timeline view for the events this run added (for the report of
    # the run that started this one).
    new_events: list[dict] = field(default_factory=list)
    changed_events: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    reparsed: BatchReport | None = None
    crashed: str | None = None  # the error that broke the run off, if one did


class ArticleIds:
    """Article ids for a task; opaque to Prefect, which would otherwise walk the list."""

    __slots__ = ("ids",)

    def __init__(self, ids: list[str]) -> None:
        self.ids = ids


@task(name="extract-batch", cache_policy=NO_CACHE, persist_result=False)
def extract_batch(
    batch: ArticleIds, db: str, workers: ExtractionWorkers | None = None
) -> list[tuple[str, str]]:
    return derive_articles(batch.ids, Warehouse(db), workers=workers)


@task(name="resolve-events", cache_policy=NO_CACHE, persist_result=False)
def resolve_events_task(db: str, run_id: str, rebuild: bool) -> Resolution:
    return resolve_events(Warehouse(db), run_id, rebuild=rebuild or None)


@task(name="reparse-documents", cache_policy=NO_CACHE, persist_result=False)
def reparse_task(db: str, run_id: str) -> BatchReport:
    return reprocess_documents(Warehouse(db), run_id, batch_size=500)


def _derive(
    db: str,
    run_id: str,
    everything: bool,
    bar: ProgressArtifact | None = None,
    workers: int | None = None,
) -> DeriveSummary:
    warehouse = Warehouse(db)
    summary = DeriveSummary(run_id, default_extractor().version)
    resolution = None
    with warehouse.session():
        todo = warehouse.articles_to_derive(summary.version, everything=everything)
        # Worker processes only when there is enough work to repay starting them.
        count = workers if len(todo) >= MIN_ARTICLES_FOR_WORKERS else 1
        with ExtractionWorkers(count, default_extractor()) as pool:
            for start in range(0, len(todo), DERIVE_BATCH_SIZE):
                batch = todo[start : start + DERIVE_BATCH_SIZE]
                summary.failures.extend(extract_batch(ArticleIds(batch), db, pool))
                summary.derived += len(batch)
                progress.report(summary.derived, len(todo))
                if bar is not None:
                    bar.update(summary.derived, len(todo))
        drop_orphan_analyses(warehouse)
        if everything:
            warehouse.drop_orphan_derivations()
        # Also when an earlier run stopped between deriving and resolving.
        if todo or everything or warehouse.events_stale():
            resolution = resolve_events_task(db, run_id, everything)
            summary.changed_events = resolution.changed_events
        summary.events = warehouse.table_counts()["events"]
    if resolution is not None:
        summary.new_events = timeline_rows(warehouse, resolution.new_events)
        publish_new_events(summary.new_events)
    return summary


def _crashed(summary: DeriveSummary, exc: BaseException) -> DeriveSummary:
    """The run's summary when it broke off: what broke it, in the run's own words."""
    get_run_logger().error("the run broke off", exc_info=exc)
    summary.crashed = f"{type(exc).__name__}: {exc}"
    return summary


def _finish(
    summary: DeriveSummary, flow_name: str, started: datetime, db: str, refresh: bool = True
) -> State:
    if refresh:
        desk.refresh_desk(db)
    if summary.crashed is not None:
        # The crash is on record already (recorded_crash); the state says what it was.
        return Failed(message=f"crashed: {summary.crashed}", data=summary)
    failed = bool(summary.failures)
    message = (
        f"{len(summary.failures)} articles not derived: "
        + "; ".join(f"{a}: {r}" for a, r in summary.failures[:NAMED_FAILURES])
        if failed
        else f"{summary.derived} articles derived, {summary.events} events"
        f" ({len(summary.new_events)} new, {summary.changed_events} changed; {summary.version})"
    )
    counts = LoadCounts(new=summary.derived - len(summary.failures), failed=len(summary.failures))
    Warehouse(db).record_run(
        summary.run_id,
        flow_name,
        [db],
        started,
        counts,
        status="failed" if failed else "completed",
        message=message,
    )
    return (Failed if failed else Completed)(message=message, data=summary)


@flow(name="derive-articles", persist_result=False)
def derive_flow(
    db: str = str(DEFAULT_DB), workers: int | None = None, refresh_desk: bool = True
) -> State:
    """Extract entities, quotes and events of articles not yet derived by this version.

    `workers`: processes running the model (default: one per core). `refresh_desk`: bring
    the search index, feed and picture up to date at the end; a flow that runs this one as
    its subflow passes False and refreshes once itself, after its own work.
    """
    run_id = str(flow_run.get_id() or uuid.uuid4())
    started = datetime.now(UTC)
    summary = DeriveSummary(run_id, default_extractor().version)
    try:
        with recorded_crash(db, run_id, "derive-articles", [db], started):
            summary = _derive(db, run_id, everything=False, workers=workers)
    except Exception as exc:  # the state carries the real error, and a summary
        summary = _crashed(summary, exc)
    return _finish(summary, "derive-articles", started, db, refresh=refresh_desk)


@flow(name="reprocess", persist_result=False)
def reprocess_flow(
    db: str = str(DEFAULT_DB), force: bool = False, workers: int | None = None
) -> State:
    """Re-derive everything from the stored raw documents when the extractor changed.

    Reparses every document with the current parsers, replaces the articles and their
    derived rows, and places every event again (events keep their ids where they hold
    the same reports); stale rows go. Without `force`, does nothing when every article
    was derived by the current version.
    """
    run_id = str(flow_run.get_id() or uuid.uuid4())
    started = datetime.now(UTC)
    warehouse = Warehouse(db)
    version = default_extractor().version
    summary = DeriveSummary(run_id, version)
    if not force and warehouse.extractor_versions() <= {version}:
        return Completed(message=f"nothing to do: every article is at {version}", data=summary)
    bar = ProgressArtifact("reprocess-progress", "Articles re-derived so far")
    try:
        with recorded_crash(db, run_id, "reprocess", [db], started), warehouse.session():
            reparsed = reparse_task(db, run_id)
            summary = _derive(db, run_id, everything=True, bar=bar, workers=workers)
            summary.reparsed = reparsed
    except Exception as exc:
        summary = _crashed(summary, exc)
    return _finish(summary, "reprocess", started, db)
