"""Feeds on a loopback server of our own: rows 5, 6, 7, 10 and 12 of issue 13."""

from __future__ import annotations

import logging
import re
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

HUGE = 20_000  # row 5: entries of the huge feed (about 4 MB, under the default size cap)
SMALL = 10
CAP = 100  # fetch.max_pages_per_feed's default: the case runs on the defaults
REBIND = "rebind.test"  # row 12: a name whose answer turns to loopback after the check
# Imported by every Python the command starts (PYTHONPATH): the name answers a public
# address once, then loopback, as a rebinding DNS server would.
REBINDING_RESOLVER = f"""
import socket
_real = socket.getaddrinfo
_asked = []
def _rebinding(host, port, *args, **kwargs):
    if host == {REBIND!r}:
        _asked.append(host)
        address = "93.184.215.14" if len(_asked) == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port or 80))]
    return _real(host, port, *args, **kwargs)
socket.getaddrinfo = _rebinding
"""


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
        return [
            *unfetchable_and_slow(feeds),
            killed_ingest_feeds(feeds),
            *huge_feed(feeds),
            rebinding(feeds),
        ]
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


def huge_feed(feeds: Feeds) -> list[Outcome]:
    """Row 5: a feed of 20,000 entries beside one of 10, on the default settings. A run
    fetches the huge feed's newest pages up to the cap and every page of the other,
    taking turns; what is left is counted and fetched by the next runs, never twice."""

    def respond(request: Request) -> Response:
        return Response(yonhap_page(int(request.path.rsplit("/", 1)[1])), content_type="text/html")

    feeds.site.handler(re.compile(r"/(huge|small)/\d+"), respond)
    later = T0 + timedelta(days=1)  # every huge entry is newer than every small one
    huge = [
        (f"huge-{n}", feeds.site.url(f"/huge/{n}"), later + timedelta(minutes=n))
        for n in reversed(range(HUGE))
    ]
    small = [
        (f"small-{n}", feeds.site.url(f"/small/{n}"), T0 + timedelta(minutes=n))
        for n in reversed(range(SMALL))
    ]
    feeds.feed("huge", huge)
    feeds.feed("small", small)
    sources = write_sources(
        feeds.base / "huge.yaml",
        [
            ("huge", "yonhap_html", feeds.site.url("/huge.xml")),
            ("yonhap", "yonhap_html", feeds.site.url("/small.xml")),
        ],
    )
    db = feeds.base / "huge.duckdb"

    def pages() -> list[str]:
        return [p for p, _, _ in feeds.site.requests if re.fullmatch(r"/(huge|small)/\d+", p)]

    def ingest(tag: str) -> Run:
        arguments = ["ingest-feeds", "--sources", str(sources), "--db", str(db)]
        return run_peninsula(arguments, feeds.ctx, feeds.base / f"{tag}.log")

    before = len(pages())
    first = ingest("huge-1")
    asked = pages()[before:]
    newest = [f"/huge/{n}" for n in range(HUGE - 1, HUGE - CAP - 1, -1)]
    got_huge = [p for p in asked if p.startswith("/huge/")]
    got_small = [p for p in asked if p.startswith("/small/")]
    left = HUGE - CAP
    told = any(f"{left} pages left" in line for line in first.lines("pages left"))
    sound = got_huge == newest and len(got_small) == SMALL and told
    # Fair turns: the small feed is done within its first turns, not after the huge one.
    sound = sound and all(p.startswith("/small/") for p in asked[1 : 2 * SMALL : 2])
    rows = [
        compared(
            f"row 5: feed of {HUGE:,} entries beside one of {SMALL}",
            f"exit {first.code}: {len(got_huge)} newest of the huge feed, {len(got_small)}/"
            f"{SMALL} of the other in turns; {'told' if told else 'NOT told'} {left} left",
            first,
            CAP + SMALL,
            db,
            sound and first.code == 0,
        )
    ]
    feeds.feed("huge", huge, etag='"2"')
    second = ingest("huge-2")
    again = pages()[before + len(asked) :]
    twice = len(set(again) & set(asked))
    rows.append(
        compared(
            "row 5: the next run",
            f"exit {second.code}: {len(again)} pages, {twice} of them fetched before",
            second,
            2 * CAP + SMALL,
            db,
            second.code == 0 and twice == 0 and len(again) == CAP,
        )
    )
    return rows


def rebinding(feeds: Feeds) -> Outcome:
    """Row 12: an entry's host answers a public address when checked and loopback
    after. The feed is served on 127.0.0.2, the only address the sources allow; the
    service the rebinding points at listens on 127.0.0.1 and must get no request."""
    target = HTTPServer(host="127.0.0.1", port=0)
    target.expect_request(re.compile(".*")).respond_with_data("secret", content_type="text/html")
    target.start()
    own = HTTPServer(host="127.0.0.2", port=0, threaded=True)
    own.start()
    try:
        site = Site(own)
        resolver = feeds.base / "rebinding"
        resolver.mkdir()
        (resolver / "sitecustomize.py").write_text(REBINDING_RESOLVER)
        good = []
        for n in range(201, 203):
            site.page(f"/view/{n}", yonhap_page(n))
            good.append((f"yna-{n}", site.url(f"/view/{n}"), T0 + timedelta(minutes=n)))
        link = f"http://{REBIND}:{target.port}/admin"
        site.feed(
            "/rebind.xml",
            rss([*good, ("rebind-1", link, T0 + timedelta(minutes=300))]),
            etag='"1"',
            last_modified=T0,
        )
        sources = write_sources(
            feeds.base / "rebind.yaml",
            [("yonhap", "yonhap_html", site.url("/rebind.xml"))],
            allow_networks=["127.0.0.2/32"],
        )
        db = feeds.base / "rebind.duckdb"
        ctx = feeds.ctx
        env = {**ctx.env, "PYTHONPATH": str(resolver)}
        run = run_peninsula(
            ["ingest-feeds", "--sources", str(sources), "--db", str(db)],
            Context(ctx.work, env, ctx.api),
            feeds.base / "rebind.log",
        )
        reached = len(target.log)
        said = run.lines(REBIND)
        return compared(
            "row 12: DNS answer turns to loopback after the check",
            f"exit {run.code}: the loopback service got {reached} requests; "
            + (said[0][:110] if said else "(no line naming the entry)"),
            run,
            len(good),
            db,
            reached == 0 and bool(said),
        )
    finally:
        target.clear()
        target.stop()
        own.clear()
        own.stop()


CASES = [feed_cases]
