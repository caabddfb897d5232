"""Ad-hoc SQL and loads on one file: a load waits for another process to let go."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from flows.spill import land_or_spill, land_spilled, spill_folder
from tests.conftest import SEEDS
from warehouse import Warehouse
from warehouse.live import LandedResponse

HOLD = (
    "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True);"
    " time.sleep(float(sys.argv[2])); c.close(); print('released', flush=True); time.sleep(30)"
)


def hold(db: Path, seconds: float) -> subprocess.Popen:
    """Another process opening the file for writing, as `duckdb data/peninsula.duckdb` does."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
    return holder


@pytest.mark.prefect
def test_a_load_waits_for_the_file_and_loads_once(prefect_api_url: str, tmp_path: Path) -> None:
    from flows.load_files import load_files

    db = tmp_path / "shared.duckdb"
    Warehouse(db).check_writable()  # the file exists, as it would between runs
    holder = hold(db, 4)
    try:
        started = time.monotonic()
        state = load_files(paths=[str(SEEDS)], db=str(db), return_state=True)
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert state.is_completed(), state.message
    assert waited >= 3.5  # it really waited for the other process
    assert Warehouse(db).query("SELECT count(*) FROM articles")[1] == [(2,)]
    # Nothing doubled when the same files come again.
    again = load_files(paths=[str(SEEDS)], db=str(db), return_state=True)
    assert again.is_completed()
    assert Warehouse(db).query("SELECT count(*), count(DISTINCT doc_id) FROM documents")[1] == [
        (2, 2)
    ]


def test_a_holder_that_does_not_let_go_is_named(tmp_path: Path) -> None:
    db = tmp_path / "held.duckdb"
    Warehouse(db).check_writable()
    holder = hold(db, 60)
    try:
        with pytest.raises(Exception, match=rf"PID {holder.pid}\) for more than 0.5 s"):
            Warehouse(db, lock_wait_seconds=0.5).table_counts()
    finally:
        holder.kill()
        holder.wait()


def test_responses_fetched_while_the_file_is_held_wait_on_disk(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    Warehouse(db).check_writable()
    fetched = [
        LandedResponse(
            kind="page",
            url=f"https://en.yna.co.kr/view/AEN{n}",
            final_url=f"https://en.yna.co.kr/view/AEN{n}",
            status=200,
            headers={"content-type": "text/html; charset=utf-8"},
            body=f"<html>page {n}</html>".encode(),
            error=None,
            fetched_at=datetime(2026, 11, 22, 3, n, tzinfo=UTC),
            elapsed_ms=12,
            source="yonhap",
            parser="yonhap_html",
        )
        for n in (1, 2)
    ]
    holder = hold(db, 60)
    try:
        with pytest.raises(Exception, match="locked by another process"):
            land_or_spill(Warehouse(db, lock_wait_seconds=0.3), fetched, "run-x")
    finally:
        holder.kill()
        holder.wait()
    assert len(list(spill_folder(db).glob("*.json"))) == 2

    assert land_spilled(Warehouse(db)) == 2
    assert list(spill_folder(db).glob("*.json")) == []
    _, rows = Warehouse(db).query(
        "SELECT r.url, r.run_id, b.content FROM responses r"
        " JOIN response_contents b USING (content_hash) ORDER BY r.url"
    )
    assert rows == [
        ("https://en.yna.co.kr/view/AEN1", "run-x", b"<html>page 1</html>"),
        ("https://en.yna.co.kr/view/AEN2", "run-x", b"<html>page 2</html>"),
    ]
