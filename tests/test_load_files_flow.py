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


def test_a_fifo_and_a_name_that_is_not_utf8_cost_nothing_else(
    prefect_api_url: str, tmp_path: Path
) -> None:
    import os

    folder = tmp_path / "inbox"
    shutil.copytree(SEEDS, folder)
    odd = os.path.join(os.fsencode(folder), b"caf\xe9.txt")
    with open(odd, "wb") as handle:
        handle.write(b"Cafe opens in Pyongyang\n\nA cafe opened in the capital on Monday.")
    os.mkfifo(folder / "pipe.txt")
    state, summary = run([str(folder)], tmp_path / "p.duckdb")
    assert state.is_failed()
    assert state.message == (
        f"1 of 4 inputs did not load: {folder}/pipe.txt: "
        "a FIFO (named pipe), not a regular file: refused"
    )
    assert summary.report.counts.new == 3  # the seeds and the file with the odd name
    (last,) = Warehouse(tmp_path / "p.duckdb").recent_runs(1)
    assert (last.status, last.n_new, last.n_failed) == ("failed", 3, 1)


@pytest.fixture
def served_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[Path, Path]:
    """The settings `peninsula serve` gives its runs: an inbox (the seeds in it) and a
    warehouse, in the environment the deployment's runs read them from."""
    inbox, db = tmp_path / "inbox", tmp_path / "served.duckdb"
    shutil.copytree(SEEDS, inbox / "today")
    monkeypatch.setenv("PENINSULA_INBOX", str(inbox))
    monkeypatch.setenv("PENINSULA_DB", str(db))
    return inbox, db


def run_on_demand(**parameters: object):
    from flows.deployed import load_inbox  # what load-files/on-demand runs

    state = load_inbox(return_state=True, **parameters)
    return state, state.result(raise_on_failure=False)


def test_on_demand_loads_from_the_inbox_into_the_served_warehouse(
    prefect_api_url: str, served_settings: tuple[Path, Path]
) -> None:
    inbox, db = served_settings
    state, _ = run_on_demand(paths=[str(inbox / "today")])
    assert state.is_completed(), state.message
    assert state.message == "2 new, 0 updated, 0 unchanged, 0 failed"
    assert Warehouse(db).table_counts()["articles"] == 2
    # Without paths: every inbox folder.
    state, _ = run_on_demand()
    assert state.message == "0 new, 0 updated, 2 unchanged, 0 failed"


def test_on_demand_refuses_paths_outside_the_inbox_and_reads_nothing(
    prefect_api_url: str, served_settings: tuple[Path, Path], tmp_path: Path
) -> None:
    inbox, db = served_settings
    secret = tmp_path / "secret.txt"
    secret.write_text("password: hunter2\n\nThe key to everything is here.\n", encoding="utf-8")
    for path in (str(secret), f"{inbox}/../secret.txt", f"{tmp_path}/*.txt"):
        state, _ = run_on_demand(paths=[str(inbox / "today"), path])
        assert state.is_failed()
        assert state.message == (
            f"{path}: outside the inbox folders ({inbox}); runs created through the API "
            "read only there (the PENINSULA_INBOX setting, or `peninsula serve --inbox`)"
        )
    assert not db.exists()  # refused before anything was read or written

    # A link inside the inbox does not lead out either, as an article or as a sidecar;
    # the rest of the folder loads.
    (inbox / "today" / "notes.txt").symlink_to(secret)
    shutil.copy(SEEDS / "002_81aee9c10b823c90.txt", inbox / "wire.txt")
    (inbox / "wire.meta.json").symlink_to(secret)
    state, summary = run_on_demand(paths=[str(inbox)])
    assert state.is_failed()
    outside = f"leads to {secret}, outside the inbox folders (PENINSULA_INBOX): refused"
    assert sorted(summary.report.failures) == [
        (str(inbox / "today" / "notes.txt"), outside),
        (str(inbox / "wire.txt"), f"sidecar wire.meta.json: {outside}"),
    ]
    assert summary.report.counts.new == 2
    _, rows = Warehouse(db).query("SELECT content FROM document_contents")
    assert len(rows) == 2 and not any(b"hunter2" in bytes(row[0]) for row in rows)
