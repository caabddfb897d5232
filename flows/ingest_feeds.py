"""The `ingest-feeds` flow: feeds -> new entries -> article pages -> DuckDB.

    poll feeds (conditional GET)  -> land responses -> read entries, update feed health
    fetch new pages (politely)    -> land responses -> parse and load, a batch at a time
    link versions of a story

Every response is landed before it is parsed: a run that breaks off after fetching
loses nothing, and the next run loads what it left (`load_landed` picks it up).
"""

from __future__ import annotations

import uuid
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
from flows.spill import land_or_spill, land_spilled
from warehouse import Warehouse
from warehouse.live import (
    PendingEntry,
    feed_states,
    pending_entries,
    record_entries,
    save_feed_states,
    sync_feeds,
    update_entries,
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
) -> FeedRunReport:
    warehouse = Warehouse(db)
    sync_feeds(warehouse, [(f.url, f.source, f.parser) for f in feeds])
    rows = feed_states(warehouse, [f.url for f in feeds])
    states = {f.url: state_from_row(f.url, rows.get(f.url)) for f in feeds}
    polls = poll_feeds(feeds, states, fetcher, now)
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
    entries: list[PendingEntry], fetcher: Fetcher, robots: RobotsRules, db: str, run_id: str
) -> list[PageAttempt]:
    attempts = fetch_pages(entries, fetcher, robots)
    origins = {e.url: (e.source, e.parser) for e in entries}
    warehouse = Warehouse(db)
    land_or_spill(warehouse, landed(fetcher.drain(), origins), run_id)
    update_entries(warehouse, [a.entry_update() for a in attempts])
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
    run_id = str(flow_run.get_id() or uuid.uuid4())
    started_at = datetime.now(UTC)
    warehouse = Warehouse(db)
    report = FeedRunReport()
    with (
        recorded_crash(db, run_id, FLOW_NAME, [f.url for f in feeds], started_at, report.counts),
        Fetcher(sources.fetch, sources.user_agent) as fetcher,
    ):
        # Responses an earlier run could not land (the file stayed locked) come first.
        land_spilled(warehouse)
        report = poll_task(list(feeds), sources.fetch, fetcher, db, run_id, started_at)
        # Pages a broken-off run landed but did not load come first: no refetching.
        report.add_loads(load_task(db, run_id))
        robots = RobotsRules(fetcher, sources.user_agent)
        parsers = {f.url: f.parser for f in feeds}
        todo = pending_entries(warehouse, parsers, MAX_PAGE_ATTEMPTS)
        for start in range(0, len(todo), PAGE_BATCH):
            chunk = todo[start : start + PAGE_BATCH]
            report.add_attempts(fetch_task(chunk, fetcher, robots, db, run_id))
            report.add_loads(load_task(db, run_id))
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
