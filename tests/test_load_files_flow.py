"""The load-files flow on a real Prefect server and a real DuckDB file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import SEEDS
from warehouse import Warehouse

pytestmark = pytest.mark.prefect


@pytest.fixture
def mixed_folder(tmp_path: Path) -> Path:
    """The seeds, three files that cannot load, and two that are not articles."""
    folder = tmp_path / "inbox"
    shutil.copytree(SEEDS, folder)
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00" * 20
    (folder / "photo.jpg").write_bytes(jpeg)  # skipped: not an article
    (folder / "README.md").write_text("# What this folder is\n")  # skipped too
    (folder / "scan.txt").write_bytes(jpeg)  # named as text: tried, and fails
    (folder / "empty.txt").write_bytes(b"")
    (folder / "latin1.txt").write_bytes(
        "Pyongyang caf\u00e9 opens\n\nA caf\u00e9 opened in the capital.".encode("latin-1")
    )
    return folder


def run(paths: list[str], db: Path, **kwargs):
    from flows.load_files import load_files

    state = load_files(paths=paths, db=str(db), return_state=True, **kwargs)
    return state, state.result(raise_on_failure=False)


def test_seeds_load_and_the_run_completes(prefect_api_url: str, tmp_path: Path) -> None:
    state, summary = run([str(SEEDS)], tmp_path / "p.duckdb")
    assert state.is_completed()
    assert summary.report.counts.new == 2
    assert state.message == "2 new, 0 updated, 0 unchanged, 0 failed"


def test_bad_files_fail_the_run_by_name_and_the_rest_load(
    prefect_api_url: str, mixed_folder: Path, tmp_path: Path
) -> None:
    db = tmp_path / "p.duckdb"
    state, summary = run([str(mixed_folder)], db)
    assert state.is_failed()
    assert state.message.startswith("3 of 5 inputs did not load")
    reasons = {Path(path).name: reason for path, reason in summary.report.failures}
    assert set(reasons) == {"scan.txt", "empty.txt", "latin1.txt"}
    assert "binary content" in reasons["scan.txt"]
    assert reasons["empty.txt"] == "empty file"
    assert "not valid UTF-8" in reasons["latin1.txt"]
    for name in reasons:
        assert name in state.message
    assert {Path(path).name: why for path, why in summary.skipped} == {
        "photo.jpg": "an image",
        "README.md": "README.md is a project file, not an article",
    }

    warehouse = Warehouse(db)
    counts = warehouse.table_counts()
    assert counts["articles"] == 2
    assert counts["documents"] == 5  # the bad files' bytes are kept with their reasons
    (last,) = warehouse.recent_runs(1)
    assert (last.status, last.n_new, last.n_failed) == ("failed", 2, 3)


def test_a_rerun_adds_nothing_and_changes_no_count(
    prefect_api_url: str, mixed_folder: Path, tmp_path: Path
) -> None:
    db = tmp_path / "p.duckdb"
    run([str(mixed_folder)], db)
    before = Warehouse(db).table_counts()
    state, summary = run([str(mixed_folder)], db)
    counts = summary.report.counts
    assert (counts.new, counts.updated, counts.unchanged, counts.failed) == (0, 0, 2, 3)
    after = Warehouse(db).table_counts()
    assert after.pop("ingest_runs") == before.pop("ingest_runs") + 1
    assert after == before
    assert state.is_failed()  # the bad files still did not load, and the state says so


def test_small_batches_and_missing_paths(prefect_api_url: str, tmp_path: Path) -> None:
    db = tmp_path / "p.duckdb"
    state, summary = run([f"{SEEDS}/*.txt", str(tmp_path / "missing")], db, batch_size=1)
    assert summary.report.counts.new == 2
    assert summary.report.failures == [(str(tmp_path / "missing"), "no such file or folder")]
    assert state.is_failed()
