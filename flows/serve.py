"""`peninsula serve`: the deployments, their schedules and the automations.

Serves the deployments on their schedules (Asia/Seoul time) from this process until
Ctrl-C. Stopping does not pause the schedules: the next `serve` picks them up where
they were. The Prefect server itself is started by flows/server_process.py, and the
command around both is in flows/cli.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol
from uuid import UUID

from prefect import get_client
from prefect.automations import Automation
from prefect.client.schemas.filters import (
    FlowRunFilter,
    FlowRunFilterDeploymentId,
    FlowRunFilterExpectedStartTime,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import (
    ConcurrencyLimitConfig,
    ConcurrencyLimitStrategy,
    StateType,
)
from prefect.deployments.runner import RunnerDeployment
from prefect.events.actions import DoNothing
from prefect.events.schemas.automations import EventTrigger, Posture
from prefect.exceptions import ObjectNotFound
from prefect.runner import Runner
from prefect.schedules import Cron
from prefect.states import Cancelled

from flows.deployed import load_inbox, poll_feeds, reprocess_all
from flows.reporting import FOUND_NEW_EVENT
from flows.serve_session import FEEDS_EVERY_MINUTES
from flows.settings import DEFAULT_INBOX, served_environment

TIME_ZONE = "Asia/Seoul"


def every_minutes_cron(minutes: int) -> str:
    return f"*/{minutes} * * * *"


FEEDS_CRON = every_minutes_cron(FEEDS_EVERY_MINUTES)
REPROCESS_CRON = "30 3 * * *"  # nightly, 03:30 Seoul time: does work only after an upgrade
# A run due longer ago than this when serve starts was missed while it was stopped (the
# server's late-runs service marks runs Late 15 s after their time).
MISSED_AFTER = timedelta(seconds=20)
LATE_MARKING_WAIT_SECONDS = 30.0
# Ctrl-C: the runner gets this long to stop cleanly before it is cancelled.
RUNNER_STOP_SECONDS = 3.5
FAILED_INGEST = "peninsula: a scheduled ingest failed"
NOTHING_NEW = "peninsula: nothing new for a day"


@dataclass(frozen=True, slots=True)
class ServeSettings:
    db: Path
    sources: Path
    feeds_every_minutes: int = FEEDS_EVERY_MINUTES
    # The folders load-files/on-demand may read (flows/settings.py).
    inbox: tuple[Path, ...] = (DEFAULT_INBOX,)

    @property
    def feeds_cron(self) -> str:
        return every_minutes_cron(self.feeds_every_minutes)

    @property
    def feeds_deployment(self) -> str:
        n = self.feeds_every_minutes
        return "every-minute" if n == 1 else f"every-{n}-minutes"


def deployments(settings: ServeSettings) -> list[RunnerDeployment]:
    # One run of a deployment at a time: a run due while the last one is still going
    # is cancelled, not queued behind it.
    one_at_a_time = ConcurrencyLimitConfig(
        limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
    )
    # No warehouse and no sources file among the parameters: the runs take them from
    # this process's settings (see run), whatever a caller of the API passes.
    return [
        poll_feeds.to_deployment(
            name=settings.feeds_deployment,
            schedules=[Cron(settings.feeds_cron, timezone=TIME_ZONE)],
            concurrency_limit=one_at_a_time,
            description="Poll the feeds of the sources file, load new articles, derive them.",
            tags=["peninsula"],
        ),
        reprocess_all.to_deployment(
            name="nightly",
            schedules=[Cron(REPROCESS_CRON, timezone=TIME_ZONE)],
            concurrency_limit=one_at_a_time,
            description="Re-derive everything when the reference or the rules changed.",
            tags=["peninsula"],
        ),
        load_inbox.to_deployment(
            name="on-demand",
            concurrency_limit=one_at_a_time,
            description=(
                'Load saved files from the inbox folders: run it with paths=["/a/folder"] '
                "(a folder under them), or without to load all of them."
            ),
            tags=["peninsula"],
        ),
    ]


def automations() -> list[Automation]:
    """Flags for a person to see (and to attach a notification to, see the README)."""
    return [
        Automation(
            name=FAILED_INGEST,
            description="An ingest-feeds or load-files run failed or crashed.",
            trigger=EventTrigger(
                expect={"prefect.flow-run.Failed", "prefect.flow-run.Crashed"},
                match_related={
                    "prefect.resource.role": "flow",
                    "prefect.resource.name": ["ingest-feeds", "load-files"],
                },
                posture=Posture.Reactive,
                threshold=1,
            ),
            actions=[DoNothing()],
        ),
        Automation(
            name=NOTHING_NEW,
            description="No ingest found a new or updated article in 24 hours.",
            trigger=EventTrigger(
                expect={FOUND_NEW_EVENT},
                match={"prefect.resource.id": "peninsula.flow.*"},
                posture=Posture.Proactive,
                threshold=1,
                within=timedelta(days=1),
            ),
            actions=[DoNothing()],
        ),
    ]


def ensure_automations() -> list[str]:
    """Create the automations that do not exist yet (by name); returns their names."""
    created = []
    for automation in automations():
        try:
            Automation.read(name=automation.name)
        except ValueError:
            automation.create()
            created.append(automation.name)
    return created


def pause_stale_deployments(served: list[RunnerDeployment]) -> list[str]:
    """Pause the schedules of deployments an earlier `serve` served and this one does not
    (another --feeds-every): nothing would run them, and their runs would pile up late.

    Deployments of a work pool (prefect.yaml, run by workers) are left alone.
    """
    ours = {d.flow_name for d in served}
    names = {(d.flow_name, d.name) for d in served}
    paused = []
    with get_client(sync_client=True) as client:
        flows = {f.id: f.name for f in client.read_flows() if f.name in ours}
        for deployment in client.read_deployments():
            flow_name = flows.get(deployment.flow_id)
            if (
                flow_name is None
                or deployment.work_pool_name
                or deployment.paused
                or (flow_name, deployment.name) in names
                or not any(s.active for s in deployment.schedules)
            ):
                continue
            client.pause_deployment(deployment.id)
            paused.append(f"{flow_name}/{deployment.name}")
    return paused


async def known_deployment_ids(served: list[RunnerDeployment]) -> list[UUID]:
    """The ids of the deployments an earlier serve created under these names."""
    ids = []
    async with get_client() as client:
        for deployment in served:
            with contextlib.suppress(ObjectNotFound):
                known = await client.read_deployment_by_name(
                    f"{deployment.flow_name}/{deployment.name}"
                )
                ids.append(known.id)
    return ids


async def cancel_missed_runs(deployment_ids: list[UUID]) -> int:
    """Cancel the scheduled runs whose time passed while serve was stopped; returns how
    many. Started now, forty of them would run one and cancel the others (concurrency
    limit), and their burst of state changes locks the server's SQLite database
    ("database is locked" in its log at every such restart, measured). The next slot
    runs on time; `peninsula run` runs one at once.
    """
    if not deployment_ids:
        return 0
    missed = FlowRunFilter(
        deployment_id=FlowRunFilterDeploymentId(any_=deployment_ids),
        state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED])),
        expected_start_time=FlowRunFilterExpectedStartTime(
            before_=datetime.now(UTC) - MISSED_AFTER
        ),
    )
    cancelled = 0
    async with get_client() as client:
        # The server's late-runs service marks these Late as it starts; changing them at
        # the same time is what locks SQLite. Its pass comes first (bounded wait).
        deadline = time.monotonic() + LATE_MARKING_WAIT_SECONDS
        while any(
            r.state_name != "Late" for r in await client.read_flow_runs(flow_run_filter=missed)
        ):
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(1)
        # A page at a time: a long stop leaves up to 100 runs per deployment.
        while runs := await client.read_flow_runs(flow_run_filter=missed):
            for run in runs:
                await client.set_flow_run_state(
                    run.id, Cancelled(message="missed: peninsula serve was not running then")
                )
            cancelled += len(runs)
    return cancelled


class Stopper(Protocol):
    """How serve is told to stop (Ctrl-C, the server's death): see flows/serve_session.py."""

    def bind(
        self, loop: asyncio.AbstractEventLoop, stop: Callable[[bool], Awaitable[None]]
    ) -> None: ...


def run(settings: ServeSettings, api: str, say: Callable[[str], object], stopper: Stopper) -> None:
    """Create the automations and serve the deployments until told to stop (on the server
    at `api`, which PREFECT_API_URL must name before Prefect is imported)."""
    # The runs are processes of this one: they take their warehouse, sources file and
    # inbox from its environment, not from their parameters.
    os.environ.update(served_environment(settings.db, settings.sources, settings.inbox))
    for name in ensure_automations():
        say(f"created automation: {name}")
    served = deployments(settings)
    for name in pause_stale_deployments(served):
        say(f"paused {name}: served no more (its schedule would make runs nobody runs)")
    say(f"Dashboard: {api.removesuffix('/api')}")
    serving = (
        f"Serving ingest-feeds/{settings.feeds_deployment} ({settings.feeds_cron}), "
        f"reprocess/nightly ({REPROCESS_CRON}), both in {TIME_ZONE}, and load-files/on-demand."
        " Ctrl-C stops; the schedules stay on."
    )

    def ready(missed: int) -> None:
        if missed:
            say(
                f"{missed} scheduled runs were due while serve was stopped: cancelled; the "
                "next ones run on time (`peninsula run DEPLOYMENT` runs one now)"
            )
        say(serving)

    with contextlib.suppress(KeyboardInterrupt, asyncio.CancelledError):
        asyncio.run(_serve(served, stopper, ready))


async def _serve(
    served: list[RunnerDeployment], stopper: Stopper, ready: Callable[[int], object]
) -> None:
    runner = Runner(pause_on_shutdown=False)  # stopping leaves the schedules on
    # Before the deployments are applied: applying them sets the server's scheduler to
    # work at once, and SQLite takes one writer at a time.
    missed = await cancel_missed_runs(await known_deployment_ids(served))
    for deployment in served:
        await runner.aadd_deployment(deployment)
    ready(missed)
    main = asyncio.current_task()
    assert main is not None

    async def stop(server_alive: bool) -> None:
        """The runner's own stop (it cancels the runs under way) while the server
        answers; else, or if that takes too long, cancel everything at once."""
        if server_alive:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(runner.astop(), RUNNER_STOP_SECONDS)
                return
        main.cancel()

    stopper.bind(asyncio.get_running_loop(), stop)
    await runner.start()
