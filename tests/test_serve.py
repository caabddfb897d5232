"""`peninsula serve` as a user leaves it running: a real Prefect server, checked via its API."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from tests.conftest import SEEDS

PENINSULA = Path(sys.executable).parent / "peninsula"
FINISHED = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Served:
    process: subprocess.Popen
    api: str
    home: Path
    db: Path
    started: float
    run_id: str = ""
    run_name: str = ""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    work = tmp_path_factory.mktemp("serve")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(PREFECT_HOME=str(work / "prefect"), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    (work / "prefect").mkdir()
    db = work / "served.duckdb"
    started = time.monotonic()
    process = subprocess.Popen(
        [str(PENINSULA), "serve", "--port", str(port), "--db", str(db)],
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
        stdout=open(work / "serve.log", "w"),  # noqa: SIM115 - closed with the process
        stderr=subprocess.STDOUT,
    )
    try:
        yield Served(process, f"http://127.0.0.1:{port}/api", work / "prefect", db, started)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def deployments(api: str) -> dict[str, dict]:
    response = httpx.post(f"{api}/deployments/filter", json={}, timeout=10)
    response.raise_for_status()
    return {d["name"]: d for d in response.json()}


def create_flow_run(api: str, deployment_id: str, parameters: dict) -> dict:
    """Ask for a run as the UI's Run button does; a busy SQLite server may answer 5xx once."""
    for _ in range(5):
        response = httpx.post(
            f"{api}/deployments/{deployment_id}/create_flow_run",
            json={"parameters": parameters},
            timeout=30,
        )
        if response.status_code < 500:
            break
        time.sleep(2)
    assert response.status_code == 201, f"{response.status_code}: {response.text[:500]}"
    return response.json()


def wait_for_deployments(served: Served, timeout: float) -> dict[str, dict]:
    deadline = served.started + timeout
    while time.monotonic() < deadline:
        assert served.process.poll() is None, "peninsula serve exited"
        try:
            found = deployments(served.api)
            if len(found) == 3:
                return found
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise AssertionError(f"the deployments were not listed within {timeout:.0f} s")


@pytest.mark.prefect
def test_serve_lists_scheduled_deployments_and_runs_one(served: Served) -> None:
    # The goal is 60 s on a quiet machine (see the README); the test allows for a busy one.
    found = wait_for_deployments(served, timeout=180)
    print(f"deployments listed {time.monotonic() - served.started:.1f} s after start")
    schedules = {
        name: [(s["schedule"].get("cron"), s["schedule"].get("timezone"), s["active"])
               for s in d["schedules"]]
        for name, d in found.items()
    }  # fmt: skip
    assert schedules == {
        "every-15-minutes": [("*/15 * * * *", "Asia/Seoul", True)],
        "nightly": [("30 3 * * *", "Asia/Seoul", True)],
        "on-demand": [],
    }
    for deployment in found.values():
        assert deployment["global_concurrency_limit"]["limit"] == 1
        assert deployment["concurrency_options"]["collision_strategy"] == "CANCEL_NEW"

    automations = httpx.post(f"{served.api}/automations/filter", json={}, timeout=10).json()
    assert {a["name"] for a in automations} == {
        "peninsula: a scheduled ingest failed",
        "peninsula: nothing new for a day",
    }

    # A load-files run triggered through the API runs in the served process.
    run = create_flow_run(served.api, found["on-demand"]["id"], {"paths": [str(SEEDS)]})
    deadline = time.monotonic() + 180
    while (state := httpx.get(f"{served.api}/flow_runs/{run['id']}").json())[
        "state_type"
    ] not in FINISHED:
        assert time.monotonic() < deadline, "the triggered run did not finish"
        time.sleep(1)
    assert state["state_type"] == "COMPLETED", state["state"]
    assert state["state"]["message"] == "2 new, 0 updated, 0 unchanged, 0 failed"

    artifacts = httpx.post(f"{served.api}/artifacts/filter", json={}, timeout=10).json()
    own = {a["key"]: a for a in artifacts if a["flow_run_id"] == run["id"]}
    assert "2 new, 0 updated" in own["load-files-report"]["data"]
    assert own["load-files-progress"]["data"] == 100
    events = next(a for a in artifacts if a["key"] == "new-events")
    assert "Hanoi" in str(events["data"])  # the derive subflow's table of new events
    emitted = httpx.post(
        f"{served.api}/events/filter",
        json={"filter": {"event": {"prefix": ["peninsula."]}}},
        timeout=10,
    ).json()["events"]
    completed = [e for e in emitted if e["event"] == "peninsula.ingest.completed"]
    assert completed and completed[0]["payload"]["new"] == 2
    served.run_id = run["id"]
    served.run_name = state["name"]


CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
DOCS = Path(__file__).resolve().parent.parent / "docs"


def chromium() -> webdriver.Chrome:
    """Debian's Chromium, headless, through its own chromedriver: nothing downloaded."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or ""
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--window-size=1440,1000",
    ):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(CHROMEDRIVER or ""), options=options)


def page_text(driver: webdriver.Chrome, url: str, expected: str, timeout: float = 60) -> str:
    driver.get(url)
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = driver.find_element(By.TAG_NAME, "body").text
        if expected in text:
            return text
        time.sleep(0.5)
    raise AssertionError(
        f"{expected!r} not on {url} after {timeout:.0f} s; the page said: {text[:500]}"
    )


@pytest.mark.prefect
@pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="needs Debian's chromium and chromium-driver (make test installs them as root)",
)
def test_the_dashboard_shows_the_run_and_its_artifacts(served: Served) -> None:
    assert served.run_id, "the run of the previous test is needed"
    ui = served.api.removesuffix("/api")
    driver = chromium()
    try:
        run_page = page_text(driver, f"{ui}/runs/flow-run/{served.run_id}", served.run_name)
        assert "load-files" in run_page and "Completed" in run_page
        shots = Path(os.environ.get("PENINSULA_SCREENSHOTS", served.home))
        shots.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(shots / "dashboard-run.png"))
        artifacts = httpx.post(f"{served.api}/artifacts/filter", json={}, timeout=10).json()
        by_key = {a["key"]: a["id"] for a in artifacts}
        report = page_text(
            driver, f"{ui}/artifacts/artifact/{by_key['load-files-report']}", "2 new, 0 updated"
        )
        assert "Inputs that did not load" in report
        driver.save_screenshot(str(shots / "dashboard-report.png"))
        page_text(driver, f"{ui}/artifacts/artifact/{by_key['new-events']}", "Hanoi")
        driver.save_screenshot(str(shots / "dashboard-events.png"))
    finally:
        driver.quit()


@pytest.mark.prefect
def test_ctrl_c_stops_the_server_and_keeps_the_schedules(served: Served) -> None:
    served.process.send_signal(signal.SIGINT)
    assert served.process.wait(timeout=60) == 0
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{served.api}/health", timeout=2)
    with sqlite3.connect(served.home / "prefect.db") as conn:
        assert conn.execute("SELECT count(*) FROM deployment WHERE paused").fetchone() == (0,)
        active = conn.execute("SELECT active FROM deployment_schedule").fetchall()
        assert active == [(1,), (1,)]
