"""Feeds on a loopback server of our own: rows 6, 7 and 10 of issue 13.

Rows 5 (entries per feed per run, a fair order across feeds) and 12 (connect to the
address that was checked) are being built elsewhere: their cases go in CASES here when
the features land; until then PENDING names them and the table shows them as not run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from bench.faults.common import Context, Outcome, Run, articles, compared, run_peninsula, summarize
from tests.feed_site import Site, rss, write_sources, yonhap_page

T0 = datetime(2024, 3, 2, tzinfo=UTC)
DEADLINE = 5.0  # fetch.response_deadline_seconds for the trickle
KILLED_PAGES = 30  # row 10: the feed's pages; the kill comes after half of them
PAGE_DELAY = 0.3  # seconds each of those pages takes to serve, so the run lasts

PENDING = {
    "row 5": "a feed of 100,000 entries beside a normal one (entries per feed per run): "
    "being built by another helper",
    "row 12": "the DNS answer changes between the check and the connect (pinning): "
    "being built by another helper",
}


class Feeds:
    """One loopback site for every feed case, and ingest-feeds against one of its feeds."""

    def __init__(self, ctx: Context) -> None:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one table, not a request log
        self.ctx = ctx
        self.base = ctx.folder("feeds")
        self.server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
        self.server.start()
        self.site = Site(self.server)

    def close(self) -> None:
        self.server.clear()
        self.server.stop()

    def entries(self, numbers: range) -> list[tuple[str, str, datetime]]:
        for n in numbers:
            self.site.page(f"/view/{n}", yonhap_page(n))
        return [
            (f"yna-{n}", self.site.url(f"/view/{n}"), T0 + timedelta(minutes=n)) for n in numbers
        ]

    def feed(self, name: str, items: list[tuple[str, str, datetime]], etag: str = '"1"') -> None:
        self.site.feed(f"/{name}.xml", rss(items), etag=etag, last_modified=T0)

    def ingest(self, name: str, db: Path, tag: str, **how) -> Run:
        sources = write_sources(
            self.base / f"{name}.yaml",
            [("yonhap", "yonhap_html", self.site.url(f"/{name}.xml"))],
            response_deadline_seconds=DEADLINE,
            read_timeout_seconds=3,
        )
        # localhost resolves to ::1 as well: allow it (the sources file lists 127/8).
        sources.write_text(sources.read_text().replace('"127.0.0.0/8"', '"127.0.0.0/8", "::1/128"'))
        arguments = ["ingest-feeds", "--sources", str(sources), "--db", str(db)]
        return run_peninsula(arguments, self.ctx, self.base / f"{tag}.log", **how)


def trickle(_request: Request) -> Response:
    def drip() -> Iterator[bytes]:
        for _ in range(600):  # a byte a second for ten minutes
            time.sleep(1.0)
            yield b"x"

    return Response(drip(), content_type="text/html")


def feed_cases(ctx: Context) -> list[Outcome]:
    feeds = Feeds(ctx)
    try:
        return [*unfetchable_and_slow(feeds), killed_ingest_feeds(feeds)]
    finally:
        feeds.close()


def unfetchable_and_slow(feeds: Feeds) -> list[Outcome]:
    """Row 7: links that can never be fetched are final at once; row 6: a server sending
    one byte a second is cut off at the deadline. Both beside two good pages."""
    good = feeds.entries(range(1, 3))
    never = [
        "javascript:alert(1)",
        "data:text/html,<p>x</p>",
        "mailto:desk@example.org",
        "ftp://example.org/a.txt",
        "http://10.1.2.3/view/9",
    ]
    odd = [(f"odd-{i}", u, T0 + timedelta(minutes=10 + i)) for i, u in enumerate(never)]
    feeds.site.handler("/slow/1", trickle)
    slow = [("slow-1", f"http://localhost:{feeds.server.port}/slow/1", T0 + timedelta(minutes=30))]
    feeds.feed("clean", good)
    feeds.feed("never", good + odd)
    feeds.feed("slow", good + slow)
    clean = feeds.ingest("clean", feeds.base / "clean.duckdb", "clean")
    assert clean.code == 0, clean.output
    baseline = articles(feeds.base / "clean.duckdb")
    rows = []
    db = feeds.base / "never.duckdb"
    first = feeds.ingest("never", db, "never-1")
    feeds.feed("never", good + odd, etag='"2"')  # the feed changes: its entries come again
    second = feeds.ingest("never", db, "never-2")
    failed = first.lines("failed ")
    final = [line for line in failed if any(u in line for u in never)]
    outcome = (
        f"exit {first.code}: {len(final)}/{len(never)} links failed for good, each named "
        f"({final[0][:60] if final else 'none named'}...); the next run: exit {second.code}"
    )
    rows.append(
        compared(
            "row 7: javascript:/data:/mailto:/ftp:/private links",
            outcome,
            first,
            baseline,
            db,
            len(final) == len(never) and second.code == 0,
        )
    )
    db = feeds.base / "slow.duckdb"
    run = feeds.ingest("slow", db, "slow")
    said = run.lines("slow/1")
    sound = any("deadline" in line for line in said)
    rows.append(
        compared(
            f"row 6: 1 byte/s page (deadline {DEADLINE:g} s)",
            summarize(run, "slow/1"),
            run,
            baseline,
            db,
            sound,
        )
    )
    return rows


def killed_ingest_feeds(feeds: Feeds) -> Outcome:
    """Row 10: kill -9 in the middle of ingest-feeds, then rerun: no article doubled, and
    how many pages the rerun fetched again (the landed ones need not be)."""
    numbers = range(101, 101 + KILLED_PAGES)
    items = []
    for n in numbers:
        body = yonhap_page(n)

        def slow_page(_request: Request, body: str = body) -> Response:
            time.sleep(PAGE_DELAY)
            return Response(body, content_type="text/html")

        feeds.site.handler(f"/view/{n}", slow_page)
        items.append((f"yna-{n}", feeds.site.url(f"/view/{n}"), T0 + timedelta(minutes=n)))
    feeds.feed("many", items)

    paths = {f"/view/{n}" for n in numbers}

    def served() -> list[str]:
        return [p for p, _, status in feeds.site.requests if p in paths and status == 200]

    db = feeds.base / "killed.duckdb"
    before = len(served())
    killed = feeds.ingest(
        "many", db, "many-killed", kill_when=lambda _: len(served()) - before >= KILLED_PAGES // 2
    )
    time.sleep(2 * PAGE_DELAY)  # a page on its way at the kill is logged now
    first = served()[before:]
    feeds.feed("many", items, etag='"2"')
    rerun = feeds.ingest("many", db, "many-rerun")
    again = served()[before + len(first) :]
    refetched = len(set(first) & set(again))
    outcome = (
        f"killed after {len(first)} pages served; rerun exit {rerun.code}, fetched {len(again)}: "
        f"{refetched} of them fetched before the kill"
    )
    return compared(
        "row 10: kill -9 during ingest-feeds, then rerun",
        outcome,
        rerun,
        KILLED_PAGES,
        db,
        killed.code is None and rerun.code == 0,
    )


CASES = [feed_cases]
