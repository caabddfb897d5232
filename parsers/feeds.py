"""RSS and Atom feed bodies -> entries to fetch. Pure: bytes in, values out.

feedparser does the parsing. What is decided here is what an entry *is* (its identity,
so that it is fetched once) and what a malformed feed still gives.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import feedparser


@dataclass(frozen=True, slots=True)
class FeedEntry:
    entry_id: str
    url: str | None
    title: str | None
    published_at: datetime | None
    summary: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    entries: tuple[FeedEntry, ...]
    # Set when the body was not well-formed: the entries that parsed are still here.
    problem: str | None = None
    # Set when nothing usable came out: not a feed at all.
    error: str | None = None


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    headers = {"content-type": content_type} if content_type else {}
    parsed = feedparser.parse(body, response_headers=headers)
    entries = tuple(e for e in (_entry(raw) for raw in parsed.entries) if e is not None)
    problem = None
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        problem = f"malformed feed: {type(exc).__name__}: {exc}".strip()
    if not entries and not parsed.get("version"):
        return ParsedFeed((), problem, error=f"{url}: not an RSS or Atom feed ({problem})")
    return ParsedFeed(entries, problem)


def _entry(raw: feedparser.FeedParserDict) -> FeedEntry | None:
    link = (raw.get("link") or "").strip() or None
    title = (raw.get("title") or "").strip() or None
    published = _time(raw.get("published_parsed") or raw.get("updated_parsed"))
    entry_id = (raw.get("id") or "").strip() or link
    if entry_id is None:
        if title is None:
            return None  # nothing to know it by and nothing to fetch
        # No guid and no link: the title and date are all that tell entries apart.
        stamp = published.isoformat() if published else ""
        entry_id = "sha256:" + hashlib.sha256(f"{title}\0{stamp}".encode()).hexdigest()
    summary = (raw.get("summary") or "").strip() or None
    return FeedEntry(
        entry_id=entry_id, url=link, title=title, published_at=published, summary=summary
    )


def matches_topics(entry: FeedEntry, topics: tuple[str, ...]) -> bool:
    """Whether the entry's title or summary names one of the topics (any, when none).

    For feeds of everything an outlet publishes (sport, culture...): only the entries
    about Korea diplomacy are worth a page fetch. Words match whole, case-insensitively.
    """
    if not topics:
        return True
    text = f" {entry.title or ''} {entry.summary or ''} ".lower()
    return any(re.search(rf"(?<![\w-]){re.escape(topic)}(?![\w-])", text) for topic in topics)


def _time(value: object) -> datetime | None:
    # feedparser normalizes every date it understands to a UTC struct_time.
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
