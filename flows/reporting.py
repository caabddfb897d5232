"""What each run tells the Prefect UI: artifacts, and events that automations can watch.

The report goes on the run the user started (load-files, ingest-feeds): what it loaded,
the new and updated articles by title with links, the events they added. Artifact keys
are stable (one per flow), so the Artifacts page keeps their history; each version's
description says what that run brought, so the history reads as a list of runs.
Nothing here may fail a run: the report of a run is worth less than the run itself.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
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
from warehouse.reports import ChangedArticle

logger = logging.getLogger(__name__)

COMPLETED_EVENT = "peninsula.ingest.completed"
FOUND_NEW_EVENT = "peninsula.ingest.found-new"
UNHEALTHY_EVENT = "peninsula.feed.unhealthy"
# Shown per list in a markdown report; the rest are counted.
LISTED = 50
# The new-events table fits a laptop's browser window without scrolling sideways (the
# UI does not wrap a cell's text): long summaries are cut, the full ones are in the
# run's report; a few actors are named, the others counted.
TABLE_TEXT_CHARS = 60
TABLE_ACTORS = 3


@dataclass(slots=True)
class RunNews:
    """What a run brought, for the report on the run the user started."""

    articles: list[ChangedArticle] = field(default_factory=list)
    # Rows of the event_timeline view for the events the run added.
    events: list[dict[str, Any]] = field(default_factory=list)
    # The derive-articles subflow's closing message, when it ran.
    derive_message: str | None = None


def _safely(what: str, action: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return action(*args, **kwargs)
    except Exception as exc:  # reporting must never fail the run
        logger.warning("could not publish %s: %s: %s", what, type(exc).__name__, exc)
        return None


def _md(text: object) -> str:
    """A value for a markdown table cell or list item."""
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


def publish_feed_run(report: FeedRunReport, news: RunNews) -> None:
    line = headline(report.counts, news)
    lines = ["# ingest-feeds", "", report.message(), ""]
    lines += ["## Feeds", "", "| source | feed | status | entries | new | left | note |"]
    lines += ["| --- | --- | --- | --- | --- | --- | --- |"]
    for f in report.feeds:
        note = "; ".join(x for x in (f.reason, f.problem, ", ".join(f.flags())) if x)
        lines.append(
            f"| {_md(f.feed.source)} | {_md(f.feed.url)} | {f.status} | {f.entries} | "
            f"{f.new_entries} | {report.pages_left.get(f.feed.url, 0)} | {_md(note)} |"
        )
    lines.append("")
    lines += _news_sections(news)
    lines += _failures_section(report.page_failures, "Pages that failed")
    _safely(
        "the run report",
        create_markdown_artifact,
        key="ingest-feeds-report",
        markdown="\n".join(lines),
        description=f"ingest-feeds: {line}",
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
    inputs: Sequence[str],
    counts: LoadCounts,
    failures: Sequence[tuple[str, str]],
    ok: bool,
    news: RunNews,
    skipped: Sequence[tuple[str, str]] = (),
) -> None:
    line = headline(counts, news)
    lines = [
        "# load-files",
        "",
        f"Inputs: {', '.join(f'`{i}`' for i in inputs)}",
        "",
        f"{counts.new} new, {counts.updated} updated, {counts.unchanged} unchanged, "
        f"{counts.failed} failed",
        "",
    ]
    lines += _news_sections(news)
    if skipped:
        lines += _table_section(skipped, "Files skipped (not articles)", ("file", "why"))
    lines += _failures_section(failures, "Inputs that did not load")
    _safely(
        "the run report",
        create_markdown_artifact,
        key="load-files-report",
        markdown="\n".join(lines),
        description=f"load-files: {line}",
    )
    emit_counts("load-files", counts, ok)


def publish_new_events(rows: Sequence[dict[str, Any]]) -> None:
    """The events a derivation added, as a table narrow enough to read without scrolling:
    date, what happened, who, where, sources. Nothing when there are none."""
    if not rows:
        return
    table = [
        {
            "date": event_date(row),
            "what happened": _shortened(str(row.get("summary") or row.get("event_type") or "")),
            "who": _first_names(str(row.get("actors") or "")),
            "where": row.get("place") or "",
            "sources": row.get("sources") or "",
        }
        for row in rows
    ]
    _safely(
        "the new events",
        create_table_artifact,
        key="new-events",
        table=table,
        description=f"{len(rows)} new event{'s' if len(rows) != 1 else ''}",
    )


def _shortened(text: str, limit: int = TABLE_TEXT_CHARS) -> str:
    """At most `limit` characters, cut at a word: the UI's table cells do not wrap."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _first_names(actors: str, shown: int = TABLE_ACTORS) -> str:
    """'A; B; C; D; E' -> 'A; B; C +2'."""
    names = [n for n in actors.split("; ") if n]
    more = f" +{len(names) - shown}" if len(names) > shown else ""
    return "; ".join(names[:shown]) + more


