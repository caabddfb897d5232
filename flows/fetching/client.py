"""A polite, bounded HTTP client that returns every outcome as a value.

- One request at a time per host, at least `min_interval_seconds` apart.
- Connect and read timeouts, a response size cap, a bounded number of redirects,
  each redirect target checked like the first URL (no private addresses), and every
  connection made to the address checked (flows/fetching/connect.py).
- Never raises for a network problem: the result carries the reason, so one bad
  feed or page costs that feed or page only.
- Every result is also kept in `responses` until the caller drains it into the
  landing zone, so nothing fetched is lost before it is stored.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

import httpx

from flows.fetching.addresses import check_address
from flows.fetching.connect import AddressRefused, PinnedTransport
from flows.sources import FetchSettings

# The response headers worth keeping with a landed response.
KEPT_HEADERS = (
    "content-type",
    "content-length",
    "etag",
    "last-modified",
    "retry-after",
    "location",
    "cache-control",
    "date",
)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
DEADLINE_PASSED = "cut off: the response was still coming at the deadline"
# Retry-After is honoured up to this long; a server asking for more gets the cap.
MAX_RETRY_AFTER_SECONDS = 6 * 3600


@dataclass(frozen=True, slots=True)
class Fetched:
    kind: str  # feed, page or robots: what the caller asked for
    url: str  # as requested
    final_url: str  # after redirects
    status: int | None  # None when no response came back
    headers: Mapping[str, str]
    body: bytes | None
    fetched_at: datetime
    elapsed_ms: int
    error: str | None = None  # why nothing usable came back
    # The error is for good: asking again cannot help (a refused address or scheme, a
    # body over the cap, a redirect loop). Decided where the error arises, by its kind.
    permanent: bool = False
    # Not requested at all: the address check refused the URL before any connection
    # (before the request, or when the name was resolved to connect).
    refused: bool = False
    # The response took longer than fetch.response_deadline_seconds and was cut off.
    overdue: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and self.status == 200

    @property
    def not_modified(self) -> bool:
        return self.error is None and self.status == 304

    def retry_after_seconds(self) -> float | None:
        """The server's Retry-After on a 429 or 503, in seconds from the fetch."""
        if self.status not in (429, 503):
            return None
        return parse_retry_after(self.headers.get("retry-after"), self.fetched_at)

    def describe(self) -> str:
        """What went wrong, in a few words for a run report."""
        if self.error:
            return self.error
        if self.status is None:
            return "no response"
        reason = httpx.codes.get_reason_phrase(self.status)
        text = f"HTTP {self.status} {reason}".strip()
        wait = self.retry_after_seconds()
        return f"{text} (Retry-After {wait:.0f} s)" if wait is not None else text


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - now).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_SECONDS)


class _Reply(NamedTuple):
    """One request's outcome, before redirects are followed."""

    status: int | None
    headers: dict[str, str]
    body: bytes | None
    error: str | None
    permanent: bool = False  # see Fetched.permanent
    overdue: bool = False  # see Fetched.overdue
    refused: bool = False  # see Fetched.refused


