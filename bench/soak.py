"""Soak test: `peninsula serve` for a while, polling a live feed of our own every minute.

    SOAK_MINUTES=30 python -m bench.soak        # make soak

A loopback site publishes two new Yonhap-style articles a minute in an RSS feed (with
ETag and Last-Modified, as real feeds do). `peninsula serve --feeds-every 1` runs
against it with its own Prefect home and warehouse in a temporary folder, exactly as a
user starts it. Meanwhile this script asks the API what a dashboard asks (health, the
latest runs) every few seconds and samples the server's memory. At the end it stops
publishing, lets one more scheduled run pick up the last articles, presses Ctrl-C, and
prints: scheduled runs created, completed, failed or missed; articles loaded against
articles published (and any loaded twice); the server's memory at start and end; the
slowest API answer; whether the UI still answered; how long Ctrl-C took; errors in the
logs. Targets (issue 12): every slot run, every article loaded once, memory growth under
20 %, API answers under 2 s.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import TypeVar

import duckdb
import httpx
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.feed_site import Site, rss, write_sources, yonhap_page

T = TypeVar("T")
PENINSULA = Path(sys.executable).parent / "peninsula"
# The logs of each soak are kept here (the rest of its temporary folder is not).
KEEP_LOGS = Path("data") / "soak"
PER_MINUTE = 2
SAMPLE_SECONDS = 5.0
FINISHED = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


class Publisher:
    """A feed that gains PER_MINUTE entries a minute from its start, until stopped."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.started = datetime.now(UTC)
        self._stopped_at: datetime | None = None
        self.fetches: Counter[int] = Counter()
        site.handler("/RSS/nk.xml", self._feed)
        site.server.expect_request(re.compile(r"^/view/\d+$")).respond_with_handler(self._page)

    def published(self, at: datetime | None = None) -> int:
        now = min(at or datetime.now(UTC), self._stopped_at or datetime.max.replace(tzinfo=UTC))
        minutes = int((now - self.started).total_seconds() // 60)
        return PER_MINUTE * (minutes + 1)

    def stop(self) -> int:
        self._stopped_at = datetime.now(UTC)
        return self.published()

    def _feed(self, request: Request) -> Response:
        count = self.published()
        etag = f'"n{count}"'
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        newest = self._published_at(count - 1)
        items = [
            (f"soak-{n}", self.site.url(f"/view/{n}"), self._published_at(n))
            for n in range(count - 1, -1, -1)
        ]
        headers = {"ETag": etag, "Last-Modified": format_datetime(newest, usegmt=True)}
        return Response(rss(items), headers=headers, content_type="application/rss+xml")

    def _page(self, request: Request) -> Response:
        n = int(request.path.rsplit("/", 1)[1])
        self.fetches[n] += 1
        if n >= self.published():
            return Response("not yet", status=404)
        return Response(yonhap_page(n, published=self._published_at(n)), content_type="text/html")

    def _published_at(self, n: int) -> datetime:
        return self.started + timedelta(minutes=n // PER_MINUTE, seconds=n % PER_MINUTE)


@dataclass
class Watch:
    api: str
    server_pid: int
    latencies: list[tuple[float, str]] = field(default_factory=list)
    rss: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        with httpx.Client(timeout=30) as client:
            while not self.stop.wait(SAMPLE_SECONDS):
                self.rss.append(rss_bytes(self.server_pid))
                for what, call in (
                    ("health", lambda: client.get(f"{self.api}/health")),
                    (
                        "latest runs",
                        lambda: client.post(
                            f"{self.api}/flow_runs/filter",
                            json={"sort": "EXPECTED_START_TIME_DESC", "limit": 20},
                        ),
                    ),
                ):
                    started = time.perf_counter()
                    try:
                        call().raise_for_status()
                    except httpx.HTTPError as exc:
                        self.failures.append(f"{what}: {type(exc).__name__}: {exc}")
                    self.latencies.append((time.perf_counter() - started, what))


def rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what: str, test: Callable[[], T | None], timeout: float, step: float = 1.0) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := test():
            return result
        time.sleep(step)
    raise SystemExit(f"soak: {what} did not happen within {timeout:.0f} s")


def feed_runs(api: str, deployment_id: str) -> list[dict]:
    runs, offset = [], 0
    while True:
        page = httpx.post(
            f"{api}/flow_runs/filter",
            json={
                "deployments": {"id": {"any_": [deployment_id]}},
                "sort": "EXPECTED_START_TIME_ASC",
                "limit": 200,
                "offset": offset,
            },
            timeout=60,
        ).json()
        runs += page
        if len(page) < 200:
            return runs
        offset += 200


def main() -> None:
    minutes = float(os.environ.get("SOAK_MINUTES", "30"))
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request else
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    site = Site(server)
    publisher = Publisher(site)
    with tempfile.TemporaryDirectory(prefix="peninsula-soak-") as folder:
        try:
            soak(Path(folder), site, publisher, minutes)
        finally:
            server.stop()


def soak(work: Path, site: Site, publisher: Publisher, minutes: float) -> None:
    home, db, port = work / "prefect", work / "soak.duckdb", free_port()
    api = f"http://127.0.0.1:{port}/api"
    sources = write_sources(
        work / "sources.yaml", [("yonhap", "yonhap_html", site.url("/RSS/nk.xml"))]
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    command = [str(PENINSULA), "serve", "--port", str(port), "--db", str(db)]
    command += ["--sources", str(sources), "--feeds-every", "1"]
    print(f"soak: {minutes:g} minutes; {' '.join(command[1:])}", flush=True)
    started = time.monotonic()
    with open(work / "serve.out", "w") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        note = wait_for("serve's start", lambda: _note(home), 300)
        deployment = wait_for("the deployments", lambda: _deployment(api), 120)
        serving_since = datetime.now(UTC)
        print(f"serving after {time.monotonic() - started:.0f} s", flush=True)
        watch = Watch(api, note["server_pid"])
        watcher = threading.Thread(target=watch.run, daemon=True)
        watcher.start()
        soak_end = time.monotonic() + minutes * 60
        while time.monotonic() < soak_end:
            if process.poll() is not None:
                raise SystemExit(f"soak: serve exited early: {(work / 'serve.out').read_text()}")
            time.sleep(10)
        published = publisher.stop()
        stopped_publishing = datetime.now(UTC)
        # One more scheduled run after the last article was published picks it up.
        wait_for(
            "a scheduled run after publishing stopped",
            lambda: any(
                r["state_type"] in FINISHED
                and datetime.fromisoformat(r["expected_start_time"]) > stopped_publishing
                for r in feed_runs(api, deployment["id"])
            ),
            180,
            step=5,
        )
        watch.stop.set()
        watcher.join()
        runs = feed_runs(api, deployment["id"])
        ui = httpx.get(api.removesuffix("/api") + "/", timeout=30)
        ui_ok = ui.status_code == 200 and "<html" in ui.text.lower()
        stop_started = time.monotonic()
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=60)
        stop_seconds = time.monotonic() - stop_started
    finally:
        if process.poll() is None:
            process.kill()
    slots = int(datetime.now(UTC).timestamp() // 60 - serving_since.timestamp() // 60)
    report(work, db, runs, slots, watch, publisher, published, ui_ok, stop_seconds, code)
    kept = KEEP_LOGS / datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    shutil.copytree(work / "prefect" / "logs", kept)
    shutil.copy(work / "serve.out", kept)
    print(f"logs kept in {kept}")


def _note(home: Path) -> dict | None:
    try:
        return json.loads((home / "serve.json").read_text())
    except (OSError, ValueError):
        return None


def _deployment(api: str) -> dict | None:
    try:
        found = httpx.post(f"{api}/deployments/filter", json={}, timeout=10).json()
    except httpx.HTTPError:
        return None
    return next((d for d in found if d["name"] == "every-minute"), None)


def report(
    work: Path,
    db: Path,
    runs: list[dict],
    slots: int,
    watch: Watch,
    publisher: Publisher,
    published: int,
    ui_ok: bool,
    stop_seconds: float,
    code: int,
) -> None:
    now = datetime.now(UTC)
    scheduled = [r for r in runs if r["auto_scheduled"]]
    due = [r for r in scheduled if datetime.fromisoformat(r["expected_start_time"]) < now]
    states: dict[str, int] = {}
    for r in due:
        states[r["state_type"]] = states.get(r["state_type"], 0) + 1
    missed = [r for r in due if r["state_type"] not in FINISHED]
    with duckdb.connect(str(db), read_only=True) as conn:
        (loaded,) = conn.execute("SELECT count(*) FROM articles").fetchone()
    fetched_twice = sum(1 for n in range(published) if publisher.fetches[n] > 1)
    never_fetched = sum(1 for n in range(published) if not publisher.fetches[n])
    durations = [
        (
            datetime.fromisoformat(r["end_time"]) - datetime.fromisoformat(r["start_time"])
        ).total_seconds()
        for r in due
        if r["start_time"] and r["end_time"]
    ]
    latency = sorted(watch.latencies)
    rss = [r for r in watch.rss if r]
    growth = (rss[-1] - rss[0]) / rss[0] * 100 if rss else float("nan")
    logs = work / "prefect" / "logs"
    server_errors = _error_lines(logs / "server.log")
    serve_errors = _error_lines(logs / "serve.log")
    print()
    print("== soak results ==")
    print(f"minute slots while serving:  {slots}")
    print(f"scheduled runs created:      {len(scheduled)} ({len(due)} due by the end)")
    print(f"runs by state (due ones):    {json.dumps(states, sort_keys=True)}")
    print(f"runs completed:              {states.get('COMPLETED', 0)} of {len(due)}")
    failed = sum(states.get(s, 0) for s in ("FAILED", "CRASHED"))
    print(f"runs failed or crashed:      {failed}")
    print(f"runs cancelled (overlap):    {states.get('CANCELLED', 0)}")
    print(f"runs missed (never ran):     {len(missed)}")
    if durations:
        print(
            f"run duration:                median {statistics.median(durations):.1f} s, "
            f"longest {max(durations):.1f} s"
        )
    print(f"articles published:          {published}")
    print(
        f"articles loaded:             {loaded} (pages fetched twice: {fetched_twice}, "
        f"never fetched: {never_fetched})"
    )
    if rss:
        print(
            f"server RSS:                  start {rss[0] / 2**20:.0f} MB, end "
            f"{rss[-1] / 2**20:.0f} MB, peak {max(rss) / 2**20:.0f} MB ({growth:+.1f} %)"
        )
    if latency:
        p95 = latency[int(0.95 * (len(latency) - 1))][0]
        slowest, what = latency[-1]
        print(
            f"API answers:                 {len(latency)}, median "
            f"{statistics.median(x for x, _ in latency) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
            f"slowest {slowest * 1000:.0f} ms ({what}); {len(watch.failures)} failed"
        )
    for failure in watch.failures[:5]:
        print(f"  failed: {failure}")
    print(f"UI answers at the end:       {'yes' if ui_ok else 'NO'}")
    print(f"Ctrl-C to exit:              {stop_seconds:.1f} s (exit code {code})")
    print(f"errors in server.log:        {len(server_errors)}")
    for line in server_errors[:5]:
        print(f"  {line[:200]}")
    print(f"errors in serve.log:         {len(serve_errors)}")
    for line in serve_errors[:5]:
        print(f"  {line[:200]}")


def _error_lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return [f"{path}: missing"]
    return [line for line in text.splitlines() if "| ERROR" in line or "Traceback" in line]


if __name__ == "__main__":
    main()
