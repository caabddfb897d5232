"""The sources file and the `peninsula sources` / `ingest-feeds` commands, as run by a user."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from werkzeug import Response

from flows.sources import Feed, SourcesError, add_feed, load_sources
from tests.conftest import ROOT
from tests.feed_site import Site, rss, write_sources, yonhap_page
from tests.test_cli import peninsula

T0 = datetime(2024, 3, 2, tzinfo=UTC)


def test_the_bundled_sources_file_lists_the_outlets() -> None:
    sources = load_sources(ROOT / "sources.yaml")
    assert {f.source for f in sources.feeds} >= {
        "yonhap",
        "voa",
        "korea-herald",
        "joongang-daily",
        "nk-news",
        "38-north",
    }
    urls = {f.url for f in sources.feeds}
    assert {"https://en.yna.co.kr/RSS/nk.xml", "https://en.yna.co.kr/RSS/national.xml"} <= urls
    assert sources.fetch.allow_networks == ()  # nothing private by default
    assert "+https://" in sources.user_agent


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("feeds: [{url: 'ftp://x/feed', source: a}]", "is not an http(s) URL"),
        ("feeds: [{url: 'https://x/feed', source: a, parser: nope}]", "parser 'nope'"),
        ("feeds: [{url: 'https://x/f', source: a}, {url: 'https://x/f', source: b}]", "twice"),
        ("fetch: {min_interval_seconds: -1}\nfeeds: []", "must be a number >= 0"),
        ("fetch: {allow_networks: [nonsense]}\nfeeds: []", "is not a CIDR block"),
        ("fetch: {colour: blue}\nfeeds: []", "unknown keys under `fetch`"),
    ],
)
def test_a_bad_sources_file_is_refused_naming_the_problem(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text('user_agent: "t/1 (+https://example.org)"\n' + text + "\n")
    with pytest.raises(SourcesError, match=re.escape(problem)) as caught:
        load_sources(path)
    assert str(path) in str(caught.value)


def test_add_feed_appends_and_keeps_comments(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text((ROOT / "sources.yaml").read_text())
    feed = Feed("https://www.koreatimes.co.kr/www/rss/nation.xml", "korea-times", "generic")
    updated = add_feed(path, feed)
    assert updated.feeds[-1] == feed
    assert "# The outlets peninsula polls" in path.read_text()
    with pytest.raises(SourcesError, match="already listed"):
        add_feed(path, feed)
    with pytest.raises(SourcesError, match="parser"):
        add_feed(path, Feed("https://example.org/rss", "x", "no-such-parser"))
    assert load_sources(path).feeds == updated.feeds


def test_sources_command_lists_feeds_and_adds_one(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text((ROOT / "sources.yaml").read_text())
    db = str(tmp_path / "none.duckdb")
    listed = peninsula("sources", "--sources", str(path), "--db", db)
    assert listed.returncode == 0, listed.stderr
    assert "https://en.yna.co.kr/RSS/nk.xml" in listed.stdout
    assert listed.stdout.count("never polled") == 7
    added = peninsula(
        "sources", "add", "https://www.38north.org/feed/extra", "--source", "38-north",
        "--sources", str(path),
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "8 feeds" in added.stdout
    refused = peninsula("sources", "add", "not a url", "--source", "x", "--sources", str(path))
    assert refused.returncode == 2 and "is not an http(s) URL" in refused.stderr


@pytest.mark.prefect
def test_ingest_feeds_command_reports_per_feed_and_sources_shows_health(
    prefect_api_url: str, site: Site, tmp_path: Path
) -> None:
    site.feed("/nk.xml", rss([("a-1", site.url("/view/1"), T0)]), etag='"1"', last_modified=T0)
    site.page("/view/1", yonhap_page(1))
    site.handler("/down.xml", lambda _r: Response("no", status=503))
    sources = write_sources(
        tmp_path / "sources.yaml",
        [
            ("yonhap", "yonhap_html", site.url("/nk.xml")),
            ("other", "generic", site.url("/down.xml")),
        ],
    )
    env = {"PREFECT_API_URL": prefect_api_url, "PREFECT_HOME": str(tmp_path / "prefect")}
    db = str(tmp_path / "w.duckdb")
    result = peninsula("ingest-feeds", "--sources", str(sources), "--db", db, env=env)
    assert result.returncode == 1
    assert f"ok           {site.url('/nk.xml')}: 1 entries, 1 new" in result.stdout
    assert "1 pages fetched; 1 new" in result.stdout
    assert f"failed       {site.url('/down.xml')}: HTTP 503 Service Unavailable" in result.stderr

    health = peninsula("sources", "--sources", str(sources), "--db", db)
    assert health.returncode == 0, health.stderr
    lines = health.stdout.splitlines()
    good = next(line for line in lines if "/nk.xml" in line)
    bad = next(line for line in lines if "/down.xml" in line)
    assert " ok " in good and "1 (0 pending)" in good
    assert "failing (1)" in bad and "HTTP 503" in bad

    only = peninsula(
        "ingest-feeds", "--source", "nope", "--sources", str(sources), "--db", db, env=env
    )
    assert only.returncode == 2 and "no feed of source 'nope'" in only.stderr
