"""A feed of thousands of entries beside a normal one: each run takes a bounded, fair share.

Real parts: a loopback HTTP server serving the feeds and pages, a DuckDB file, a Prefect
server (the session's test harness).
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from werkzeug import Request, Response

from flows.feed_pipeline import FeedRunReport
from flows.ingest_feeds import ingest_feeds
from tests.feed_site import Site, rss, write_sources, yonhap_page

pytestmark = pytest.mark.prefect
T0 = datetime(2024, 3, 2, 0, 0, tzinfo=UTC)
BIG = 2000  # entries of the big feed
SMALL = 5  # entries of the normal feed
CAP = 20


def run(sources: Path, db: Path) -> tuple[FeedRunReport, bool, str]:
    state = ingest_feeds(sources_file=str(sources), db=str(db), derive=False, return_state=True)
    report = state.result(raise_on_failure=False)
    assert isinstance(report, FeedRunReport), state.message
    return report, state.is_completed(), state.message or ""


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def page_requests(site: Site) -> list[str]:
    """The article pages asked for, in order (feeds and robots.txt left out)."""
    return [path for path, _, _ in site.requests if re.fullmatch(r"/(big|small)/\d+", path)]


def serve_pages(site: Site, *, delay: float = 0.0) -> None:
    def respond(request: Request) -> Response:
        time.sleep(delay)
        number = int(request.path.rsplit("/", 1)[1])
        return Response(yonhap_page(number), content_type="text/html")

    site.handler(re.compile(r"/(big|small)/\d+"), respond)


def serve_feed(site: Site, path: str, folder: str, numbers: range, start: datetime) -> None:
    """Items in feed order newest first, as feeds list them; one a minute from `start`."""
    items = [
        (f"{folder}-{n}", site.url(f"/{folder}/{n}"), start + timedelta(minutes=n))
        for n in reversed(numbers)
    ]
    site.feed(path, rss(items), etag='"v1"', last_modified=T0)


def test_a_huge_feed_gets_its_newest_pages_up_to_the_cap_and_the_others_their_turn(
    prefect_api_url: str, site: Site, tmp_path: Path
) -> None:
    # The normal feed's entries are older than every entry of the big one: newest-first
    # over all feeds at once would starve it as surely as URL order did.
    serve_feed(site, "/big.xml", "big", range(BIG), T0 + timedelta(days=1))
    serve_feed(site, "/small.xml", "small", range(SMALL), T0)
    serve_pages(site)
    big, small = site.url("/big.xml"), site.url("/small.xml")
    sources = write_sources(
        tmp_path / "sources.yaml",
        [("huge", "yonhap_html", big), ("yonhap", "yonhap_html", small)],
        max_pages_per_feed=CAP,
    )
    db = tmp_path / "w.duckdb"

    report, ok, message = run(sources, db)
    assert ok, message
    asked = page_requests(site)
    assert sorted(p for p in asked if p.startswith("/big/")) == sorted(
        f"/big/{n}" for n in range(BIG - CAP, BIG)
    )
    # Newest first within the feed; every page of the normal feed, and early: the feeds
    # take turns, so the small feed is done within its first five turns.
    assert [p for p in asked if p.startswith("/big/")] == [
        f"/big/{n}" for n in range(BIG - 1, BIG - CAP - 1, -1)
    ]
    assert [p for p in asked if p.startswith("/small/")] == [
        f"/small/{n}" for n in range(SMALL - 1, -1, -1)
    ]
    assert all(p.startswith("/small/") for p in asked[1 : 2 * SMALL : 2]), asked[: 2 * SMALL]
    assert report.pages_fetched == CAP + SMALL and report.counts.new == CAP + SMALL
    # What the cap left is counted per feed, in the run's message and its row of the log.
    left = BIG - CAP
    assert report.pages_left == {big: left}
    assert f"{left} pages left for later runs ({big} {left};" in message
    assert "fetch.max_pages_per_feed" in message
    (logged,) = query(db, "SELECT message FROM ingest_runs")
    assert f"{left} pages left for later runs ({big} {left};" in logged[0]
    pending = dict(
        query(db, "SELECT feed_url, count(*) FROM feed_entries WHERE status = 'pending' GROUP BY 1")
    )
    assert pending == {big: left}  # left, not dropped

    # The next run takes the next twenty, and asks for none of the first pages again.
    report, ok, message = run(sources, db)
    assert ok, message
    again = page_requests(site)[len(asked) :]
    assert again == [f"/big/{n}" for n in range(BIG - CAP - 1, BIG - 2 * CAP - 1, -1)]
    assert report.pages_left == {big: left - CAP}
    assert query(db, "SELECT count(*), count(DISTINCT url) FROM articles") == [
        (2 * CAP + SMALL, 2 * CAP + SMALL)
    ]


def test_no_request_starts_after_the_run_deadline_and_the_next_run_takes_the_rest(
    prefect_api_url: str, site: Site, tmp_path: Path
) -> None:
    total = 30
    serve_feed(site, "/big.xml", "big", range(total), T0)
    serve_pages(site, delay=0.5)  # 15 s for all of them, one at a time
    big = site.url("/big.xml")
    db = tmp_path / "w.duckdb"
    hurried = write_sources(
        tmp_path / "hurried.yaml",
        [("slow", "yonhap_html", big)],
        run_deadline_minutes=0.08,  # 4.8 s from the run's start
    )
    started = time.monotonic()
    report, ok, message = run(hurried, db)
    took = time.monotonic() - started
    assert ok, message  # a deadline is a limit, not a failure
    fetched = len(page_requests(site))
    assert 1 <= fetched < total, fetched
    assert took < 20, took
    assert report.pages_fetched == fetched
    assert report.pages_left == {big: total - fetched}
    assert f"{total - fetched} pages left for later runs ({big} {total - fetched};" in message
    assert "fetch.run_deadline_minutes" in message
    (logged,) = query(db, "SELECT message FROM ingest_runs")
    assert "fetch.run_deadline_minutes" in logged[0]

    patient = write_sources(tmp_path / "patient.yaml", [("slow", "yonhap_html", big)])
    report, ok, message = run(patient, db)
    assert ok, message
    asked = page_requests(site)
    assert sorted(asked) == sorted(f"/big/{n}" for n in range(total))  # each once
    assert report.pages_left == {} and "left for later runs" not in message
    assert query(db, "SELECT count(*) FROM articles") == [(total,)]


def test_a_feed_whose_turn_comes_after_the_deadline_is_polled_next_run(
    prefect_api_url: str, site: Site, tmp_path: Path
) -> None:
    slow_items = [("slow-1", site.url("/big/1"), T0)]
    later_items = [("small-0", site.url("/small/0"), T0)]

    def slow_feed(_request: Request) -> Response:
        time.sleep(4)  # the deadline passes while this feed is read
        return Response(rss(slow_items), content_type="application/rss+xml")

    site.handler("/slow.xml", slow_feed)
    site.feed("/later.xml", rss(later_items), etag='"v1"', last_modified=T0)
    serve_pages(site)
    slow, later = site.url("/slow.xml"), site.url("/later.xml")
    feeds = [("slow", "yonhap_html", slow), ("yonhap", "yonhap_html", later)]  # one host
    db = tmp_path / "w.duckdb"
    hurried = write_sources(
        tmp_path / "hurried.yaml", feeds, read_timeout_seconds=10, run_deadline_minutes=0.05
    )  # 3 s from the run's start

    report, ok, message = run(hurried, db)
    assert ok, message
    assert [f.status for f in report.feeds] == ["ok", "deferred"]
    assert "fetch.run_deadline_minutes" in (report.feeds[1].reason or "")
    assert site.statuses("/later.xml") == [] and page_requests(site) == []
    assert report.pages_left == {slow: 1} and "1 deferred" in message

    patient = write_sources(tmp_path / "patient.yaml", feeds, read_timeout_seconds=10)
    report, ok, message = run(patient, db)
    assert ok, message
    assert [f.status for f in report.feeds] == ["ok", "ok"]
    assert sorted(page_requests(site)) == ["/big/1", "/small/0"]
    assert query(db, "SELECT count(*) FROM articles") == [(2,)]