def headline(counts: LoadCounts, news: RunNews) -> str:
    """What a run brought, in one line (the artifact history lists these)."""
    parts = [f"{counts.new} new", f"{counts.updated} updated"]
    if counts.failed:
        parts.append(f"{counts.failed} failed")
    parts.append(f"{len(news.events)} new event{'s' if len(news.events) != 1 else ''}")
    return ", ".join(parts)


def event_date(row: dict[str, Any]) -> str:
    """An event's date as precise as it is known: 2019-02-27, 2019-02, 2019, or undated."""
    value, precision = row.get("event_date"), row.get("date_precision")
    if not value or precision == "unknown":
        return "undated"
    text = str(value)
    return {"month": text[:7], "year": text[:4]}.get(str(precision), text)


def event_sentence(row: dict[str, Any]) -> str:
    """One markdown line for a new event: its date, what happened (the event's summary,
    which names who and where), and the outlets that reported it."""
    what = str(row.get("summary") or row.get("event_type") or "").strip()
    line = f"**{event_date(row)}** {_md(what)}"
    return f"{line} ({_md(row['sources'])})" if row.get("sources") else line


def _news_sections(news: RunNews) -> list[str]:
    lines = [f"## New and updated articles ({len(news.articles)})", ""]
    if not news.articles:
        lines += ["None.", ""]
    by_source: dict[str, list[ChangedArticle]] = {}
    for article in news.articles:
        by_source.setdefault(article.source, []).append(article)
    for source, items in sorted(by_source.items()):
        lines += [f"**{_md(source)}** ({len(items)})", ""]
        for a in items[:LISTED]:
            title = f"[{_md(a.title)}]({a.url})" if a.url else _md(a.title)
            lines.append(f"- {title}" + (" (updated)" if a.change == "updated" else ""))
        if len(items) > LISTED:
            lines.append(f"- ... and {len(items) - LISTED} more")
        lines.append("")
    lines += [f"## New events ({len(news.events)})", ""]
    lines += [f"- {event_sentence(row)}" for row in news.events[:LISTED]] or ["None."]
    if len(news.events) > LISTED:
        lines.append(f"- ... and {len(news.events) - LISTED} more")
    lines.append("")
    if news.derive_message:
        lines += [f"derive-articles: {_md(news.derive_message)}", ""]
    return lines


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
    return _table_section(failures, title, ("input", "reason"))


def _table_section(
    rows: Sequence[tuple[str, str]], title: str, header: tuple[str, str]
) -> list[str]:
    lines = [f"## {title} ({len(rows)})", "", f"| {header[0]} | {header[1]} |", "| --- | --- |"]
    lines += [f"| {_md(what)} | {_md(why)} |" for what, why in rows[:LISTED]]
    if len(rows) > LISTED:
        lines.append(f"| ... | and {len(rows) - LISTED} more |")
    return [*lines, ""]
