"""Running `load-files` from a terminal: a progress bar and the run's outcome."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from flows import progress
from flows.derive import DeriveSummary, derive_flow, reprocess_flow
from flows.feed_pipeline import FeedRunReport
from flows.ingest_feeds import ingest_feeds
from flows.load_files import IngestSummary, load_files


def run_load_files(
    paths: list[str] | None,
    *,
    db: str,
    batch_size: int,
    progress_console: Console,
    progress_min_files: int,
) -> tuple[IngestSummary | None, str | None, bool]:
    """(summary, state message, completed); summary is None when the flow crashed."""
    bar = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=progress_console,
        transient=True,
    )
    bar_task = None

    def show(done: int, total: int) -> None:
        nonlocal bar_task
        if total < progress_min_files:
            return
        if bar_task is None:
            bar.start()
            bar_task = bar.add_task("loading files", total=total)
        bar.update(bar_task, completed=done)

    unsubscribe = progress.subscribe(show)
    try:
        state = load_files(
            paths=paths, db=db, batch_size=batch_size, derive=False, return_state=True
        )
    finally:
        unsubscribe()
        if bar_task is not None:
            bar.stop()
    result = state.result(raise_on_failure=False)
    summary = result if isinstance(result, IngestSummary) else None
    return summary, state.message, state.is_completed()


def run_derive(db: str) -> tuple[DeriveSummary | None, str | None, bool]:
    state = derive_flow(db=db, return_state=True)
    result = state.result(raise_on_failure=False)
    return (
        (result if isinstance(result, DeriveSummary) else None),
        state.message,
        state.is_completed(),
    )


def run_reprocess(db: str, force: bool) -> tuple[DeriveSummary | None, str | None, bool]:
    state = reprocess_flow(db=db, force=force, return_state=True)
    result = state.result(raise_on_failure=False)
    return (
        (result if isinstance(result, DeriveSummary) else None),
        state.message,
        state.is_completed(),
    )


def run_ingest_feeds(
    source: str | None, sources_file: str, db: str
) -> tuple[FeedRunReport | None, str | None, bool]:
    state = ingest_feeds(
        source=source, sources_file=sources_file, db=db, derive=False, return_state=True
    )
    result = state.result(raise_on_failure=False)
    return (
        (result if isinstance(result, FeedRunReport) else None),
        state.message,
        state.is_completed(),
    )