class _HostGate:
    """One request at a time to a host, spaced by the politeness interval."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.lock = threading.Lock()
        self.last = float("-inf")

    @contextmanager
    def turn(self) -> Iterator[None]:
        with self.lock:
            wait = self.last + self.interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                self.last = time.monotonic()


class Fetcher:
    def __init__(self, settings: FetchSettings, user_agent: str) -> None:
        self.settings = settings
        self._client = httpx.Client(
            headers={"User-Agent": user_agent},
            timeout=httpx.Timeout(
                settings.read_timeout_seconds, connect=settings.connect_timeout_seconds
            ),
            follow_redirects=False,  # followed by hand: each hop is checked
            transport=PinnedTransport(settings.allow_networks),
            # A proxy from the environment would resolve the names itself, past the check.
            trust_env=False,
        )
        self._gates: dict[str, _HostGate] = {}
        self._gates_lock = threading.Lock()
        self._responses: list[Fetched] = []
        self._responses_lock = threading.Lock()

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def slow_down(self, host: str, interval: float) -> None:
        """Space requests to `host` further apart (a robots.txt Crawl-delay)."""
        gate = self._gate(host)
        gate.interval = max(gate.interval, interval)

    def drain(self) -> list[Fetched]:
        """The responses fetched since the last drain, for the landing zone."""
        with self._responses_lock:
            taken, self._responses = self._responses, []
        return taken

    def get(self, url: str, kind: str, headers: Mapping[str, str] | None = None) -> Fetched:
        started = time.monotonic()
        fetched_at = datetime.now(UTC)
        current = url
        for _ in range(self.settings.max_redirects + 1):
            problem = check_address(current, self.settings.allow_networks)
            if problem:
                return self._keep(
                    kind, url, current, None, {}, None, fetched_at, started, problem.reason,
                    permanent=problem.permanent, refused=problem.permanent,
                )  # fmt: skip
            reply = self._request(current, headers or {})
            location = reply.headers.get("location")
            if reply.error is None and reply.status in _REDIRECTS and location:
                current = urljoin(current, location)
                continue
            return self._keep(
                kind, url, current, reply.status, reply.headers, reply.body, fetched_at,
                started, reply.error, permanent=reply.permanent, overdue=reply.overdue,
                refused=reply.refused,
            )  # fmt: skip
        return self._keep(
            kind, url, current, None, {}, None, fetched_at, started,
            f"more than {self.settings.max_redirects} redirects", permanent=True,
        )  # fmt: skip

    def _request(self, url: str, headers: Mapping[str, str]) -> _Reply:
        cap = self.settings.max_response_bytes
        with self._gate(urlsplit(url).netloc).turn():
            # Checked as each chunk arrives: a server that goes silent instead is cut
            # off by the read timeout.
            deadline = time.monotonic() + self.settings.response_deadline_seconds
            try:
                with self._client.stream("GET", url, headers=headers) as response:
                    status = response.status_code
                    kept = {k: response.headers[k] for k in KEPT_HEADERS if k in response.headers}
                    declared = response.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > cap:
                        return _Reply(status, kept, None, _too_large(declared, cap), permanent=True)
                    chunks, size = [], 0
                    # Counted after decompression: a small gzip body cannot grow past the cap.
                    for chunk in response.iter_bytes():
                        size += len(chunk)
                        if size > cap:
                            return _Reply(status, kept, None, _too_large(None, cap), permanent=True)
                        if time.monotonic() > deadline:
                            return _Reply(status, kept, None, self._past_deadline(), overdue=True)
                        chunks.append(chunk)
                    return _Reply(status, kept, b"".join(chunks), None)
            except AddressRefused as exc:
                # The name changed its answer since the check: refused as that would be.
                return _Reply(None, {}, None, f"{url}: {exc.reason}", permanent=True, refused=True)
            except httpx.ConnectTimeout:
                error = _timed_out("connecting", self.settings.connect_timeout_seconds)
            except httpx.TimeoutException:
                error = _timed_out("reading", self.settings.read_timeout_seconds)
            except httpx.HTTPError as exc:
                error = f"request failed: {type(exc).__name__}: {exc}"
            return _Reply(None, {}, None, error)

    def _past_deadline(self) -> str:
        seconds = self.settings.response_deadline_seconds
        return f"{DEADLINE_PASSED} ({seconds:g} s, fetch.response_deadline_seconds)"

    def _gate(self, host: str) -> _HostGate:
        with self._gates_lock:
            gate = self._gates.get(host)
            if gate is None:
                gate = self._gates[host] = _HostGate(self.settings.min_interval_seconds)
            return gate

    def _keep(
        self,
        kind: str,
        url: str,
        final_url: str,
        status: int | None,
        headers: dict[str, str],
        body: bytes | None,
        fetched_at: datetime,
        started: float,
        error: str | None,
        *,
        permanent: bool = False,
        refused: bool = False,
        overdue: bool = False,
    ) -> Fetched:
        fetched = Fetched(
            kind=kind,
            url=url,
            final_url=final_url,
            status=status,
            headers=headers,
            body=body,
            fetched_at=fetched_at,
            elapsed_ms=round((time.monotonic() - started) * 1000),
            error=error,
            permanent=permanent,
            refused=refused,
            overdue=overdue,
        )
        with self._responses_lock:
            self._responses.append(fetched)
        return fetched


def _too_large(declared: str | None, cap: int) -> str:
    size = f"{int(declared):,} bytes" if declared else "more"
    return f"response too large: {size}, the cap is {cap:,} bytes (fetch.max_response_bytes)"


def _timed_out(stage: str, seconds: float) -> str:
    return f"timed out {stage} after {seconds:g} s"
