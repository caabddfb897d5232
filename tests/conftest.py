"""Shared test fixtures: project paths, the gold file, one Prefect server per session."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.feed_site import Site

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"
GOLD_FILE = SHARED / "gold" / "seeds.gold.json"
YONHAP_SEED = SEEDS / "000_960a1ecd3430c774.txt"
VOA_SEED = SEEDS / "002_81aee9c10b823c90.txt"

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
# Tests keep Prefect's state out of the project's data/prefect (the user's run history,
# and the note a running `peninsula serve` leaves there).
_PREFECT_HOME = tempfile.mkdtemp(prefix="peninsula-tests-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
atexit.register(shutil.rmtree, _PREFECT_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def gold() -> dict:
    if not GOLD_FILE.exists():
        pytest.skip(f"{GOLD_FILE} is absent: the gold annotation lives in ../shared, not here")
    return json.loads(GOLD_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def prefect_api_url() -> Iterator[str]:
    """A real Prefect server (SQLite in a temp folder), started once: it takes ~15 s."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        url = PREFECT_API_URL.value()
        assert url, "the Prefect test harness did not publish an API URL"
        yield url


@pytest.fixture
def site() -> Iterator[Site]:
    """Feeds and pages of our own on a real HTTP server on loopback."""
    from pytest_httpserver import HTTPServer

    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield Site(server)
    server.clear()
    server.stop()
