"""What each run tells the Prefect UI: artifacts, and events that automations can watch.

Artifact keys are stable (one per flow), so the Artifacts page keeps their history.
Nothing here may fail a run: the report of a run is worth less than the run itself.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.events import emit_event

from flows.feed_pipeline import FeedRunReport
from warehouse import LoadCounts

logger = logging.getLogger(__name__)

COMPLETED_EVENT = "peninsula.ingest.completed"
FOUND_NEW_EVENT = "peninsula.ingest.found-new"
UNHEALTHY_EVENT = "peninsula.feed.unhealthy"
# Shown per list in a markdown report; the rest are counted.
LISTED = 50


def _safely(what: str, action: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return action(*args, **kwargs)
    except Exception as exc:  # reporting must never fail the run
        logger.warning("could not publish %s: %s: %s", what, type(exc).__name__, exc)
        return None


def _md(text: object) -> str:
    """A value for a markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def emit_counts(flow_name: str, counts: LoadCounts, ok: bool) -> None:
    """`peninsula.ingest.completed`, and `found-new` when the run brought anything new."""
    resource = {"prefect.resource.id": f"peninsula.flow.{flow_name}", "flow": flow_name}
    payload = {
        "new": counts.new,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
        "failed": counts.failed,
        "ok": ok,
    }
    _safely("an event", emit_event, event=COMPLETED_EVENT, resource=resource, payload=payload)
    if counts.new or counts.updated:
        _safely("an event", emit_event, event=FOUND_NEW_EVENT, resource=resource, payload=payload)


def publish_feed_run(report: FeedRunReport) -> None:
    lines = ["# ingest-feeds", "", report.message(), ""]
    lines += ["## Feeds", "", "| source | feed | status | entries | new | note |"]
    lines += ["| --- | --- | --- | --- | --- | --- |"]
    for f in report.feeds:
        note = "; ".join(x for x in (f.reason, f.problem, ", ".join(f.flags())) if x)
        lines.append(
            f"| {_md(f.feed.source)} | {_md(f.feed.url)} | {f.status} | {f.entries} | "
            f"{f.new_entries} | {_md(note)} |"
        )
    lines += ["", f"## Articles new or updated ({len(report.articles)})", ""]
    by_source: dict[str, list[tuple[str, str | None]]] = {}
    for source, title, url in report.articles:
        by_source.setdefault(source, []).append((title, url))
    for source, items in sorted(by_source.items()):
        lines.append(f"**{_md(source)}** ({len(items)})")
        lines += [f"- [{_md(t)}]({u})" if u else f"- {_md(t)}" for t, u in items[:LISTED]]
        if len(items) > LISTED:
            lines.append(f"- ... and {len(items) - LISTED} more")
        lines.append("")
    lines += _failures_section(report.page_failures, "Pages that failed")
    _safely(
        "the run report",
        create_markdown_artifact,
        key="ingest-feeds-report",
        markdown="\n".join(lines),
        description="Per source: feeds polled, articles loaded, failures",
    )
    emit_counts("ingest-feeds", report.counts, report.ok)
    for f in report.feeds:
        if f.unhealthy:
            _safely(
                "an event",
                emit_event,
                event=UNHEALTHY_EVENT,
                resource={
                    "prefect.resource.id": f"peninsula.feed.{f.feed.url}",
                    "source": f.feed.source,
                },
                payload={"reason": f.reason, "next_poll_at": str(f.next_poll_at)},
            )


def publish_file_run(
    inputs: Sequence[str], counts: LoadCounts, failures: Sequence[tuple[str, str]], ok: bool
) -> None:
    lines = [
        "# load-files",
        "",
        f"Inputs: {', '.join(f'`{i}`' for i in inputs)}",
        "",
        f"{counts.new} new, {counts.updated} updated, {counts.unchanged} unchanged, "
        f"{counts.failed} failed",
        "",
    ]
    lines += _failures_section(failures, "Inputs that did not load")
    _safely(
        "the run report",
        create_markdown_artifact,
        key="load-files-report",
        markdown="\n".join(lines),
        description="Files loaded, and the ones that failed with their reasons",
    )
    emit_counts("load-files", counts, ok)


def publish_new_events(rows: Sequence[dict[str, Any]]) -> None:
    """The events this run added, as a table: date, type, actors, place, sources."""
    _safely(
        "the new events",
        create_table_artifact,
        key="new-events",
        table=list(rows) or [{"event_date": "", "event_type": "", "summary": "no new events"}],
        description=f"{len(rows)} events new in this run",
    )


class ProgressArtifact:
    """A progress bar on the run's page, for long runs (backfills, reprocessing)."""

    def __init__(self, key: str, description: str) -> None:
        self._id = _safely(
            "progress", create_progress_artifact, progress=0.0, key=key, description=description
        )
        self._last = 0.0

    def update(self, done: int, total: int) -> None:
        if self._id is None or total <= 0:
            return
        value = round(100.0 * done / total, 1)
        if value - self._last >= 1.0 or done >= total:  # one API call per percent at most
            self._last = value
            _safely("progress", update_progress_artifact, artifact_id=self._id, progress=value)


def _failures_section(failures: Sequence[tuple[str, str]], title: str) -> list[str]:
    if not failures:
        return [f"## {title}", "", "None.", ""]
    lines = [f"## {title} ({len(failures)})", "", "| input | reason |", "| --- | --- |"]
    lines += [f"| {_md(what)} | {_md(why)} |" for what, why in failures[:LISTED]]
    if len(failures) > LISTED:
        lines.append(f"| ... | and {len(failures) - LISTED} more |")
    return [*lines, ""]
