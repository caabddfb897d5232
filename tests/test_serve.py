"""`peninsula serve` as a user leaves it running: a real Prefect server, checked via its API.

One `peninsula serve` for the module, polling a feed of our own on loopback every minute:
the tests ask it for runs as the UI and the README do, watch its scheduler make runs and
its runner complete them, and stop it with Ctrl-C last.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from flows.prefect_env import AUTH_FILE, auth_headers
from tests.conftest import ROOT, SEEDS
from tests.feed_site import Site, rss, write_sources, yonhap_page

PENINSULA = Path(sys.executable).parent / "peninsula"
FINISHED = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
FEED_PAGES = (11, 12)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Served:
    process: subprocess.Popen
    port: int
    api: str
    home: Path
    db: Path
    work: Path
    started: float
    inbox: Path  # the folder serve lets load-files/on-demand read
    run_id: str = ""
    run_name: str = ""

    @property
    def logs(self) -> Path:
        return self.home / "logs"


@pytest.fixture(scope="module")
def feed_site() -> Iterator[Site]:
    """A feed of two Yonhap-style pages on loopback, for the scheduled ingest-feeds."""
    from pytest_httpserver import HTTPServer

    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    site = Site(server)
    published = datetime(2024, 3, 2, tzinfo=UTC)
    items = [
        (f"soak-{n}", site.url(f"/view/{n}"), published + timedelta(minutes=n)) for n in FEED_PAGES
    ]
    site.feed("/RSS/nk.xml", rss(items), etag='"v1"', last_modified=published)
    for n in FEED_PAGES:
        site.page(f"/view/{n}", yonhap_page(n))
    yield site
    server.clear()
    server.stop()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, feed_site: Site) -> Iterator[Served]:
    work = tmp_path_factory.mktemp("serve")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(PREFECT_HOME=str(work / "prefect"), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    sources = write_sources(
        work / "sources.yaml", [("yonhap", "yonhap_html", feed_site.url("/RSS/nk.xml"))]
    )
    db, inbox = work / "served.duckdb", work / "inbox"
    started = time.monotonic()
    command = [str(PENINSULA), "serve", "--port", str(port), "--db", str(db)]
    command += ["--sources", str(sources), "--feeds-every", "1", "--inbox", str(inbox)]
    process = subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
        stdout=open(work / "serve.out", "w"),  # noqa: SIM115 - closed with the process
        stderr=subprocess.STDOUT,
    )
    api = f"http://127.0.0.1:{port}/api"
    HOMES[api] = work / "prefect"
    try:
        yield Served(process, port, api, work / "prefect", db, work, started, inbox)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


# Each serve's API (its URL) -> its Prefect home, where serve keeps the API's password.
HOMES: dict[str, Path] = {}


def api_headers(url: str) -> dict[str, str]:
    """What a user's client sends: the password `peninsula serve` stored, if any yet."""
    for api, home in HOMES.items():
        if url.startswith(api) and (home / AUTH_FILE).exists():
            return auth_headers((home / AUTH_FILE).read_text(encoding="utf-8").strip())
    return {}


def api_post(url: str, **kwargs: Any) -> httpx.Response:
    headers = {**api_headers(url), **kwargs.pop("headers", {})}
    return httpx.post(url, headers=headers, **kwargs)


def api_get(url: str, **kwargs: Any) -> httpx.Response:
    headers = {**api_headers(url), **kwargs.pop("headers", {})}
    return httpx.get(url, headers=headers, **kwargs)


def as_user(served: Served) -> dict[str, str]:
    """The environment of a second terminal: same Prefect home, no API URL."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    return {**env, "PREFECT_HOME": str(served.home), "COLUMNS": "200"}


def deployments(api: str) -> dict[str, dict]:
    response = api_post(f"{api}/deployments/filter", json={}, timeout=30)
    response.raise_for_status()
    return {d["name"]: d for d in response.json()}


def ask_for_run(api: str, deployment_id: str, parameters: dict) -> httpx.Response:
    """Ask for a run as the UI's Run button does; a busy SQLite server may answer 5xx once."""
    for _ in range(5):
        response = api_post(
            f"{api}/deployments/{deployment_id}/create_flow_run",
            json={"parameters": parameters},
            timeout=30,
        )
        if response.status_code < 500:
            break
        time.sleep(2)
    return response


