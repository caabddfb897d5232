"""Running `load-files` from a terminal: a progress bar and the run's outcome."""

from __future__ import annotations

from prefect import get_client
from prefect.client.schemas.objects import FlowRun
from prefect.deployments import run_deployment
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from flows import progress
from flows.derive import DeriveSummary, reprocess_flow
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
    include: list[str] | None = None,
    exclude: list[str] | None = None,
) -> tuple[IngestSummary | None, str | None, bool]:
    """(summary, state message, completed); summary is None when the flow crashed.

    Derivation runs as a subflow, so the run's report lists the new events too.
    """
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
            paths=paths,
            db=db,
            batch_size=batch_size,
            derive=True,
            include=include,
            exclude=exclude,
            return_state=True,
        )
    finally:
        unsubscribe()
        if bar_task is not None:
            bar.stop()
    result = state.result(raise_on_failure=False)
    summary = result if isinstance(result, IngestSummary) else None
    return summary, state.message, state.is_completed()


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
        source=source, sources_file=sources_file, db=db, derive=True, return_state=True
    )
    result = state.result(raise_on_failure=False)
    return (
        (result if isinstance(result, FeedRunReport) else None),
        state.message,
        state.is_completed(),
    )


class DeploymentNotFound(LookupError):
    """No deployment of that name; the message lists the ones there are."""


def trigger_deployment(name: str, paths: list[str] | None, wait: bool) -> FlowRun:
    """Create a run of a served deployment now; with `wait`, return once it finished.

    `name` is "flow/deployment", or the deployment's name alone when that is unique.
    `paths` are given to load-files as its `paths` parameter.
    """
    with get_client(sync_client=True) as client:
        flows = {f.id: f.name for f in client.read_flows()}
        known = sorted(f"{flows.get(d.flow_id, '?')}/{d.name}" for d in client.read_deployments())
    matches = [k for k in known if k == name or k.split("/", 1)[1] == name]
    if len(matches) != 1:
        listed = ", ".join(known) or "none (is `peninsula serve` serving?)"
        raise DeploymentNotFound(
            f"{'no' if not matches else 'more than one'} deployment {name!r}; "
            f"the deployments are: {listed}"
        )
    full_name = matches[0]
    parameters = {}
    if paths:
        if not full_name.startswith("load-files/"):
            raise DeploymentNotFound(f"{full_name} takes no paths; load-files/on-demand does")
        parameters["paths"] = paths
    return run_deployment(
        full_name,
        parameters=parameters,
        timeout=None if wait else 0,
        poll_interval=1,
        as_subflow=False,
    )
