"""One page, one article: a story saved to disk, fetched from a feed, or found under two
URLs is one article, known by the address the page declares for itself."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from bs4 import BeautifulSoup

from parsers.html_common import canonical_url
from tests.conftest import SHARED
from tests.feed_site import Site, rss, write_sources

REAL_YONHAP = SHARED / "fixtures" / "real" / "yonhap_AEN20230419000952325.html"
DECLARED = "https://en.yna.co.kr/view/AEN20230419000952325"
T0 = datetime(2023, 4, 19, tzinfo=UTC)


def real_page() -> bytes:
    if not REAL_YONHAP.exists():
        pytest.skip(f"{REAL_YONHAP} is absent: the real pages live in ../shared, not here")
    return REAL_YONHAP.read_bytes()


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def load_from_disk(folder: Path, db: Path) -> tuple[int, int, int]:
    from flows.load_files import load_files

    state = load_files(paths=[str(folder)], db=str(db), return_state=True)
    counts = state.result().report.counts
    return counts.new, counts.updated, counts.unchanged


def fetch_from_feed(
    site: Site, pages: dict[str, bytes], links: list[str], work: Path, db: Path
) -> tuple[int, int, int]:
    """Publish the pages (path -> bytes) and a feed of the links; run ingest-feeds once."""
    from flows.ingest_feeds import ingest_feeds

    site.reset()
    for path, page in pages.items():
        site.page(path, page, "text/html; charset=utf-8")
    items = [(f"yna-{i}", link, T0) for i, link in enumerate(links)]
    site.feed("/RSS/nk.xml", rss(items), etag=f'"{len(links)}"', last_modified=T0)
    sources = write_sources(
        work / "sources.yaml", [("yonhap", "yonhap_html", site.url("/RSS/nk.xml"))]
    )
    state = ingest_feeds(sources_file=str(sources), db=str(db), derive=False, return_state=True)
    report = state.result()
    assert state.is_completed(), state.message
    return report.counts.new, report.counts.updated, report.counts.unchanged


@pytest.mark.prefect
def test_a_real_page_saved_to_disk_then_fetched_from_a_feed_is_one_article(
    prefect_api_url: str, site: Site, tmp_path: Path
) -> None:
    page = real_page()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "kim-satellite.html").write_bytes(page)
    db = tmp_path / "w.duckdb"
    assert load_from_disk(inbox, db) == (1, 0, 0)

    fetched_at = site.url("/view/AEN20230419000952325")
    pages = {"/view/AEN20230419000952325": page}
    assert fetch_from_feed(site, pages, [fetched_at], tmp_path, db) == (0, 0, 1)

    assert query(db, "SELECT url, source FROM articles") == [(DECLARED, "yonhap")]
    assert sorted(query(db, "SELECT url FROM article_urls")) == sorted([(DECLARED,), (fetched_at,)])
    assert query(db, "SELECT count(*) FROM documents") == [(2,)]  # both copies kept


@pytest.mark.prefect
def test_the_same_story_fetched_first_then_saved_and_under_two_urls_is_one_article(
    prefect_api_url: str, site: Site, tmp_path: Path
) -> None:
    page = real_page()
    db = tmp_path / "w.duckdb"
    # The desktop and the mobile address of one story, as Yonhap serves them.
    pages = {"/view/AEN20230419000952325": page, "/m/view/AEN20230419000952325": page}
    links = [site.url(path) for path in pages]
    assert fetch_from_feed(site, pages, links, tmp_path, db) == (1, 0, 1)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "saved.html").write_bytes(page)
    assert load_from_disk(inbox, db) == (0, 0, 1)
    assert query(db, "SELECT count(*), min(url) FROM articles") == [(1, DECLARED)]
    assert query(db, "SELECT count(*) FROM article_urls") == [(3,)]

    # A later feed entry linking to an address the article is known by is not fetched.
    site.requests.clear()
    assert fetch_from_feed(site, pages, [*links, DECLARED], tmp_path, db) == (0, 0, 0)
    assert site.statuses("/view/AEN20230419000952325") == []
    entries = dict(query(db, "SELECT url, status FROM feed_entries"))
    assert entries[DECLARED] == "skipped"


def declared(html: str, base: str | None = None) -> str | None:
    return canonical_url(BeautifulSoup(html, "lxml"), base)


def test_the_declared_address_is_absolute_and_never_a_home_page() -> None:
    assert declared('<link rel="canonical" href="https://x.org/a/1#top">') == "https://x.org/a/1"
    assert declared('<meta property="og:url" content="https://x.org/a/2">') == "https://x.org/a/2"
    # Relative: read against the address the page came from; without one, unusable.
    assert declared('<link rel="canonical" href="/a/3">', "https://x.org/b") == "https://x.org/a/3"
    assert declared('<link rel="canonical" href="/a/3">') is None
    # A template that declares the site's home page on every page declares nothing useful.
    assert declared('<link rel="canonical" href="https://x.org/">', "https://x.org/a/4") is None
    assert declared('<link rel="canonical" href="mailto:desk@x.org">') is None
    assert declared("<p>no declaration</p>") is None