def create_flow_run(api: str, deployment_id: str, parameters: dict) -> dict:
    response = ask_for_run(api, deployment_id, parameters)
    assert response.status_code == 201, f"{response.status_code}: {response.text[:500]}"
    return response.json()


def wait_for_run(api: str, run_id: str, timeout: float = 180) -> dict:
    deadline = time.monotonic() + timeout
    while (run := api_get(f"{api}/flow_runs/{run_id}", timeout=30).json())[
        "state_type"
    ] not in FINISHED:
        assert time.monotonic() < deadline, f"run {run_id} did not finish: {run['state_type']}"
        time.sleep(1)
    return run


def wait_for_deployments(served: Served, timeout: float) -> dict[str, dict]:
    # From serve's start; a later test asks again, and gets at least one more try.
    deadline = max(served.started + timeout, time.monotonic() + 30)
    while time.monotonic() < deadline:
        assert served.process.poll() is None, (
            "peninsula serve exited: " + (served.work / "serve.out").read_text()
        )
        try:
            found = deployments(served.api)
            if len(found) == 3:
                return found
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise AssertionError(f"the deployments were not listed within {timeout:.0f} s")


def finished_feed_runs(served: Served, found: dict[str, dict], count: int) -> list[dict]:
    """The scheduled ingest-feeds runs, oldest first, once `count` of them finished."""
    deadline = time.monotonic() + 300
    while True:
        runs = api_post(
            f"{served.api}/flow_runs/filter",
            json={
                "deployments": {"id": {"any_": [found["every-minute"]["id"]]}},
                "sort": "EXPECTED_START_TIME_ASC",
            },
            timeout=30,
        ).json()
        finished = [r for r in runs if r["state_type"] in FINISHED]
        if len(finished) >= count:
            return finished
        assert time.monotonic() < deadline, [(r["name"], r["state_type"]) for r in runs]
        time.sleep(2)


def derive_run_of(api: str, run_id: str) -> dict:
    """The derive-articles subflow of a load-files run (it publishes the events table)."""
    (derive,) = api_post(
        f"{api}/flow_runs/filter",
        json={"flow_runs": {"parent_flow_run_id": {"any_": [run_id]}}},
        timeout=30,
    ).json()
    return derive


def artifacts_of(api: str, run_id: str) -> dict[str, dict]:
    artifacts = api_post(f"{api}/artifacts/filter", json={}, timeout=30).json()
    return {a["key"]: a for a in artifacts if a["flow_run_id"] == run_id}


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
        "every-minute": [("*/1 * * * *", "Asia/Seoul", True)],
        "nightly": [("30 3 * * *", "Asia/Seoul", True)],
        "on-demand": [],
    }
    for deployment in found.values():
        assert deployment["global_concurrency_limit"]["limit"] == 1
        assert deployment["concurrency_options"]["collision_strategy"] == "CANCEL_NEW"

    automations = api_post(f"{served.api}/automations/filter", json={}, timeout=30).json()
    assert {a["name"] for a in automations} == {
        "peninsula: a scheduled ingest failed",
        "peninsula: nothing new for a day",
    }

    # A load-files run triggered through the API runs in the served process, into the
    # served warehouse. Just after a scheduled ingest-feeds: started meanwhile, that one
    # would derive the seeds before this run's own derive-articles does.
    finished_feed_runs(served, found, 1)
    shutil.copytree(SEEDS, served.inbox / "seeds")
    run = create_flow_run(
        served.api, found["on-demand"]["id"], {"paths": [str(served.inbox / "seeds")]}
    )
    state = wait_for_run(served.api, run["id"])
    assert state["state_type"] == "COMPLETED", state["state"]
    assert state["state"]["message"] == "2 new, 0 updated, 0 unchanged, 0 failed"

    # The run the user started carries the report: what is new, titles, events.
    own = artifacts_of(served.api, run["id"])
    report = own["load-files-report"]
    assert report["description"].startswith("load-files: 2 new, 0 updated, ")
    assert "After North Korea Walks Away From Talks, Experts See Familiar Tactic" in report["data"]
    assert "N. Korea employs high-pressure tactics in nuke talks with U.S." in report["data"]
    new_events = re.search(r"## New events \((\d+)\)", report["data"])
    assert new_events and int(new_events.group(1)) > 0
    assert re.search(r"^- \*\*2019-02(-\d\d)?\*\* .+ \(voa, yonhap\)$", report["data"], re.M)
    assert own["load-files-progress"]["data"] == 100
    derive = derive_run_of(served.api, run["id"])
    table = json.loads(artifacts_of(served.api, derive["id"])["new-events"]["data"])
    assert list(table[0]) == ["date", "what happened", "who", "where", "sources"]
    assert any("Hanoi" in row["where"] for row in table)
    # Events reach the database in batches: a few seconds after the run.
    deadline = time.monotonic() + 60
    while True:
        emitted = api_post(
            f"{served.api}/events/filter",
            json={"filter": {"event": {"name": ["peninsula.ingest.completed"]}}},
            timeout=30,
        ).json()["events"]
        completed = [e for e in emitted if e["resource"]["flow"] == "load-files"]
        if completed or time.monotonic() > deadline:
            break
        time.sleep(2)
    assert completed and completed[0]["payload"]["new"] == 2
    served.run_id = run["id"]
    served.run_name = state["name"]


