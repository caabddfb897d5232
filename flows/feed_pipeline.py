"""Live sources as plain functions: poll feeds, fetch new pages, load what landed.

The `ingest-feeds` flow calls these in order; tests and the benchmark can too. Network
work happens in `poll_feeds` and `fetch_pages` only; every response they get is landed
(stored) by the caller before anything parses it, so a failure later loses nothing.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime
from email.message import Message
from itertools import groupby
from urllib.parse import urljoin, urlsplit

from flows.fetching.client import Fetched, Fetcher
from flows.fetching.health import FeedState, after_failure, after_success
from flows.fetching.robots import RobotsRules
from flows.sources import Feed, FetchSettings
from parsers import ParseError
from parsers.dispatch import parse_page
from parsers.feeds import matches_topics, parse_feed
from warehouse import LoadCounts, ParsedDocument, RawDocument, Warehouse
from warehouse.live import (
    LandedPage,
    LandedResponse,
    PendingEntry,
    landed_pages,
    mark_loaded,
)
from warehouse.live import link_story_versions as link_new_story_versions

# A page that failed this many fetches (timeouts, 5xx) is given up on.
MAX_PAGE_ATTEMPTS = 5
# Statuses after which fetching the page again would not help.
_FINAL_STATUSES = frozenset({400, 401, 403, 404, 410, 451})
# Hosts are fetched in parallel (each one request at a time): at most this many at once.
MAX_HOSTS_AT_ONCE = 8


@dataclass(slots=True)
class FeedOutcome:
    feed: Feed
    # ok: a new body; not-modified: 304; failed; backing-off: not polled this run;
    # deferred: due, but the run's deadline passed before its turn (polled next run)
    status: str
    reason: str | None = None
    http_status: int | None = None
    entries: int = 0
    new_entries: int = 0
    problem: str | None = None  # malformed, but entries came through
    unhealthy: bool = False
    stale: bool = False
    next_poll_at: datetime | None = None

    def flags(self) -> list[str]:
        """What is wrong with the feed beyond this poll's status, in words."""
        return [
            flag
            for flag, on in (
                ("unhealthy", self.unhealthy),
                ("stale", self.stale),
                ("malformed", bool(self.problem)),
            )
            if on
        ]


