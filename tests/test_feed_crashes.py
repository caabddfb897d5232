"""An ingest-feeds run that dies: nothing it had is fetched again, and it leaves its row.

Real parts: `peninsula ingest-feeds` as a process killed with SIGKILL, a loopback HTTP
server that counts the requests, another process holding the DuckDB file, a Prefect
server (the session's test harness).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from werkzeug import Request, Response

from flows.feed_pipeline import FeedRunReport
from flows.ingest_feeds import PAGE_BATCH, ingest_feeds
from flows.runlog import runs_folder
from tests.feed_site import Site, rss, write_sources, yonhap_page
from tests.test_lock_wait import hold

pytestmark = pytest.mark.prefect
PENINSULA = Path(sys.executable).parent / "peninsula"
T0 = datetime(2024, 3, 2, 0, 0, tzinfo=UTC)


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def serve_feed(site: Site, count: int) -> None:
    items = [(f"yna-{n}", site.url(f"/view/{n}"), T0 + timedelta(minutes=n)) for n in range(count)]
    site.feed("/feed.xml", rss(items), etag='"v1"', last_modified=T0)


def rerun(sources: Path, db: Path) -> FeedRunReport:
    state = ingest_feeds(sources_file=str(sources), db=str(db), derive=False, return_state=True)
    report = state.result(raise_on_failure=False)
    assert isinstance(report, FeedRunReport) and state.is_completed(), state.message
    return report


def test_a_run_killed_mid_fetch_asks_for_no_landed_page_again(
    prefect_api_url: str, site: Site, tmp_path: Path
) -> None:
    pages, killed_at = 12, 6  # killed while the 6th page is being served
    serve_feed(site, pages)
    asked: list[str] = []
    reached, release = threading.Event(), threading.Event()

    def respond(request: Request) -> Response:
        asked.append(request.path)
        if len(asked) == killed_at:
            reached.set()
            release.wait(60)  # answered only once the run is dead
        return Response(yonhap_page(int(request.path.rsplit("/", 1)[1])), content_type="text/html")

    site.handler(re.compile(r"/view/\d+"), respond)
    sources = write_sources(
        tmp_path / "sources.yaml", [("yonhap", "yonhap_html", site.url("/feed.xml"))]
    )
    db = tmp_path / "w.duckdb"
    env = {**os.environ, "PREFECT_API_URL": prefect_api_url, "PREFECT_HOME": str(tmp_path / "p")}
    run = subprocess.Popen(
        [str(PENINSULA), "ingest-feeds", "--sources", str(sources), "--db", str(db)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        waited = 0
        while not reached.wait(1) and run.poll() is None and waited < 180:
            waited += 1
        if not reached.is_set():
            os.killpg(run.pid, signal.SIGKILL)
            _, err = run.communicate()
            pytest.fail(f"the run never asked for page {killed_at}: {err.decode()[-2000:]}")
        os.killpg(run.pid, signal.SIGKILL)
        run.wait(30)
    finally:
        release.set()
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    assert run.returncode == -signal.SIGKILL
    before_kill = asked[: killed_at - 1]

    report = rerun(sources, db)
    counts = Counter(asked)
    # Every page that was back before the kill was landed and marked: not asked again.
    assert [counts[p] for p in before_kill] == [1] * len(before_kill), asked
    assert report.pages_fetched == pages - len(before_kill)
    assert sorted(counts) == sorted(f"/view/{n}" for n in range(pages))
    assert query(db, "SELECT count(*), count(DISTINCT url) FROM articles") == [(pages, pages)]


def test_a_run_that_loses_the_file_after_loading_still_gets_its_row(
    prefect_api_url: str, site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PENINSULA_LOCK_WAIT_SECONDS", "1")
    pages = PAGE_BATCH + 1  # a first batch fetched and loaded, then the file is taken
    serve_feed(site, pages)
    db = tmp_path / "w.duckdb"
    asked: list[str] = []
    holders: list[subprocess.Popen] = []

    def respond(request: Request) -> Response:
        asked.append(request.path)
        if len(asked) == pages:
            holders.append(hold(db, 600))  # another process opens the file, and keeps it
        return Response(yonhap_page(int(request.path.rsplit("/", 1)[1])), content_type="text/html")

    site.handler(re.compile(r"/view/\d+"), respond)
    sources = write_sources(
        tmp_path / "sources.yaml", [("yonhap", "yonhap_html", site.url("/feed.xml"))]
    )
    try:
        state = ingest_feeds(sources_file=str(sources), db=str(db), derive=False, return_state=True)
    finally:
        for holder in holders:
            holder.kill()
            holder.wait()
    assert len(holders) == 1 and not state.is_completed()
    run_id = str(state.state_details.flow_run_id)
    # The row could not be written while the file was held: it waits on disk.
    assert [p.name for p in runs_folder(db).iterdir()] == [f"{run_id}.json"]

    report = rerun(sources, db)
    rows = query(
        db,
        "SELECT run_id, status, n_new, message FROM ingest_runs ORDER BY started_at",
    )
    assert [(r[0], r[1], r[2]) for r in rows[:1]] == [(run_id, "crashed", PAGE_BATCH)]
    assert "locked by another process" in rows[0][3] and "for more than 1 s" in rows[0][3]
    assert [r[1:3] for r in rows[1:]] == [("completed", 1)]
    assert list(runs_folder(db).iterdir()) == []
    # The page fetched while the file was held was kept on disk and loaded, not refetched.
    assert report.pages_fetched == 0
    assert len(asked) == len(set(asked)) == pages
    assert query(db, "SELECT count(*) FROM articles") == [(pages,)]
