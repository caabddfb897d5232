"""A warehouse for the desk commands: the seeds and the project's own test passages (dated,
from several outlets), loaded and derived as a run does, with the search index built and
the items noted as seen. Built once per session; tests that change it work on a copy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from flows.pipeline import derive_articles, ingest_batch, resolve_events
from tests.conftest import ROOT, SEEDS
from warehouse import Warehouse
from warehouse.digest import record_sightings
from warehouse.search import refresh_index

PASSAGES = ROOT / "tests" / "passages"
PENINSULA = Path(sys.executable).parent / "peninsula"


def texts() -> list[Path]:
    return sorted(SEEDS.glob("*.txt")) + sorted(PASSAGES.glob("*.txt"))


def load(warehouse: Warehouse, paths: Sequence[Path], run_id: str) -> None:
    """What load-files and derive-articles do, without Prefect (the end-of-run refresh
    is left to the caller)."""
    ingest_batch([str(p) for p in paths], warehouse, run_id)
    derive_articles(warehouse.articles_to_derive("any"), warehouse)
    resolve_events(warehouse)


@pytest.fixture(scope="session")
def desk_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("desk") / "desk.duckdb"
    warehouse = Warehouse(db)
    load(warehouse, texts(), "run-1")
    refresh_index(warehouse)
    record_sightings(warehouse)
    return db


@pytest.fixture
def desk_copy(desk_db: Path, tmp_path: Path) -> Path:
    """A copy of the session's warehouse, for a test that changes it."""
    copy = tmp_path / "copy.duckdb"
    shutil.copy(desk_db, copy)
    return copy


def peninsula(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(PENINSULA), *(str(a) for a in args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )
