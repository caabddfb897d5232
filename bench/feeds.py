"""Benchmark: fetch-and-parse throughput of the live path, from a loopback server.

    python -m bench.feeds [--count 200] [--page-kb 80]

Serves one RSS feed listing `count` entries and an article page for each (the Yonhap
template, padded with site chrome to about `page-kb` KB, as real pages are), with
the politeness interval at 0. Runs the `ingest-feeds` flow once on a temporary Prefect
server (started first, reported apart) and prints articles per second: feed poll,
robots.txt, page fetches, landing, parsing and loading, as a run does them.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pytest_httpserver import HTTPServer

from tests.feed_site import Site, rss, write_sources, yonhap_page

T0 = datetime(2024, 3, 2, tzinfo=UTC)


def chrome(kb: int) -> str:
    """Navigation, scripts and links such as a news site wraps around a story."""
    block = (
        '<li class="nav-item"><a href="/section/{i}">Section {i}</a></li>'
        "<script>window.dataLayer=window.dataLayer||[];dataLayer.push({{'slot':{i}}});</script>"
    )
    parts, size, i = [], 0, 0
    while size < kb * 1000:
        piece = block.format(i=i)
        parts.append(piece)
        size += len(piece)
        i += 1
    return '<nav class="gnb"><ul>' + "".join(parts) + "</ul></nav>"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--page-kb", type=int, default=80)
    args = parser.parse_args()
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")

    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        site = Site(server)
        padding = chrome(args.page_kb)
        items = []
        for n in range(args.count):
            published = T0 + timedelta(minutes=n)
            page = yonhap_page(n, published=published).replace("<body>", "<body>" + padding)
            site.page(f"/view/{n}", page)
            items.append((f"bench-{n}", site.url(f"/view/{n}"), published))
        site.feed("/feed.xml", rss(items), etag='"bench"', last_modified=T0)
        page_kb = len(page.encode()) / 1000
        with tempfile.TemporaryDirectory(prefix="peninsula-feeds-bench-") as work:
            run(Path(work), site, args.count, page_kb)
    finally:
        server.stop()


def run(work: Path, site: Site, count: int, page_kb: float) -> None:
    from prefect import flow

    from flows.ingest_feeds import ingest_feeds

    @flow(name="bench-warm-up")
    def warm_up() -> None:
        return None

    started = time.perf_counter()
    warm_up()
    print(
        f"temporary Prefect server up and first flow run in {time.perf_counter() - started:.1f} s"
    )

    sources = write_sources(
        work / "sources.yaml",
        [("yonhap", "yonhap_html", site.url("/feed.xml"))],
        min_interval_seconds=0,
        read_timeout_seconds=10,
        # One run fetches the whole feed: the throughput of one run is what is measured.
        max_pages_per_feed=count,
    )
    started = time.perf_counter()
    state = ingest_feeds(
        sources_file=str(sources), db=str(work / "bench.duckdb"), derive=False, return_state=True
    )
    elapsed = time.perf_counter() - started
    report = state.result(raise_on_failure=False)
    print(
        f"ingest-feeds: {report.pages_fetched} pages fetched (~{page_kb:.0f} KB each), "
        f"{report.counts.new} articles loaded in {elapsed:.2f} s = "
        f"{report.counts.new / elapsed:.1f} articles/s "
        f"(politeness interval 0; state {state.type.value})"
    )
    if report.counts.new != count:
        raise SystemExit(f"expected {count} articles, loaded {report.counts.new}: {state.message}")


if __name__ == "__main__":
    main()