@pytest.mark.prefect
def test_ingest_uses_the_running_server_and_its_run_is_on_the_dashboard(
    served: Served, tmp_path: Path
) -> None:
    wait_for_deployments(served, timeout=180)
    db = tmp_path / "second.duckdb"
    started = time.monotonic()
    result = subprocess.run(
        [str(PENINSULA), "ingest", str(SEEDS), "--db", str(db)],
        env=as_user(served),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    seconds = time.monotonic() - started
    print(f"peninsula ingest seeds/ against the running server: {seconds:.1f} s")
    assert result.returncode == 0, result.stderr
    assert f"Using the Prefect server at {served.api}" in result.stderr
    assert "temporary" not in result.stderr
    run_id = re.search(r"\(run ([0-9a-f-]{36})\)", result.stdout)
    assert run_id, result.stdout
    run = api_get(f"{served.api}/flow_runs/{run_id.group(1)}", timeout=30).json()
    assert (run["state_type"], run["state"]["message"]) == (
        "COMPLETED",
        "2 new, 0 updated, 0 unchanged, 0 failed",
    )
    assert "load-files-report" in artifacts_of(served.api, run["id"])
    # A path that names nothing stops the command before Prefect is imported (seen in
    # Python's own record of the imports, not by the clock: a loaded machine is slow).
    missing = subprocess.run(
        [str(PENINSULA), "ingest", str(tmp_path / "no-such-folder"), "--db", str(db)],
        env={**as_user(served), "PYTHONPROFILEIMPORTTIME": "1"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert missing.returncode == 2
    imports, said = [], []
    for line in missing.stderr.splitlines():
        (imports if line.startswith("import time:") else said).append(line)
    assert "\n".join(said).strip() == (
        f"error: {tmp_path / 'no-such-folder'}: no such file or folder"
    )
    assert imports, "Python recorded no imports"
    assert not [line for line in imports if line.split("|")[-1].strip().startswith("prefect")]


def readme_trigger_command() -> str:
    """The README's `prefect deployment run ...` line, as a user would paste it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [line for line in readme.splitlines() if "prefect deployment run" in line]
    assert len(lines) == 1, lines
    return lines[0].strip()


@pytest.mark.prefect
def test_the_readme_trigger_command_and_peninsula_run_work_as_written(
    served: Served, tmp_path: Path
) -> None:
    wait_for_deployments(served, timeout=180)
    inbox = served.inbox / "readme"
    inbox.mkdir()
    (inbox / "first.html").write_text(yonhap_page(31), encoding="utf-8")
    command = readme_trigger_command()
    assert "4200" in command and "/path/to/inbox" in command
    command = command.replace("4200", str(served.port)).replace("/path/to/inbox", str(inbox))
    pasted = subprocess.run(
        ["bash", "-c", command],
        cwd=ROOT,
        env=as_user(served),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert pasted.returncode == 0, pasted.stdout + pasted.stderr
    run_id = re.search(r"UUID: ([0-9a-f-]{36})", pasted.stdout)
    assert run_id, pasted.stdout
    assert wait_for_run(served.api, run_id.group(1))["state_type"] == "COMPLETED"

    (inbox / "second.html").write_text(yonhap_page(32), encoding="utf-8")
    ran = subprocess.run(
        [str(PENINSULA), "run", "load-files/on-demand", str(inbox)],
        cwd=tmp_path,
        env=as_user(served),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert ran.stdout.strip().endswith("Completed: 1 new, 0 updated, 1 unchanged, 0 failed")
    assert f"{served.api.removesuffix('/api')}/runs/flow-run/" in ran.stdout
    unknown = subprocess.run(
        [str(PENINSULA), "run", "nope", str(inbox)],
        env=as_user(served),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert unknown.returncode == 2
    assert "the deployments are: ingest-feeds/every-minute, load-files/on-demand" in (
        unknown.stderr
    )


@pytest.mark.prefect
def test_runs_created_through_the_api_read_only_the_inbox_and_write_only_serves_warehouse(
    served: Served, tmp_path: Path
) -> None:
    found = wait_for_deployments(served, timeout=180)
    secret = tmp_path / "secret.txt"
    secret.write_text("password: hunter2\n\nThe key to everything is here.\n", encoding="utf-8")
    run = create_flow_run(served.api, found["on-demand"]["id"], {"paths": [str(secret)]})
    state = wait_for_run(served.api, run["id"])
    assert state["state_type"] == "FAILED"
    assert state["state"]["message"] == (
        f"{secret}: outside the inbox folders ({served.inbox}); runs created through the API "
        "read only there (the PENINSULA_INBOX setting, or `peninsula serve --inbox`)"
    )
    # The warehouse is not a parameter: a run given one is refused, and writes nothing.
    elsewhere = tmp_path / "elsewhere.duckdb"
    for name in ("on-demand", "nightly"):
        response = ask_for_run(served.api, found[name]["id"], {"db": str(elsewhere)})
        if response.status_code == 201:  # accepted by the API, refused by the flow
            state = wait_for_run(served.api, response.json()["id"])
            assert state["state_type"] in {"FAILED", "CRASHED"}, state["state"]
        else:
            assert 400 <= response.status_code < 500, response.text
    assert not elsewhere.exists()


@pytest.mark.prefect
def test_a_port_in_use_is_named_and_never_reused(served: Served, tmp_path: Path) -> None:
    wait_for_deployments(served, timeout=180)
    env = {**as_user(served), "PREFECT_HOME": str(tmp_path / "prefect")}
    started = time.monotonic()
    second = subprocess.run(
        [str(PENINSULA), "serve", "--port", str(served.port), "--db", str(tmp_path / "x.duckdb")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert second.returncode == 1
    server_pid = int(
        re.search(r'"server_pid": (\d+)', (served.home / "serve.json").read_text()).group(1)
    )
    message = " ".join(second.stderr.split())
    assert f"port {served.port} is in use by PID {server_pid} (prefect server start" in message
    assert f"--port {served.port + 1}" in message
    assert time.monotonic() - started < 30
    assert not (tmp_path / "prefect" / "serve.json").exists()


@pytest.mark.prefect
def test_the_schedule_fires_and_its_runs_complete_twice_in_a_row(served: Served) -> None:
    """The scheduler creates the every-minute runs; the served process runs them."""
    found = wait_for_deployments(served, timeout=180)
    finished = finished_feed_runs(served, found, 2)
    first, second = finished[:2]
    print(
        "scheduled runs:",
        [(r["expected_start_time"], r["state_type"], r["state"]["message"]) for r in finished],
    )
    assert first["auto_scheduled"] and second["auto_scheduled"]
    assert (first["state_type"], second["state_type"]) == ("COMPLETED", "COMPLETED")
    gap = datetime.fromisoformat(second["expected_start_time"]) - datetime.fromisoformat(
        first["expected_start_time"]
    )
    assert gap == timedelta(minutes=1)  # two slots in a row, none skipped
    assert "2 new entries" in first["state"]["message"] + second["state"]["message"]
    server_log = (served.logs / "server.log").read_text(encoding="utf-8")
    assert "Uvicorn running" in server_log or "Check out the dashboard" in server_log
    lines = server_log.splitlines()
    errors = [i for i, line in enumerate(lines) if "ERROR" in line or "Traceback" in line]
    assert errors == [], "\n".join(lines[errors[0] : errors[0] + 80])


CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")


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
    assert served.run_id, "the run of the first test is needed"
    ui = served.api.removesuffix("/api")
    driver = chromium()
    try:
        # The password the dashboard asks for once per browser, as its login page keeps it.
        driver.get(ui)
        password = (served.home / AUTH_FILE).read_text(encoding="utf-8").strip()
        driver.execute_script(
            "localStorage.setItem('prefect-password', btoa(arguments[0]))", password
        )
        run_page = page_text(driver, f"{ui}/runs/flow-run/{served.run_id}", served.run_name)
        assert "load-files" in run_page and "Completed" in run_page
        shots = Path(os.environ.get("PENINSULA_SCREENSHOTS", served.home))
        shots.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(shots / "dashboard-run.png"))
        own = artifacts_of(served.api, served.run_id)
        report = page_text(
            driver, f"{ui}/artifacts/artifact/{own['load-files-report']['id']}", "New events"
        )
        assert "N. Korea employs high-pressure tactics in nuke talks with U.S." in report
        driver.save_screenshot(str(shots / "dashboard-report.png"))
        derive = derive_run_of(served.api, served.run_id)
        events = artifacts_of(served.api, derive["id"])["new-events"]
        table = page_text(driver, f"{ui}/artifacts/artifact/{events['id']}", "Hanoi")
        assert "what happened" in table.lower()
        # Every column fits the window: nothing to scroll sideways for.
        overflow = driver.execute_script(
            "return document.scrollingElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0
        driver.save_screenshot(str(shots / "dashboard-events.png"))
        # The history lists the runs; each one opens on what it brought.
        history = page_text(driver, f"{ui}/artifacts/key/load-files-report", served.run_name)
        runs = re.findall(r"Flow run\n(\S+)", history)
        assert served.run_name in runs and len(runs) >= 3, history
        oldest = driver.find_elements(By.CSS_SELECTOR, ".artifact-timeline-item-content")[-1]
        oldest.click()
        deadline = time.monotonic() + 30
        while "load-files: 2 new, 0 updated" not in driver.find_element(By.TAG_NAME, "body").text:
            assert time.monotonic() < deadline, "the oldest version did not open"
            time.sleep(0.5)
        driver.save_screenshot(str(shots / "dashboard-history.png"))
    finally:
        driver.quit()


@pytest.mark.prefect
def test_only_the_dashboard_itself_may_call_the_api_from_a_browser(served: Served) -> None:
    wait_for_deployments(served, timeout=180)
    ui = f"http://127.0.0.1:{served.port}"
    preflight = {"Access-Control-Request-Method": "POST"}
    for origin in ("https://evil.example", "null", "http://localhost:8080"):
        answer = httpx.options(
            f"{served.api}/deployments/filter", headers={"Origin": origin, **preflight}
        )
        assert "access-control-allow-origin" not in answer.headers, origin
        answer = api_post(f"{served.api}/flow_runs/filter", json={}, headers={"Origin": origin})
        assert "access-control-allow-origin" not in answer.headers, origin
    answer = httpx.options(f"{served.api}/deployments/filter", headers={"Origin": ui, **preflight})
    assert answer.headers.get("access-control-allow-origin") == ui


@pytest.mark.prefect
def test_the_api_wants_the_password_serve_made_and_keeps_to_its_owner(served: Served) -> None:
    wait_for_deployments(served, timeout=180)
    stored = served.home / AUTH_FILE
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    user, password = stored.read_text(encoding="utf-8").strip().split(":", 1)
    assert user == "peninsula" and len(password) >= 24
    asked = f"{served.api}/flow_runs/filter"
    assert httpx.post(asked, json={}, timeout=30).status_code == 401
    wrong = auth_headers("peninsula:guess")
    assert httpx.post(asked, json={}, headers=wrong, timeout=30).status_code == 401
    assert api_post(asked, json={}, timeout=30).status_code == 200
    # The commands send it by themselves: `peninsula run` on the running server works
    # (test_the_readme_trigger_command...), and so does Prefect's own CLI given it.
    env = {**as_user(served), "PREFECT_API_URL": served.api}
    listed = subprocess.run(
        [str(PENINSULA.parent / "prefect"), "deployment", "ls"],
        env={**env, "PREFECT_API_AUTH_STRING": f"{user}:{password}"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "on-demand" in listed.stdout, listed.stdout + listed.stderr


@pytest.mark.prefect
def test_ctrl_c_stops_everything_within_10_s_and_keeps_the_schedules(served: Served) -> None:
    wait_for_deployments(served, timeout=180)
    note = (served.home / "serve.json").read_text()
    server_pid = int(re.search(r'"server_pid": (\d+)', note).group(1))
    started = time.monotonic()
    served.process.send_signal(signal.SIGINT)
    assert served.process.wait(timeout=30) == 0
    seconds = time.monotonic() - started
    print(f"Ctrl-C to exit: {seconds:.1f} s")
    assert seconds < 10
    with pytest.raises(OSError):
        os.kill(server_pid, 0)  # the server is gone too
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{served.api}/health", timeout=2)
    assert not (served.home / "serve.json").exists()
    with sqlite3.connect(served.home / "prefect.db") as conn:
        assert conn.execute("SELECT count(*) FROM deployment WHERE paused").fetchone() == (0,)
        active = conn.execute("SELECT active FROM deployment_schedule").fetchall()
        assert active == [(1,), (1,)]
    out = (served.work / "serve.out").read_text()
    assert "Stopped. The schedules stay on" in out


def start_serve(home: Path, port: int, db: Path, out: Path) -> subprocess.Popen:
    """`peninsula serve --feeds-every 1` (no feed to poll), once it says it is serving."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["PREFECT_HOME"] = str(home)
    with open(out, "w") as sink:
        process = subprocess.Popen(
            [
                *(str(PENINSULA), "serve", "--port", str(port), "--db", str(db)),
                *("--feeds-every", "1", "--sources"),
                str(write_sources(out.with_suffix(".yaml"), [])),
            ],
            env=env,
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 180
    while "Serving " not in out.read_text():
        assert process.poll() is None and time.monotonic() < deadline, out.read_text()
        time.sleep(0.5)
    return process


@pytest.mark.prefect
def test_serve_exits_when_its_server_dies_and_a_restart_skips_the_missed_runs(
    tmp_path: Path,
) -> None:
    """A serve of its own (the module's is stopped by now): its server is killed, slots
    pass, and the next serve cancels the runs that were due meanwhile."""
    home, port, db = tmp_path / "prefect", free_port(), tmp_path / "d.duckdb"
    first = start_serve(home, port, db, tmp_path / "first.out")
    api = f"http://127.0.0.1:{port}/api"
    HOMES[api] = home
    try:
        # The scheduler has made the next runs (they will be due while nothing serves).
        deadline = time.monotonic() + 60
        while not api_post(f"{api}/flow_runs/filter", json={}, timeout=30).json():
            assert time.monotonic() < deadline, "the scheduler made no run"
            time.sleep(1)
        note = (home / "serve.json").read_text()
        os.kill(int(re.search(r'"server_pid": (\d+)', note).group(1)), signal.SIGKILL)
        started = time.monotonic()
        assert first.wait(timeout=30) == 1
        print(f"serve exited {time.monotonic() - started:.1f} s after its server died")
    finally:
        if first.poll() is None:
            first.kill()
    out = (tmp_path / "first.out").read_text()
    assert "error: the Prefect server exited (code -9); serve stops." in out
    assert not (home / "serve.json").exists()

    # Let a minute slot pass, and the 20 s after which a run counts as missed.
    now = time.time()
    time.sleep(60 - now % 60 + 25)
    second = start_serve(home, port, db, tmp_path / "second.out")
    try:
        out = (tmp_path / "second.out").read_text()
        missed = re.search(r"(\d+) scheduled runs were due while serve was stopped: cancelled", out)
        assert missed and int(missed.group(1)) >= 1, out
        cancelled = api_post(
            f"{api}/flow_runs/filter",
            json={"flow_runs": {"state": {"type": {"any_": ["CANCELLED"]}}}},
            timeout=30,
        ).json()
        assert {r["state"]["message"] for r in cancelled} == {
            "missed: peninsula serve was not running then"
        }
        assert len(cancelled) == int(missed.group(1))
        second.send_signal(signal.SIGINT)
        assert second.wait(timeout=30) == 0
    finally:
        if second.poll() is None:
            second.kill()
