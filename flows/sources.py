"""The sources file: which feeds to poll, with which page parser, and how politely.

A YAML file of data (see sources.yaml at the project root). Loading validates every
field and names the file and the entry at fault, so a typo fails before any request.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from flows.settings import sources_path
from parsers import PAGE_PARSERS
from parsers.yaml_text import parse_yaml

DEFAULT_SOURCES = sources_path()


class SourcesError(ValueError):
    """The sources file cannot be used; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class FetchSettings:
    min_interval_seconds: float = 2.0
    connect_timeout_seconds: float = 10.0
    read_timeout_seconds: float = 30.0
    # The whole response, first byte to last: a server trickling a byte at a time
    # never trips the read timeout, so this bounds what one response can cost.
    response_deadline_seconds: float = 60.0
    max_response_bytes: int = 5_000_000
    max_redirects: int = 5
    # Pages fetched per feed per run, newest first; a feed listing more leaves the rest
    # (counted in the run's report) to later runs, and cannot starve the other feeds.
    max_pages_per_feed: int = 100
    # From the run's start: no new request begins after this; what is left is reported
    # and fetched by the next run. Below the 15-minute schedule, so runs do not overlap.
    run_deadline_minutes: float = 10.0
    backoff_base_minutes: float = 5.0
    max_backoff_minutes: float = 360.0
    unhealthy_after_failures: int = 3
    stale_after_intervals: float = 4.0
    allow_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()


@dataclass(frozen=True, slots=True)
class Feed:
    url: str
    source: str
    parser: str
    # Words or phrases one of which an entry's title or summary must name to be fetched
    # (lowercase); empty: every entry. For feeds that carry all of an outlet's news.
    topics: tuple[str, ...] = ()

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc


@dataclass(frozen=True, slots=True)
class Sources:
    path: Path
    user_agent: str
    fetch: FetchSettings
    feeds: tuple[Feed, ...] = field(default_factory=tuple)

    def select(self, source: str | None) -> tuple[Feed, ...]:
        if source is None:
            return self.feeds
        chosen = tuple(f for f in self.feeds if f.source == source)
        if not chosen:
            known = ", ".join(sorted({f.source for f in self.feeds})) or "none"
            raise SourcesError(f"{self.path}: no feed of source {source!r} (sources: {known})")
        return chosen


_FETCH_FIELDS = {
    name
    for name in FetchSettings.__dataclass_fields__  # type: ignore[attr-defined]
    if name != "allow_networks"
}


def load_sources(path: Path = DEFAULT_SOURCES) -> Sources:
    try:
        data = parse_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourcesError(f"{path}: no sources file here") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SourcesError(f"{path}: cannot read the sources file: {exc}") from None
    if not isinstance(data, dict):
        raise SourcesError(f"{path}: expected a mapping with `user_agent`, `fetch` and `feeds`")
    unknown = set(data) - {"user_agent", "fetch", "feeds"}
    if unknown:
        raise SourcesError(f"{path}: unknown top-level keys {sorted(unknown)}")
    user_agent = data.get("user_agent")
    if not isinstance(user_agent, str) or "+http" not in user_agent:
        raise SourcesError(
            f"{path}: `user_agent` must name the project and a contact URL (+https://...)"
        )
    return Sources(
        path=path,
        user_agent=user_agent,
        fetch=_fetch_settings(path, data.get("fetch") or {}),
        feeds=_feeds(path, data.get("feeds") or []),
    )


def _fetch_settings(path: Path, raw: object) -> FetchSettings:
    if not isinstance(raw, dict):
        raise SourcesError(f"{path}: `fetch` must be a mapping")
    unknown = set(raw) - _FETCH_FIELDS - {"allow_networks"}
    if unknown:
        raise SourcesError(f"{path}: unknown keys under `fetch`: {sorted(unknown)}")
    values: dict[str, object] = {}
    defaults = FetchSettings()
    for name in _FETCH_FIELDS:
        if name not in raw:
            continue
        value = raw[name]
        kind = type(getattr(defaults, name))
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise SourcesError(f"{path}: fetch.{name} must be a number >= 0, not {value!r}")
        values[name] = kind(value)
    networks = []
    for block in raw.get("allow_networks") or []:
        try:
            networks.append(ipaddress.ip_network(str(block), strict=False))
        except ValueError:
            raise SourcesError(
                f"{path}: fetch.allow_networks: {block!r} is not a CIDR block"
            ) from None
    return FetchSettings(**values, allow_networks=tuple(networks))  # type: ignore[arg-type]


def _feeds(path: Path, raw: object) -> tuple[Feed, ...]:
    if not isinstance(raw, list):
        raise SourcesError(f"{path}: `feeds` must be a list")
    feeds: list[Feed] = []
    seen: set[str] = set()
    for number, item in enumerate(raw, start=1):
        where = f"{path}: feed {number}"
        if not isinstance(item, dict) or set(item) - {"url", "source", "parser", "topics"}:
            raise SourcesError(f"{where}: expected {{url, source, parser[, topics]}}, got {item!r}")
        topics = item.get("topics") or []
        if not isinstance(topics, list) or not all(isinstance(t, str) and t for t in topics):
            raise SourcesError(f"{where}: topics must be a list of words, not {topics!r}")
        feed = Feed(
            url=str(item.get("url") or ""),
            source=str(item.get("source") or ""),
            parser=str(item.get("parser") or "generic"),
            topics=tuple(t.lower() for t in topics),
        )
        problem = feed_problem(feed)
        if problem:
            raise SourcesError(f"{where}: {problem}")
        if feed.url in seen:
            raise SourcesError(f"{where}: {feed.url} is listed twice")
        seen.add(feed.url)
        feeds.append(feed)
    return tuple(feeds)


def feed_problem(feed: Feed) -> str | None:
    parts = urlsplit(feed.url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"url {feed.url!r} is not an http(s) URL"
    if not feed.source or not feed.source.replace("-", "").replace("_", "").isalnum():
        return f"source {feed.source!r} must be a short name (letters, digits, - or _)"
    if feed.parser not in PAGE_PARSERS:
        return f"parser {feed.parser!r} is not one of {', '.join(sorted(PAGE_PARSERS))}"
    return None


def add_feed(path: Path, feed: Feed) -> Sources:
    """Append a feed to the sources file, keeping its comments; refuse a bad or known one.

    The file is appended to as text (a YAML round trip would drop the comments), then
    read back: if the result does not load or lacks the feed, the old text is restored.
    """
    problem = feed_problem(feed)
    if problem:
        raise SourcesError(problem)
    sources = load_sources(path)
    if any(f.url == feed.url for f in sources.feeds):
        raise SourcesError(f"{path}: {feed.url} is already listed")
    before = path.read_text(encoding="utf-8")
    line = f"  - {{source: {feed.source}, parser: {feed.parser}, url: {_yaml_string(feed.url)}}}\n"
    path.write_text(before + ("" if before.endswith("\n") else "\n") + line, encoding="utf-8")
    try:
        updated = load_sources(path)
    except SourcesError:
        path.write_text(before, encoding="utf-8")
        raise
    if feed not in updated.feeds:
        path.write_text(before, encoding="utf-8")
        raise SourcesError(f"{path}: could not append the feed (is `feeds:` the last section?)")
    return updated


def _yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
