"""A feed's polling state and how one poll changes it: pure, no I/O, clock passed in.

Success resets the failure count. Each failure in a row doubles the wait before the next
poll (with jitter, so that feeds failing together do not retry together), up to a cap;
a Retry-After from the server is waited out in full. A feed failing several times in a
row is unhealthy (reported, and polled ever more slowly), but never dropped.
"""

from __future__ import annotations

import itertools
import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from flows.sources import FetchSettings


@dataclass(frozen=True, slots=True)
class FeedState:
    feed_url: str
    etag: str | None = None
    last_modified: str | None = None
    consecutive_failures: int = 0
    last_attempt_at: datetime | None = None
    last_success_at: datetime | None = None
    next_poll_at: datetime | None = None
    last_status: int | None = None
    last_error: str | None = None
    # What was wrong with the last feed body that still parsed (feedparser's bozo).
    last_problem: str | None = None
    newest_entry_at: datetime | None = None
    usual_interval_seconds: float | None = None

    def due(self, now: datetime) -> bool:
        return self.next_poll_at is None or self.next_poll_at <= now

    def unhealthy(self, settings: FetchSettings) -> bool:
        return self.consecutive_failures >= settings.unhealthy_after_failures

    def stale(self, now: datetime, settings: FetchSettings) -> bool:
        """Nothing new for several times the feed's usual interval between entries."""
        if self.newest_entry_at is None or not self.usual_interval_seconds:
            return False
        quiet = (now - self.newest_entry_at).total_seconds()
        return quiet > settings.stale_after_intervals * self.usual_interval_seconds

    def conditional_headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


def after_success(
    state: FeedState,
    now: datetime,
    status: int,
    *,
    etag: str | None,
    last_modified: str | None,
    problem: str | None = None,
    entry_times: Sequence[datetime] = (),
) -> FeedState:
    """A 200 or 304. A 304 keeps what the last full body said about the entries."""
    updated = replace(
        state,
        etag=etag or state.etag,
        last_modified=last_modified or state.last_modified,
        consecutive_failures=0,
        last_attempt_at=now,
        last_success_at=now,
        next_poll_at=None,
        last_status=status,
        last_error=None,
    )
    if status == 304:
        return updated
    return replace(
        updated,
        last_problem=problem,
        newest_entry_at=max(entry_times, default=state.newest_entry_at),
        usual_interval_seconds=usual_interval(entry_times) or state.usual_interval_seconds,
    )


def after_failure(
    state: FeedState,
    now: datetime,
    settings: FetchSettings,
    *,
    status: int | None,
    error: str,
    retry_after_seconds: float | None = None,
    rng: random.Random | None = None,
) -> FeedState:
    failures = state.consecutive_failures + 1
    wait = backoff_seconds(failures, settings, rng or random.Random())
    if retry_after_seconds is not None:
        wait = max(wait, retry_after_seconds)
    return replace(
        state,
        consecutive_failures=failures,
        last_attempt_at=now,
        next_poll_at=now + timedelta(seconds=wait),
        last_status=status,
        last_error=error,
    )


def backoff_seconds(failures: int, settings: FetchSettings, rng: random.Random) -> float:
    """Exponential in the failures, capped; jittered into the upper half of the window."""
    cap = settings.max_backoff_minutes * 60
    window = min(cap, settings.backoff_base_minutes * 60 * 2 ** (failures - 1))
    return window * rng.uniform(0.5, 1.0)


def usual_interval(times: Sequence[datetime]) -> float | None:
    """The median gap between consecutive entries, in seconds; None under three entries."""
    ordered = sorted(times)
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(ordered)]
    gaps = [g for g in gaps if g > 0]
    return statistics.median(gaps) if len(gaps) >= 2 else None
