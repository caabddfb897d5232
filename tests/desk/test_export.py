"""Exports read back by the tools people use: DuckDB and pyarrow, row for row."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pyarrow
import pyarrow.csv
import pyarrow.parquet as pq
import pytest

from tests.desk.conftest import peninsula
from warehouse import Warehouse
from warehouse.export import DATASETS, export


def table_rows(db: Path, table: str) -> int:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_each_dataset_reads_back_with_the_tables_row_count(
    desk_db: Path, tmp_path: Path, dataset: str
) -> None:
    expected = table_rows(desk_db, dataset)
    parquet = export(Warehouse(desk_db), dataset, "parquet", tmp_path)
    comma = export(Warehouse(desk_db), dataset, "csv", tmp_path)
    assert parquet.rows == comma.rows == expected > 0
    assert pq.read_table(parquet.path).num_rows == expected
    assert pyarrow.csv.read_csv(comma.path).num_rows == expected
    with duckdb.connect() as conn:
        assert (
            conn.execute("SELECT count(*) FROM read_parquet(?)", [str(parquet.path)]).fetchone()[0]
            == expected
        )
        assert (
            conn.execute("SELECT count(*) FROM read_csv(?)", [str(comma.path)]).fetchone()[0]
            == expected
        )
    note = parquet.note.read_text(encoding="utf-8")
    for column in pq.read_schema(parquet.path).names:
        assert f"| {column} |" in note
    assert f"{expected} rows" in note


def test_export_events_from_the_command_line(desk_db: Path, tmp_path: Path) -> None:
    result = peninsula(
        "export", "events", "--format", "parquet", "--out", tmp_path, "--db", desk_db
    )
    assert result.returncode == 0, result.stderr
    events = table_rows(desk_db, "events")
    assert f"({events} rows of {events} in events)" in result.stdout
    table = pq.read_table(tmp_path / "events.parquet")
    assert table.num_rows == events
    assert pyarrow.types.is_list(table.schema.field("actor_ids").type)
    assert (tmp_path / "events.schema.md").exists()


def test_csv_lists_are_joined_and_since_narrows(desk_db: Path, tmp_path: Path) -> None:
    result = peninsula(
        "export", "events", "--format", "csv", "--since", "2024-03", "--out", tmp_path,
        "--db", desk_db,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader((tmp_path / "events.csv").open(encoding="utf-8")))
    assert 0 < len(rows) < table_rows(desk_db, "events")
    assert all(r["event_date"] >= "2024-03" or r["date_precision"] == "year" for r in rows)
    several = next(r for r in rows if ";" in r["actor_ids"])
    assert all(
        part.strip().startswith(("ref:", "txt:")) for part in several["actor_ids"].split(";")
    )


def test_an_unknown_dataset_or_format_is_refused(desk_db: Path, tmp_path: Path) -> None:
    wrong = peninsula("export", "event", "--out", tmp_path, "--db", desk_db)
    assert wrong.returncode == 2 and "did you mean events" in wrong.stderr
    bad = peninsula("export", "events", "--format", "xlsx", "--out", tmp_path, "--db", desk_db)
    assert bad.returncode == 2 and "parquet or csv" in bad.stderr
    assert not list(tmp_path.iterdir())
