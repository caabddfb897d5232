"""The picture of recent weeks on a run's page, in a real Prefect UI, in a real browser.

`peninsula ingest` runs against a Prefect server of its own (`prefect server start`, the
UI included); the run's markdown artifact carries the PNG inline, and headless Chromium
must load it as an image. PENINSULA_SCREENSHOTS names a folder for the screenshot.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import feedparser
import httpx
import pytest

from flows.atom import events_feed_path
from flows.desk import PICTURE_ARTIFACT
from tests.conftest import SEEDS
from tests.desk.conftest import PASSAGES, PENINSULA

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
SERVER_START_SECONDS = 180


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    work = tmp_path_factory.mktemp("dashboard")
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(
        PREFECT_HOME=str(work / "prefect"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_UI_API_URL=api,
    )
    (work / "prefect").mkdir()
    prefect = Path(sys.executable).parent / "prefect"
    with open(work / "server.log", "w") as log:
        server = subprocess.Popen(
            [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            assert server.poll() is None, (work / "server.log").read_text()[-2000:]
            try:
                if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the Prefect server did not start"
            time.sleep(1)
        yield api, {**env, "PREFECT_API_URL": api}
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.mark.prefect
@pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="needs Debian's chromium and chromium-driver (make test installs them as root)",
)
def test_a_runs_page_shows_the_picture_of_recent_weeks(
    ui: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    api, env = ui
    db = tmp_path / "run.duckdb"
    result = subprocess.run(
        [str(PENINSULA), "ingest", str(SEEDS), str(PASSAGES), "--db", str(db)],
        env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr

    # The run wrote the feed of its new events beside the warehouse.
    feed = feedparser.parse(events_feed_path(db).read_bytes())
    with duckdb.connect(str(db), read_only=True) as conn:
        events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    assert not feed.bozo and len(feed.entries) == events > 0

    artifacts = httpx.post(
        f"{api}/artifacts/filter",
        json={"artifacts": {"key": {"any_": [PICTURE_ARTIFACT]}}, "sort": "CREATED_DESC"},
        timeout=30,
    ).json()
    assert artifacts, "no picture artifact was published"
    latest = artifacts[0]
    assert latest["type"] == "markdown" and "data:image/png;base64," in latest["data"]

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or ""
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1440,1000"):  # fmt: skip
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER or ""), options=options)
    try:
        driver.get(f"{api.removesuffix('/api')}/artifacts/artifact/{latest['id']}")
        deadline = time.monotonic() + 60
        width = 0
        while time.monotonic() < deadline:
            width = driver.execute_script(
                "const img = [...document.images].find(i => i.src.startsWith('data:image/png'));"
                "return img && img.complete ? img.naturalWidth : 0;"
            )
            if width:
                break
            time.sleep(0.5)
        assert width > 1000, "the picture did not load on the artifact's page"
        time.sleep(1)  # let the page settle before the screenshot
        shots = Path(os.environ.get("PENINSULA_SCREENSHOTS", tmp_path))
        shots.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(shots / "dashboard-picture.png"))
    finally:
        driver.quit()
