"""The `ingest-feeds` flow: feeds -> new entries -> article pages -> DuckDB.

    poll feeds (conditional GET)  -> land responses -> read entries, update feed health
    fetch new pages (politely)    -> land each response -> parse and load, a batch at a time
    link versions of a story

Every response is landed before it is parsed, and a page is on disk in the landing
folder before its host's next request: a run that breaks off, even by kill -9, loses
nothing and refetches nothing; the next run lands what it left (marking its entries
fetched) and loads it (`load_landed`).
A run fetches at most `fetch.max_pages_per_feed` pages of each feed, newest first, the
feeds taking turns, and starts no request (feed or page) after `fetch.run_deadline_minutes`:
what is left stays pending for the next run and is counted in the run's report.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.states import Completed, Failed, State

from flows.derive import derive_flow
from flows.desk import refresh_desk
from flows.feed_pipeline import (
    MAX_PAGE_ATTEMPTS,
    FeedRunReport,
    LoadedPages,
    PageAttempt,
    apply_polls,
    fetch_pages,
    landed,
    link_story_versions,
    load_landed,
    poll_feeds,
    state_from_row,
    state_row,
)
from flows.fetching.client import Fetcher
from flows.fetching.robots import RobotsRules
from flows.load_files import DEFAULT_DB
from flows.reporting import RunNews, publish_feed_run
from flows.runlog import recorded_crash
from flows.sources import DEFAULT_SOURCES, Feed, FetchSettings, Sources, load_sources
from flows.spill import land_or_spill, land_spilled, spill, spill_folder, unspill
from warehouse import Warehouse
from warehouse.live import (
    LandedResponse,
    PendingEntry,
    feed_states,
    pending_entries,
    record_entries,
    save_feed_states,
    sync_feeds,
)
from warehouse.reports import run_articles

# Pages fetched (then landed, then loaded) per step: small enough that a broken-off run
# has landed most of what it fetched, large enough to keep load transactions few.
PAGE_BATCH = 50
FLOW_NAME = "ingest-feeds"


@task(name="poll-feeds", cache_policy=NO_CACHE, persist_result=False)
def poll_task(
    feeds: list[Feed],
    settings: FetchSettings,
    fetcher: Fetcher,
    db: str,
    run_id: str,
    now: datetime,
    stop: Callable[[], bool],
) -> FeedRunReport:
    warehouse = Warehouse(db)
    sync_feeds(warehouse, [(f.url, f.source, f.parser) for f in feeds])
    rows = feed_states(warehouse, [f.url for f in feeds])
    states = {f.url: state_from_row(f.url, rows.get(f.url)) for f in feeds}
    polls = poll_feeds(feeds, states, fetcher, now, stop)
    origins = {f.url: (f.source, f.parser) for f in feeds}
    land_or_spill(warehouse, landed(fetcher.drain(), origins), run_id)
    outcomes, new_states, entries = apply_polls(polls, states, settings, now)
    save_feed_states(warehouse, [state_row(s) for s in new_states.values()])
    for outcome in outcomes:
        listed = [e for e in entries if e["feed_url"] == outcome.feed.url]
        outcome.new_entries = record_entries(warehouse, listed, now)
    return FeedRunReport(feeds=outcomes)


@task(name="fetch-pages", cache_policy=NO_CACHE, persist_result=False)
def fetch_task(
    entries: list[PendingEntry],
    fetcher: Fetcher,
    robots: RobotsRules,
    db: str,
    run_id: str,
    stop: Callable[[], bool],
) -> list[PageAttempt]:
    origins = {e.url: (e.source, e.parser) for e in entries}
    folder = spill_folder(db)
    kept: list[LandedResponse] = []
    kept_lock = threading.Lock()

    def record(_attempt: PageAttempt) -> None:
        # On disk before the host's next request (a file write, not a DuckDB commit): a
        # run killed from here on refetches nothing, the next one lands what is there.
        responses = landed(fetcher.drain(), origins)
        spill(folder, responses, run_id)
        with kept_lock:
            kept.extend(responses)

    attempts = fetch_pages(entries, fetcher, robots, record=record, stop=stop)
    # The chunk in one DuckDB transaction, with every entry's new status; then the files
    # on disk are done with.
    kept.extend(landed(fetcher.drain(), origins))
    land_or_spill(Warehouse(db), kept, run_id, [a.entry_update() for a in attempts])
    unspill(folder, kept)
    return attempts


@task(name="load-pages", cache_policy=NO_CACHE, persist_result=False)
def load_task(db: str, run_id: str) -> LoadedPages:
    return load_landed(Warehouse(db), run_id, PAGE_BATCH)


@flow(name=FLOW_NAME, persist_result=False)
def ingest_feeds(
    source: str | None = None,
    sources_file: str = str(DEFAULT_SOURCES),
    db: str = str(DEFAULT_DB),
    derive: bool = True,
) -> State:
    """Poll the feeds of the sources file (or of one source), fetch and load new articles,
    then derive them (the `derive-articles` flow, unless `derive` is false).

    One bad feed or page never stops the others; the run fails, naming them, when any
    feed or page failed.
    """
    sources: Sources = load_sources(Path(sources_file))
    feeds = sources.select(source)
    settings = sources.fetch
    run_id = str(flow_run.get_id() or uuid.uuid4())
    started_at = datetime.now(UTC)
    deadline = time.monotonic() + settings.run_deadline_minutes * 60

    def past_deadline() -> bool:
        return time.monotonic() >= deadline

    warehouse = Warehouse(db)
    report = FeedRunReport()
    # The whole run, its own row included: a run that fails at any point, even when the
    # file is held past the wait after rows were loaded, still gets its row.
    with recorded_crash(db, run_id, FLOW_NAME, [f.url for f in feeds], started_at, report.counts):
        with Fetcher(settings, sources.user_agent) as fetcher:
            # Responses an earlier run could not land (the file stayed locked) come first.
            land_spilled(warehouse)
            report.feeds = poll_task(
                list(feeds), settings, fetcher, db, run_id, started_at, past_deadline
            ).feeds
            # Pages a broken-off run landed but did not load come first: no refetching.
            report.add_loads(load_task(db, run_id))
            _fetch_and_load(report, feeds, sources, fetcher, db, run_id, past_deadline)
            link_story_versions(warehouse)

        message = report.message()
        news = RunNews(articles=run_articles(warehouse, run_id))
        if derive:
            derived = derive_flow(db=db, refresh_desk=False, return_state=True)
            report.derive_message, report.derive_ok = derived.message, derived.is_completed()
            news.events = getattr(derived.result(raise_on_failure=False), "new_events", [])
            news.derive_message = derived.message
        refresh_desk(db)
        publish_feed_run(report, news)
        warehouse.record_run(
            run_id,
            FLOW_NAME,
            [f.url for f in feeds],
            started_at,
            report.counts,
            status="completed" if report.ok else "failed",
            message=message,
        )
    if report.ok:
        return Completed(message=message, data=report)
    return Failed(message=message, data=report)


def _fetch_and_load(
    report: FeedRunReport,
    feeds: Sequence[Feed],
    sources: Sources,
    fetcher: Fetcher,
    db: str,
    run_id: str,
    past_deadline: Callable[[], bool],
) -> None:
    """Fetch this run's share of pending pages, fairly across feeds, loading as they land;
    count in the report what the per-feed cap and the run's deadline left for later."""
    settings = sources.fetch
    warehouse = Warehouse(db)
    robots = RobotsRules(fetcher, sources.user_agent)
    parsers = {f.url: f.parser for f in feeds}
    plan = pending_entries(warehouse, parsers, MAX_PAGE_ATTEMPTS, settings.max_pages_per_feed)
    report.leave(
        plan.left,
        f"the cap of {settings.max_pages_per_feed} pages per feed per run"
        " (fetch.max_pages_per_feed)",
    )

    tried: set[str] = set()
    for start in range(0, len(plan.entries), PAGE_BATCH):
        if past_deadline():
            break
        chunk = plan.entries[start : start + PAGE_BATCH]
        attempts = fetch_task(chunk, fetcher, robots, db, run_id, past_deadline)
        tried.update(a.entry.url for a in attempts)
        report.add_attempts(attempts)
        report.add_loads(load_task(db, run_id))
    not_tried: dict[str, int] = {}
    for entry in plan.entries:
        if entry.url not in tried:
            not_tried[entry.feed_url] = not_tried.get(entry.feed_url, 0) + 1
    report.leave(
        not_tried,
        f"the run's deadline of {settings.run_deadline_minutes:g} min (fetch.run_deadline_minutes)",
    )
