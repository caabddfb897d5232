"""The `ingest-feeds` flow against feeds and pages served on loopback by a real server."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from werkzeug import Request, Response

from flows.derive import reprocess_flow
from flows.feed_pipeline import FeedRunReport, fetch_pages, landed
from flows.fetching.client import Fetcher
from flows.fetching.robots import RobotsRules
from flows.ingest_feeds import ingest_feeds
from flows.sources import load_sources
from tests.feed_site import Site, rss, write_sources, yonhap_page
from warehouse import Warehouse
from warehouse.live import land, pending_entries, record_entries, update_entries

pytestmark = pytest.mark.prefect
T0 = datetime(2024, 3, 2, 0, 0, tzinfo=UTC)


def run(sources: Path, db: Path) -> tuple[FeedRunReport, bool, str]:
    state = ingest_feeds(sources_file=str(sources), db=str(db), return_state=True)
    report = state.result(raise_on_failure=False)
    assert isinstance(report, FeedRunReport), state.message
    return report, state.is_completed(), state.message or ""


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def serve_feed(
    site: Site, path: str, numbers: list[int], *, etag: str = '"v1"', folder: str = "view"
) -> None:
    items = [
        (f"yna-{n}", site.url(f"/{folder}/{n}"), T0 + timedelta(minutes=10 * n)) for n in numbers
    ]
    site.feed(path, rss(items), etag=etag, last_modified=T0)


def test_new_entries_load_once_and_a_second_run_gets_304s(
    prefect_api_url: str, site: Site, tmp_path: Path
) -> None:
    # Two feeds of one outlet share story 3, as Yonhap's nk and national feeds do.
    serve_feed(site, "/RSS/nk.xml", [1, 2, 3])
    serve_feed(site, "/RSS/national.xml", [3, 4])
    for n in range(1, 5):
        site.page(f"/view/{n}", yonhap_page(n))
    sources = write_sources(
        tmp_path / "sources.yaml",
        [
            ("yonhap", "yonhap_html", site.url("/RSS/nk.xml")),
            ("yonhap", "yonhap_html", site.url("/RSS/national.xml")),
        ],
    )
    db = tmp_path / "w.duckdb"

    report, ok, message = run(sources, db)
    assert ok, message
    assert [f.status for f in report.feeds] == ["ok", "ok"]
    assert report.pages_fetched == 4 and report.counts.new == 4
    assert all(site.statuses(f"/view/{n}") == [200] for n in range(1, 5))
    rows = query(db, "SELECT url, source, title, byline, published_at FROM articles ORDER BY url")
    # Known by the address each page declares; the one it was fetched from is an alias.
    assert [r[0] for r in rows] == [
        f"https://en.yna.co.kr/view/AEN20240302{n:06d}315" for n in range(1, 5)
    ]
    aliases = query(
        db,
        "SELECT u.url FROM article_urls u JOIN articles a USING (article_id)"
        " WHERE u.url <> a.url ORDER BY a.url",
    )
    assert [r[0] for r in aliases] == [site.url(f"/view/{n}") for n in range(1, 5)]
    assert {r[1] for r in rows} == {"yonhap"} and {r[3] for r in rows} == {"Park Ji-won"}
    assert rows[0][2].startswith("N. Korea fires short-range ballistic missile")
    assert query(db, "SELECT count(*) FROM paragraphs")[0][0] > 4 * 3

    report, ok, message = run(sources, db)
    assert ok, message
    assert [f.status for f in report.feeds] == ["not-modified", "not-modified"]
    assert report.pages_fetched == 0 and report.counts.new == 0
    # The second poll was conditional, and answered 304; no page was asked for again.
    conditional = [h for p, h, _ in site.requests if p == "/RSS/nk.xml"][1]
    assert conditional.get("If-None-Match") == '"v1"'
    assert "If-Modified-Since" in conditional
    assert site.statuses("/RSS/nk.xml") == [200, 304]
    assert all(site.statuses(f"/view/{n}") == [200] for n in range(1, 5))
    assert query(db, "SELECT count(*) FROM articles")[0][0] == 4
    # Every response is in the landing zone: 4 feed polls, 4 pages, 1 robots.txt.
    kinds = dict(query(db, "SELECT kind, count(*) FROM responses GROUP BY kind"))
    assert kinds == {"feed": 4, "page": 4, "robots": 1}


def test_a_failing_and_a_hanging_feed_do_not_stop_the_others(
    prefect_api_url: str, site: Site, tmp_path: Path
) -> None:
    serve_feed(site, "/good.xml", [1, 2])
    for n in (1, 2):
        site.page(f"/view/{n}", yonhap_page(n))
    site.handler("/broken.xml", lambda _r: Response("oops", status=500))

    def hang(_request: Request) -> Response:
        time.sleep(2.5)
        return Response("too late")

    site.handler("/hanging.xml", hang)
    sources = write_sources(
        tmp_path / "sources.yaml",
        [
            ("broken", "generic", site.url("/broken.xml")),
            ("hanging", "generic", site.url("/hanging.xml")),
            ("yonhap", "yonhap_html", site.url("/good.xml")),
        ],
        read_timeout_seconds=0.5,
    )
    db = tmp_path / "w.duckdb"
    report, ok, message = run(sources, db)

    assert not ok
    assert report.counts.new == 2
    assert query(db, "SELECT count(*) FROM articles")[0][0] == 2
    failed = {f.feed.url: f.reason for f in report.failed_feeds}
    assert failed == {
        site.url("/broken.xml"): "HTTP 500 Internal Server Error",
        site.url("/hanging.xml"): "timed out reading after 0.5 s",
    }
    # The run's message (the flow state, the run log) names both feeds and why.
    assert f"{site.url('/broken.xml')}: HTTP 500" in message
    assert f"{site.url('/hanging.xml')}: timed out" in message
    states = dict(query(db, "SELECT feed_url, consecutive_failures FROM feeds ORDER BY feed_url"))
    assert states[site.url("/broken.xml")] == 1 and states[site.url("/good.xml")] == 0
    backing_off = query(
        db, "SELECT count(*) FROM feeds WHERE next_poll_at > now() AND consecutive_failures = 1"
    )
    assert backing_off[0][0] == 2
    logged = query(db, "SELECT status, message FROM ingest_runs WHERE flow_name = 'ingest-feeds'")
    assert logged[0][0] == "failed" and "hanging.xml: timed out" in logged[0][1]


def test_retry_after_is_honoured_and_a_malformed_feed_still_gives_entries(
    prefect_api_url: str, site: Site, tmp_path: Path
) -> None:
    site.handler(
        "/busy.xml", lambda _r: Response("slow down", status=429, headers={"Retry-After": "7200"})
    )
    items = rss([(f"m-{n}", site.url(f"/view/{n}"), T0) for n in (1, 2)])
    # A bare ampersand and an unclosed channel: not well-formed XML.
    broken = items.replace("<title>test", "<title>A & B").replace("</channel></rss>", "")
    site.handler("/malformed.xml", lambda _r: Response(broken, content_type="application/xml"))
    for n in (1, 2):
        site.page(f"/view/{n}", yonhap_page(n))
    sources = write_sources(
        tmp_path / "sources.yaml",
        [
            ("busy", "generic", site.url("/busy.xml")),
            ("yonhap", "yonhap_html", site.url("/malformed.xml")),
        ],
    )
    db = tmp_path / "w.duckdb"
    before = datetime.now(UTC)
    report, _ok, _ = run(sources, db)

    busy, malformed = report.feeds
    assert (
        busy.status == "failed" and busy.reason == "HTTP 429 Too Many Requests (Retry-After 7200 s)"
    )
    assert busy.next_poll_at is not None
    assert busy.next_poll_at >= before + timedelta(seconds=7200)
    assert malformed.status == "ok" and malformed.entries == 2
    assert (malformed.problem or "").startswith("malformed feed:")
    assert report.counts.new == 2
    problem = query(db, "SELECT last_problem FROM feeds WHERE source = 'yonhap'")[0][0]
    assert problem.startswith("malformed feed:")

    # Until the Retry-After has passed, the busy feed is not asked again.
    report, _, _ = run(sources, db)
    assert report.feeds[0].status == "backing-off"
    assert site.statuses("/busy.xml") == [429]


def test_bad_pages_fail_with_their_reason_and_good_ones_load(
    prefect_api_url: str, site: Site, tmp_path: Path
) -> None:
    serve_feed(site, "/feed.xml", [1, 2, 3, 4, 5, 6])
    serve_feed(site, "/more.xml", [7], folder="private")
    site.page("/view/1", yonhap_page(1))
    site.page("/view/2", yonhap_page(2) + "<!--" + "x" * 300_000 + "-->")  # oversized
    site.handler(
        "/view/3",
        lambda _r: Response("", status=302, headers={"Location": "http://192.168.7.7/x"}),
    )
    # EUC-KR, declared only in the page's meta tag; the caption carries Hangul.
    euc = yonhap_page(4, charset="euc-kr", caption="판문점 공동경비구역 (Panmunjom)")
    site.page("/view/4", euc.encode("euc-kr"), content_type="text/html")
    site.handler("/view/5", lambda _r: Response("down", status=500))
    site.page("/view/6", "<html><body><p>nothing like an article</p></body></html>")
    # robots.txt keeps this one off limits: skipped, never requested.
    site.page("/private/7", yonhap_page(7))
    sources = write_sources(
        tmp_path / "sources.yaml",
        [
            ("yonhap", "yonhap_html", site.url("/feed.xml")),
            ("yonhap", "yonhap_html", site.url("/more.xml")),
        ],
        max_response_bytes=200_000,
    )
    db = tmp_path / "w.duckdb"
    report, ok, message = run(sources, db)

    assert not ok
    assert report.counts.new == 2  # pages 1 and 4
    failures = dict(report.page_failures)
    assert "response too large" in failures[site.url("/view/2")]
    assert "192.168.7.7, a private address; refused" in failures[site.url("/view/3")]
    assert failures[site.url("/view/5")] == "HTTP 500 Internal Server Error"
    assert "/view/6" in message
    caption = query(
        db,
        "SELECT p.text FROM paragraphs p JOIN article_urls u USING (article_id)"
        f" WHERE u.url = '{site.url('/view/4')}' AND p.kind = 'caption'",
    )
    assert caption == [("판문점 공동경비구역 (Panmunjom)",)]
    entries = dict(query(db, "SELECT url, status FROM feed_entries"))
    assert entries[site.url("/private/7")] == "skipped"
    assert site.statuses("/private/7") == []
    assert entries[site.url("/view/2")] == "failed"  # will not get smaller by asking again
    assert entries[site.url("/view/3")] == "failed"
    assert entries[site.url("/view/5")] == "pending"  # a server error: retried next run
    # The page that did not parse is kept, with its reason, to be parsed again later.
    kept = query(db, "SELECT status, error FROM documents WHERE origin LIKE '%/view/6'")
    assert kept[0][0] == "failed" and kept[0][1]

    site.reset()
    site.page("/view/5", yonhap_page(5))
    serve_feed(site, "/feed.xml", [1, 2, 3, 4, 5, 6])
    serve_feed(site, "/more.xml", [7], folder="private")
    report, _, _ = run(sources, db)
    assert report.counts.new == 1
    assert query(db, "SELECT count(*) FROM articles")[0][0] == 3


def test_versions_of_a_story_are_linked_and_the_newest_is_shown(
    prefect_api_url: str, site: Site, tmp_path: Path
) -> None:
    versions = [
        (1, "URGENT", None, "N. Korea fires ballistic missile toward East Sea: JCS"),
        (
            2,
            "LEAD",
            "UPDATES with details in paras 2-3",
            "N. Korea fires ballistic missile toward East Sea",
        ),
        (
            3,
            "2nd LD",
            "ADDS reaction in paras 4-5",
            "N. Korea fires ballistic missile toward East Sea, Seoul condemns launch",
        ),
        (4, None, None, "Unification minister visits border village"),
    ]
    items = []
    for n, label, attn, title in versions:
        published = T0 + timedelta(minutes=20 * n)
        site.page(
            f"/view/{n}",
            yonhap_page(n, title=title, label=label, attn=attn, published=published),
        )
        items.append((f"v-{n}", site.url(f"/view/{n}"), published))
    site.feed("/feed.xml", rss(items), etag='"s"', last_modified=T0)
    sources = write_sources(
        tmp_path / "sources.yaml", [("yonhap", "yonhap_html", site.url("/feed.xml"))]
    )
    db = tmp_path / "w.duckdb"
    _, ok, message = run(sources, db)
    assert ok, message

    chain = query(
        db,
        "SELECT label, version_seq, is_latest, editor_note FROM story_versions"
        " ORDER BY version_seq",
    )
    assert chain == [
        ("URGENT", 1, False, None),
        ("LEAD", 2, False, "UPDATES with details in paras 2-3"),
        ("2nd LD", 3, True, "ADDS reaction in paras 4-5"),
    ]
    latest = query(db, "SELECT label, title FROM latest_articles ORDER BY published_at")
    assert latest == [
        ("2nd LD", "N. Korea fires ballistic missile toward East Sea, Seoul condemns launch"),
        (None, "Unification minister visits border village"),
    ]


def test_pages_landed_by_a_broken_off_run_load_without_refetching(
    prefect_api_url: str, site: Site, tmp_path: Path
) -> None:

    serve_feed(site, "/feed.xml", [1, 2])
    for n in (1, 2):
        site.page(f"/view/{n}", yonhap_page(n))
    sources = write_sources(
        tmp_path / "sources.yaml", [("yonhap", "yonhap_html", site.url("/feed.xml"))]
    )
    db = tmp_path / "w.duckdb"
    # A run that fetched and landed both pages, then died before loading them.
    config = load_sources(sources)
    warehouse = Warehouse(db)
    now = datetime.now(UTC)
    entries = [
        {
            "source": "yonhap",
            "entry_id": f"yna-{n}",
            "feed_url": site.url("/feed.xml"),
            "url": site.url(f"/view/{n}"),
            "title": None,
            "published_at": None,
        }
        for n in (1, 2)
    ]
    record_entries(warehouse, entries, now)
    todo = pending_entries(warehouse, {site.url("/feed.xml"): "yonhap_html"}, 5, 100).entries
    with Fetcher(config.fetch, config.user_agent) as fetcher:
        attempts = fetch_pages(todo, fetcher, RobotsRules(fetcher, config.user_agent))
        origins = {e.url: (e.source, e.parser) for e in todo}
        land(warehouse, landed(fetcher.drain(), origins), "broken-run")
    update_entries(warehouse, [a.entry_update() for a in attempts])
    assert query(db, "SELECT count(*) FROM articles")[0][0] == 0

    report, ok, message = run(sources, db)
    assert ok, message
    assert report.counts.new == 2 and report.pages_fetched == 0
    assert site.statuses("/view/1") == [200] and site.statuses("/view/2") == [200]
    assert query(db, "SELECT count(*) FROM responses WHERE kind = 'page' AND doc_id IS NULL") == [
        (0,)
    ]

    # Reprocessing re-parses the stored pages as their feed said: nothing fetched, nothing
    # doubled, the same articles.
    before = query(db, "SELECT article_id, title, byline FROM articles ORDER BY 1")
    state = reprocess_flow(db=str(db), force=True, return_state=True)
    assert state.is_completed(), state.message
    assert query(db, "SELECT article_id, title, byline FROM articles ORDER BY 1") == before
    assert site.statuses("/view/1") == [200]


def test_a_feed_of_everything_fetches_only_the_entries_on_its_topics(
    prefect_api_url: str, site: Site, tmp_path: Path
) -> None:
    # Entry titles: 0 "Unification ministry urges ...", 1 "N. Korea fires ...",
    # 2 "Seoul, Tokyo agree to resume shuttle diplomacy".
    serve_feed(site, "/all.xml", [0, 1, 2])
    for n in (0, 1, 2):
        site.page(f"/view/{n}", yonhap_page(n))
    sources = write_sources(
        tmp_path / "sources.yaml",
        [("herald", "yonhap_html", site.url("/all.xml"), "n. korea; dprk")],
    )
    db = tmp_path / "w.duckdb"
    report, ok, message = run(sources, db)
    assert ok, message
    assert report.counts.new == 1
    assert site.statuses("/view/1") == [200]
    assert site.statuses("/view/0") == site.statuses("/view/2") == []
    skipped = query(db, "SELECT url, error FROM feed_entries WHERE status = 'skipped' ORDER BY 1")
    assert [u for u, _ in skipped] == [site.url("/view/0"), site.url("/view/2")]
    assert all("not about the feed's topics" in e for _, e in skipped)


def test_links_that_can_never_be_fetched_fail_once_for_good(
    prefect_api_url: str, site: Site, tmp_path: Path
) -> None:
    never = [
        "javascript:alert(1)",
        "data:text/html,<p>hi</p>",
        "mailto:desk@example.org",
        "ftp://example.org/story.txt",
        "http://10.1.2.3/view/9",  # a private address, not allowed by the sources file
    ]
    items = [("yna-1", site.url("/view/1"), T0)]
    items += [(f"odd-{i}", link, T0 + timedelta(minutes=i + 1)) for i, link in enumerate(never)]
    site.feed("/RSS/nk.xml", rss(items), etag='"v1"', last_modified=T0)
    site.page("/view/1", yonhap_page(1))
    sources = write_sources(
        tmp_path / "sources.yaml", [("yonhap", "yonhap_html", site.url("/RSS/nk.xml"))]
    )
    db = tmp_path / "w.duckdb"

    report, ok, message = run(sources, db)
    assert not ok
    assert report.counts.new == 1
    failed = dict(report.page_failures)
    listed = {url for (url,) in query(db, "SELECT url FROM feed_entries")}
    odd = listed - {site.url("/view/1")}
    assert len(odd) == len(never), odd  # the feed's links as listed (relative ones resolved)
    assert set(failed) == odd  # each fails, by name
    for url in odd:
        assert url in failed[url] and (
            "only http and https" in failed[url] or "refused" in failed[url]
        )
    rows = query(db, "SELECT status, attempts FROM feed_entries WHERE status <> 'fetched'")
    assert {r for r in rows} == {("failed", 1)}

    # Recorded once: the next run neither tries them again nor fails because of them.
    site.feed("/RSS/nk.xml", rss(items), etag='"v2"', last_modified=T0)
    report, ok, message = run(sources, db)
    assert ok, message
    assert report.page_failures == []
    assert set(
        query(db, f"SELECT status, attempts FROM feed_entries WHERE url <> '{site.url('/view/1')}'")
    ) == {("failed", 1)}
