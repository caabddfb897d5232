"""A news site of our own for fetching tests: RSS feeds and article pages on loopback.

The markup follows what the real Yonhap English pages show (see ../shared/fixtures/real);
the words are ours. Served by a real HTTP server (pytest-httpserver, threaded, so that a
slow handler does not hold up the others).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

SUBJECTS = (
    ("Unification ministry", "urges Pyongyang to answer calls for family reunions"),
    ("N. Korea", "fires short-range ballistic missile into East Sea"),
    ("Seoul, Tokyo", "agree to resume shuttle diplomacy"),
    ("U.S. envoy", "arrives in Seoul for talks on North Korea"),
    ("S. Korea", "slaps sanctions on North Korean hacking group"),
)


def article_title(number: int) -> str:
    subject, predicate = SUBJECTS[number % len(SUBJECTS)]
    return f"{subject} {predicate} ({number})"


def yonhap_page(
    number: int,
    *,
    title: str | None = None,
    label: str | None = None,
    attn: str | None = None,
    published: datetime | None = None,
    charset: str = "utf-8",
    caption: str = "A file photo of the inter-Korean border village",
) -> str:
    """An article page in the 2023 Yonhap English template."""
    published = published or datetime(2024, 3, 2, 0, 5, tzinfo=UTC) + timedelta(minutes=number)
    seoul = published.astimezone(ZoneInfo("Asia/Seoul"))
    visible = f"{seoul:%H:%M} {seoul:%B} {seoul.day}, {seoul.year}"
    heading = f"({label}) " if label else ""
    note = f"<p>(ATTN: {attn})</p>" if attn else ""
    body = "".join(
        f"<p>{text}</p>"
        for text in (
            f"SEOUL, {seoul:%B} {seoul.day} (Yonhap) -- South Korea's unification ministry "
            f"said on Saturday it would keep asking North Korea to talk (story {number}).",
            "The ministry's spokesperson told a briefing that the offer of dialogue stood.",
            '"We will wait for an answer," the spokesperson said.',
        )
    )
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="{charset}">
<title>{heading}{title or article_title(number)} | Yonhap News Agency</title>
<link rel="canonical" href="https://en.yna.co.kr/view/AEN20240302{number:06d}315">
<meta property="article:published_time" content="{seoul:%Y-%m-%dT%H:%M:%S}+09:00">
</head><body>
<header class="title-article01"><h1 class="tit">{heading}{title or article_title(number)}</h1>
<div class="info-con"><span class="txt"><strong><a>North Korea</a></strong> {visible}</span>
</div></header>
<article class="story-news">{note}<p>By Park Ji-won</p>{body}
<figure><figcaption><p class="txt-desc">{caption}</p></figcaption></figure>
<p> jwpark@yna.co.kr<br/>(END)</p></article></body></html>"""


def rss(items: list[tuple[str, str, datetime]], *, title: str = "Yonhap North Korea") -> str:
    """An RSS 2.0 feed of (guid, link, published) items."""
    entries = "".join(
        f"<item><title>{escape(article_title(i))}</title><link>{escape(link)}</link>"
        f'<guid isPermaLink="false">{escape(guid)}</guid>'
        f"<pubDate>{format_datetime(published)}</pubDate></item>"
        for i, (guid, link, published) in enumerate(items)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://en.yna.co.kr</link>"
        f"<description>test feed</description>{entries}</channel></rss>"
    )


class Site:
    """Feeds and pages on a loopback server, with conditional GET done right."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.requests: list[tuple[str, dict[str, str], int]] = []
        self.reset()

    def reset(self) -> None:
        """Forget every handler but robots.txt, which keeps /private/ off limits."""
        self.server.clear()
        self.page("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")

    def url(self, path: str) -> str:
        return self.server.url_for(path)

    def feed(self, path: str, body: str, *, etag: str, last_modified: datetime) -> None:
        stamp = format_datetime(last_modified, usegmt=True)

        def handle(request: Request) -> Response:
            if request.headers.get("If-None-Match") == etag:
                return self._log(request, Response(status=304, headers={"ETag": etag}))
            headers = {"ETag": etag, "Last-Modified": stamp}
            return self._log(
                request, Response(body, headers=headers, content_type="application/rss+xml")
            )

        self.server.expect_request(path).respond_with_handler(handle)

    def page(self, path: str, body: bytes | str, content_type: str = "text/html") -> None:
        self.handler(path, lambda request: Response(body, content_type=content_type))

    def handler(self, path: str | re.Pattern[str], respond: Callable[[Request], Response]) -> None:
        self.server.expect_request(path).respond_with_handler(
            lambda request: self._log(request, respond(request))
        )

    def _log(self, request: Request, response: Response) -> Response:
        self.requests.append((request.path, dict(request.headers), response.status_code))
        return response

    def statuses(self, path: str) -> list[int]:
        return [status for p, _, status in self.requests if p == path]


def write_sources(path: Path, feeds: list[tuple[str, ...]], **fetch: object) -> Path:
    """A sources file allowing loopback (the tests' server), politeness interval 0.

    Feeds are (source, parser, url) or (source, parser, url, "topic; topic").
    """
    settings = {
        "min_interval_seconds": 0,
        "connect_timeout_seconds": 2,
        "read_timeout_seconds": 1,
        "allow_networks": ["127.0.0.0/8"],
        **fetch,
    }
    lines = [
        'user_agent: "peninsula-tests/0.1 (+https://example.org/peninsula)"',
        "fetch:",
        *(f"  {key}: {_yaml(value)}" for key, value in settings.items()),
        "feeds:",
        *(f'  - {{source: {f[0]}, parser: {f[1]}, url: "{f[2]}"{_topics(f)}}}' for f in feeds),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _yaml(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(f'"{v}"' for v in value) + "]"
    return str(value)


def _topics(feed: tuple[str, ...]) -> str:
    if len(feed) < 4:
        return ""
    return ", topics: [" + ", ".join(f'"{w.strip()}"' for w in feed[3].split(";")) + "]"
