"""`peninsula serve`: the deployments, their schedules and the automations.

Serves the deployments on their schedules (Asia/Seoul time) from this process until
Ctrl-C. Stopping does not pause the schedules: the next `serve` picks them up where
they were. The Prefect server itself is started by flows/server_process.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from prefect import serve
from prefect.automations import Automation
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.deployments.runner import RunnerDeployment
from prefect.events.actions import DoNothing
from prefect.events.schemas.automations import EventTrigger, Posture
from prefect.schedules import Cron

from flows.derive import reprocess_flow
from flows.ingest_feeds import ingest_feeds
from flows.load_files import load_files
from flows.reporting import FOUND_NEW_EVENT

TIME_ZONE = "Asia/Seoul"
FEEDS_CRON = "*/15 * * * *"  # every 15 minutes
REPROCESS_CRON = "30 3 * * *"  # nightly, 03:30 Seoul time: does work only after an upgrade
FAILED_INGEST = "peninsula: a scheduled ingest failed"
NOTHING_NEW = "peninsula: nothing new for a day"


@dataclass(frozen=True, slots=True)
class ServeSettings:
    db: Path
    sources: Path


def deployments(settings: ServeSettings) -> list[RunnerDeployment]:
    # One run of a deployment at a time: a run due while the last one is still going
    # is cancelled, not queued behind it.
    one_at_a_time = ConcurrencyLimitConfig(
        limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
    )
    db = str(settings.db.resolve())
    return [
        ingest_feeds.to_deployment(
            name="every-15-minutes",
            schedules=[Cron(FEEDS_CRON, timezone=TIME_ZONE)],
            parameters={"sources_file": str(settings.sources.resolve()), "db": db},
            concurrency_limit=one_at_a_time,
            description="Poll the feeds of the sources file, load new articles, derive them.",
            tags=["peninsula"],
        ),
        reprocess_flow.to_deployment(
            name="nightly",
            schedules=[Cron(REPROCESS_CRON, timezone=TIME_ZONE)],
            parameters={"db": db},
            concurrency_limit=one_at_a_time,
            description="Re-derive everything when the reference or the rules changed.",
            tags=["peninsula"],
        ),
        load_files.to_deployment(
            name="on-demand",
            parameters={"db": db, "derive": True},
            concurrency_limit=one_at_a_time,
            description='Load saved files: run it with paths=["/a/folder"].',
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


def run(settings: ServeSettings, api: str, say: Callable[[str], object] = print) -> None:
    """Create the automations and serve the deployments until Ctrl-C (on the server at
    `api`, which PREFECT_API_URL must name before Prefect is imported)."""
    for name in ensure_automations():
        say(f"created automation: {name}")
    say(f"Dashboard: {api.removesuffix('/api')}")
    say(
        f"Serving ingest-feeds ({FEEDS_CRON}), reprocess ({REPROCESS_CRON}), both in "
        f"{TIME_ZONE}, and load-files on demand. Ctrl-C stops (schedules stay on)."
    )
    serve(*deployments(settings), pause_on_shutdown=False, print_starting_message=False)