@dataclass(slots=True)
class FeedRunReport:
    feeds: list[FeedOutcome] = field(default_factory=list)
    pages_fetched: int = 0
    counts: LoadCounts = field(default_factory=LoadCounts)
    # (url, reason) of every page that was not fetched or did not parse.
    page_failures: list[tuple[str, str]] = field(default_factory=list)
    # The derive-articles subflow's outcome, when it ran.
    derive_message: str | None = None
    derive_ok: bool = True
    # feed_url -> pending pages this run did not fetch, left for later runs; and the
    # limits that left them (the per-feed cap, the run's deadline), in words.
    pages_left: dict[str, int] = field(default_factory=dict)
    left_by: list[str] = field(default_factory=list)

    def leave(self, left: dict[str, int], limit: str) -> None:
        """Count pages left for later runs by a limit; nothing is left silently."""
        left = {url: n for url, n in left.items() if n}
        if not left:
            return
        for url, n in left.items():
            self.pages_left[url] = self.pages_left.get(url, 0) + n
        if limit not in self.left_by:
            self.left_by.append(limit)

    def add_attempts(self, attempts: Sequence[PageAttempt]) -> None:
        for attempt in attempts:
            url, status, error, _ = attempt.entry_update()
            if status == "fetched":
                self.pages_fetched += 1
            elif status in ("failed", "pending"):
                self.page_failures.append((url, error or ""))

    def add_loads(self, loaded: LoadedPages) -> None:
        self.counts.add(loaded.counts)
        self.page_failures.extend(loaded.failures)

    @property
    def failed_feeds(self) -> list[FeedOutcome]:
        return [f for f in self.feeds if f.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed_feeds and not self.page_failures

    def message(self) -> str:
        by_status: dict[str, int] = {}
        for outcome in self.feeds:
            by_status[outcome.status] = by_status.get(outcome.status, 0) + 1
        feeds = ", ".join(f"{n} {status}" for status, n in sorted(by_status.items()))
        c = self.counts
        text = (
            f"{len(self.feeds)} feeds ({feeds}); {sum(f.new_entries for f in self.feeds)} new "
            f"entries; {self.pages_fetched} pages fetched; {c.new} new, {c.updated} updated, "
            f"{c.unchanged} unchanged articles"
        )
        if self.pages_left:
            per_feed = ", ".join(f"{url} {n}" for url, n in self.pages_left.items())
            text += (
                f"; {sum(self.pages_left.values())} pages left for later runs ({per_feed};"
                f" by {' and '.join(self.left_by)})"
            )
        failed = self.failed_feeds
        if failed:
            text += "; failed feeds: " + "; ".join(f"{f.feed.url}: {f.reason}" for f in failed)
        if self.page_failures:
            named = "; ".join(f"{url}: {reason}" for url, reason in self.page_failures[:5])
            more = len(self.page_failures) - 5
            text += f"; {len(self.page_failures)} pages failed: {named}"
            text += f"; and {more} more" if more > 0 else ""
        return text


# -- feeds ---------------------------------------------------------------------------------
def state_from_row(url: str, row: dict | None) -> FeedState:
    return FeedState(**row) if row else FeedState(feed_url=url)


def poll_feeds(
    feeds: Sequence[Feed],
    states: dict[str, FeedState],
    fetcher: Fetcher,
    now: datetime,
    stop: Callable[[], bool] | None = None,
) -> list[tuple[Feed, Fetched | None]]:
    """GET every due feed, conditionally; None for a feed still backing off, or not
    reached before `stop()` became true (no new request starts then)."""
    due = [f for f in feeds if states[f.url].due(now)]

    def poll(group: list[Feed]) -> list[tuple[Feed, Fetched]]:
        polled = []
        for f in group:
            if stop is not None and stop():
                break
            polled.append((f, fetcher.get(f.url, "feed", states[f.url].conditional_headers())))
        return polled

    fetched = dict(_per_host(due, lambda f: f.host, poll))
    return [(feed, fetched.get(feed)) for feed in feeds]


def apply_polls(
    polls: Sequence[tuple[Feed, Fetched | None]],
    states: dict[str, FeedState],
    settings: FetchSettings,
    now: datetime,
) -> tuple[list[FeedOutcome], dict[str, FeedState], list[dict]]:
    """What each poll means: outcomes, the feeds' new states, the entries listed."""
    outcomes, new_states, entries = [], {}, []
    for feed, fetched in polls:
        state = states[feed.url]
        if fetched is None and state.due(now):
            reason = (
                f"not polled: the run's deadline of {settings.run_deadline_minutes:g} min"
                " passed first (fetch.run_deadline_minutes); polled next run"
            )
            outcome = FeedOutcome(feed, "deferred", reason=reason)
            new_state = state
        elif fetched is None:
            outcome = FeedOutcome(feed, "backing-off", reason=state.last_error)
            new_state = state
        elif fetched.not_modified:
            new_state = after_success(
                state,
                now,
                304,
                etag=fetched.headers.get("etag"),
                last_modified=fetched.headers.get("last-modified"),
            )
            outcome = FeedOutcome(feed, "not-modified", http_status=304)
        else:
            outcome, new_state, listed = _read_feed(feed, fetched, state, settings, now)
            entries.extend(listed)
        outcome.unhealthy = new_state.unhealthy(settings)
        outcome.stale = new_state.stale(now, settings)
        outcome.next_poll_at = new_state.next_poll_at
        new_states[feed.url] = new_state
        outcomes.append(outcome)
    return outcomes, new_states, entries


def _read_feed(
    feed: Feed, fetched: Fetched, state: FeedState, settings: FetchSettings, now: datetime
) -> tuple[FeedOutcome, FeedState, list[dict]]:
    parsed = parse_feed(fetched.body or b"", feed.url, fetched.headers.get("content-type"))
    if not fetched.ok or parsed.error:
        reason = fetched.describe() if not fetched.ok else str(parsed.error)
        new_state = after_failure(
            state,
            now,
            settings,
            status=fetched.status,
            error=reason,
            retry_after_seconds=fetched.retry_after_seconds(),
        )
        return FeedOutcome(feed, "failed", reason, fetched.status), new_state, []
    new_state = after_success(
        state,
        now,
        200,
        etag=fetched.headers.get("etag"),
        last_modified=fetched.headers.get("last-modified"),
        problem=parsed.problem,
        entry_times=[e.published_at for e in parsed.entries if e.published_at],
    )
    listed = [
        {
            "source": feed.source,
            "entry_id": e.entry_id,
            "feed_url": feed.url,
            # Relative links resolve against the feed's own address.
            "url": _absolute(e.url, fetched.final_url),
            "title": e.title,
            "published_at": e.published_at,
            "skip_reason": None
            if matches_topics(e, feed.topics)
            else "not about the feed's topics (sources file: topics)",
            "feed_position": position,
        }
        for position, e in enumerate(parsed.entries)
    ]
    outcome = FeedOutcome(feed, "ok", http_status=200, entries=len(listed), problem=parsed.problem)
    return outcome, new_state, listed


def state_row(state: FeedState) -> dict:
    return asdict(state)


# -- pages ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PageAttempt:
    entry: PendingEntry
    fetched: Fetched | None  # None: not requested (robots.txt, a host asking to wait)
    reason: str | None = None
    # Not requested and never to be (robots.txt disallows it): skipped for good.
    refused: bool = False
    # Not requested, but counted as a try (robots.txt unreachable): a host that never
    # answers is given up on after MAX_PAGE_ATTEMPTS runs instead of pending forever.
    counted: bool = False

    def entry_update(self) -> tuple[str, str, str | None, bool]:
        """(url, status, error, attempted) for the page's entries, after this attempt."""
        url = self.entry.url
        last_try = self.entry.attempts + 1 >= MAX_PAGE_ATTEMPTS
        if self.fetched is None:
            if self.refused:
                return (url, "skipped", self.reason, False)
            status = "failed" if self.counted and last_try else "pending"
            return (url, status, self.reason, self.counted)
        if self.fetched.ok:
            return (url, "fetched", None, True)
        gave_up = self.fetched.status in _FINAL_STATUSES or self.fetched.permanent or last_try
        return (url, "failed" if gave_up else "pending", self.fetched.describe(), True)


def fetch_pages(
    entries: Sequence[PendingEntry],
    fetcher: Fetcher,
    robots: RobotsRules,
    *,
    record: Callable[[PageAttempt], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> list[PageAttempt]:
    """Fetch each entry's page, hosts in parallel, each host politely in turn, in the
    order given.

    `record` is called with every attempt that made a request, as soon as it is back and
    before that host's next request: the caller lands it there, so a run killed at any
    point refetches nothing it had. If `record` raises, no host starts another request
    and the error is raised. Once `stop()` is true no new request starts; the entries
    not tried are not in the result (they stay pending).
    """
    broken = threading.Event()  # a record failed: the landing zone cannot be written

    def fetch_host(group: list[PendingEntry]) -> list[PageAttempt]:
        attempts: list[PageAttempt] = []
        waiting: str | None = None  # set once the host said 429/503: leave it alone
        for entry in group:
            if broken.is_set() or (stop is not None and stop()):
                break
            if waiting:
                attempts.append(PageAttempt(entry, None, waiting))
                continue
            verdict = robots.verdict(entry.url)
            if not verdict.allowed:
                later = verdict.retry_later
                attempt = PageAttempt(entry, None, verdict.reason, refused=not later, counted=later)
                attempts.append(attempt)
                continue
            fetched = fetcher.get(entry.url, "page")
            attempts.append(PageAttempt(entry, fetched))
            if record is not None:
                try:
                    record(attempts[-1])
                except BaseException:
                    broken.set()
                    raise
            host = urlsplit(entry.url).netloc
            if fetched.status in (429, 503):
                waiting = f"not fetched: {host} asked to wait ({fetched.describe()})"
            elif fetched.overdue:
                # One response that used up the deadline is enough: the host's other
                # pages wait for the next run instead of holding this one up.
                waiting = f"not fetched: {host} is too slow ({fetched.describe()})"
        return attempts

    return _per_host(entries, lambda e: urlsplit(e.url).netloc, fetch_host)


def landed(fetched: Iterable[Fetched], origins: dict[str, tuple[str, str]]) -> list[LandedResponse]:
    """The fetcher's responses with their source and parser (by requested URL) attached."""
    return [
        LandedResponse(
            kind=f.kind,
            url=f.url,
            final_url=f.final_url,
            status=f.status,
            headers=f.headers,
            body=f.body,
            error=f.error,
            fetched_at=f.fetched_at,
            elapsed_ms=f.elapsed_ms,
            source=origins.get(f.url, (None, None))[0],
            parser=origins.get(f.url, (None, None))[1],
        )
        for f in fetched
    ]


# -- loading -------------------------------------------------------------------------------
def page_document(page: LandedPage) -> RawDocument:
    """A landed page as a stored document: its bytes, and how they are to be parsed."""
    meta = {
        "page": {
            "url": page.final_url or page.url,
            "source": page.source,
            "parser": page.parser,
            "content_type": page.content_type,
        }
    }
    return RawDocument(content=page.body, origin=page.url, meta=json.dumps(meta, sort_keys=True))


def is_page_meta(meta: str | None) -> bool:
    return bool(meta) and meta.startswith('{"page":')  # type: ignore[union-attr]


def parse_page_document(document: RawDocument) -> ParsedDocument:
    """Parse a stored page the way its feed said; a failure is a value with its reason."""
    page = json.loads(document.meta or "{}")["page"]
    try:
        article = parse_page(
            document.content,
            url=page["url"],
            parser=page["parser"],
            source=page["source"],
            declared_encoding=_charset(page.get("content_type")),
        )
        return ParsedDocument(document, article=article)
    except ParseError as exc:
        return ParsedDocument(document, error=str(exc))
    except Exception as exc:  # a parser bug must cost one page, not the run
        return ParsedDocument(document, error=f"parser crashed: {type(exc).__name__}: {exc}")


class LoadedPages:
    """What loading landed pages did. A plain class: Prefect does not walk its lists."""

    __slots__ = ("counts", "failures")

    def __init__(self) -> None:
        self.counts = LoadCounts()
        self.failures: list[tuple[str, str]] = []  # (url, reason) of pages that did not parse


def load_landed(warehouse: Warehouse, run_id: str, batch_size: int) -> LoadedPages:
    """Parse and load every landed page not loaded yet, a batch at a time."""
    loaded = LoadedPages()
    while pages := landed_pages(warehouse, batch_size):
        documents = [page_document(p) for p in pages]
        parsed = [parse_page_document(d) for d in documents]
        loaded.counts.add(warehouse.load_batch(parsed, run_id))
        loaded.failures.extend((p.document.origin, p.error) for p in parsed if p.error)
        mark_loaded(
            warehouse, {p.response_id: d.doc_id for p, d in zip(pages, documents, strict=True)}
        )
    return loaded


def link_story_versions(warehouse: Warehouse) -> int:
    """Link new articles to their earlier versions; returns the stories of 2+ versions."""
    return link_new_story_versions(warehouse)


# -- helpers -------------------------------------------------------------------------------
def _per_host(items: Sequence, host_of: Callable, run_group: Callable) -> list:
    """run_group over the items of each host: hosts in parallel, one host's items in turn."""
    ordered = sorted(items, key=host_of)
    groups = [list(g) for _, g in groupby(ordered, key=host_of)]
    if not groups:
        return []
    with ThreadPoolExecutor(max_workers=min(MAX_HOSTS_AT_ONCE, len(groups))) as pool:
        return [result for done in pool.map(run_group, groups) for result in done]


def _absolute(url: str | None, base: str) -> str | None:
    return None if url is None else urljoin(base, url)


def _charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    return message.get_content_charset()
