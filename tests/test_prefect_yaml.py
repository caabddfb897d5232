"""prefect.yaml declares the deployments `peninsula serve` serves, and deploys as written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml

from flows.serve import FEEDS_CRON, REPROCESS_CRON, TIME_ZONE, ServeSettings, deployments
from tests.conftest import ROOT

PREFECT = Path(sys.executable).parent / "prefect"


def declared() -> dict[str, dict]:
    data = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    return {d["name"]: d for d in data["deployments"]}


def test_prefect_yaml_matches_the_served_deployments() -> None:
    served = {
        d.name: d for d in deployments(ServeSettings(db=Path("d.duckdb"), sources=Path("s.yaml")))
    }
    written = declared()
    assert set(written) == set(served)
    for name, deployment in written.items():
        assert deployment["entrypoint"] == served[name].entrypoint
        assert deployment["concurrency_limit"] == {"limit": 1, "collision_strategy": "CANCEL_NEW"}
        # The warehouse and the files are the running process's settings, not parameters.
        assert "parameters" not in deployment and not served[name].parameters
    assert written["every-15-minutes"]["schedules"] == [{"cron": FEEDS_CRON, "timezone": TIME_ZONE}]
    assert written["nightly"]["schedules"] == [{"cron": REPROCESS_CRON, "timezone": TIME_ZONE}]
    assert "schedules" not in written["on-demand"]


@pytest.mark.prefect
def test_prefect_deploy_all_creates_them_on_a_server(prefect_api_url: str) -> None:
    env = {**os.environ, "PREFECT_API_URL": prefect_api_url, "PENINSULA_DIR": str(ROOT)}

    def prefect(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(PREFECT), "--no-prompt", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    pool = prefect("work-pool", "create", "peninsula", "--type", "process", "--overwrite")
    assert pool.returncode == 0, pool.stdout + pool.stderr
    deployed = prefect("deploy", "--all")
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    found = {
        d["name"]: d
        for d in httpx.post(f"{prefect_api_url}/deployments/filter", json={}, timeout=10).json()
        if d["work_pool_name"] == "peninsula"
    }
    assert set(found) == {"every-15-minutes", "nightly", "on-demand"}
    cron = {
        name: [(s["schedule"]["cron"], s["schedule"]["timezone"]) for s in d["schedules"]]
        for name, d in found.items()
    }
    for deployment in found.values():
        taken = set(deployment["parameter_openapi_schema"]["properties"])
        assert not taken & {"db", "sources_file", "max_file_bytes"}, taken
    assert set(found["on-demand"]["parameter_openapi_schema"]["properties"]) == {
        "paths",
        "include",
        "exclude",
    }
    assert cron == {
        "every-15-minutes": [(FEEDS_CRON, TIME_ZONE)],
        "nightly": [(REPROCESS_CRON, TIME_ZONE)],
        "on-demand": [],
    }
