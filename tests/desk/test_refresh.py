"""The end-of-run refresh: it cannot fail a run, and its picture covers weeks with events."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from flows.desk import PICTURE_WEEKS, recent_weeks, refresh_desk
from warehouse import Warehouse


def test_a_refresh_that_cannot_work_reports_each_step_and_returns(tmp_path: Path) -> None:
    broken = tmp_path / "not-duckdb.duckdb"
    broken.write_text("this is not a DuckDB file", encoding="utf-8")
    done = refresh_desk.fn(str(broken))
    assert [p.split(":")[0] for p in done.problems or []] == [
        "search index", "new items", "events feed", "events picture",
    ]  # fmt: skip
    assert all("not-duckdb.duckdb" in p for p in done.problems or [])
    assert done.index is None and done.feed is None and not done.picture


def test_the_picture_shows_the_last_weeks_or_those_up_to_the_latest_event(desk_db: Path) -> None:
    warehouse = Warehouse(desk_db)
    during, note = recent_weeks(warehouse, today=date(2024, 4, 10))
    assert (during.since, during.until) == (date(2024, 4, 10) - timedelta(weeks=PICTURE_WEEKS),
                                            date(2024, 4, 10))  # fmt: skip
    assert note == f"The last {PICTURE_WEEKS} weeks."
    later, note = recent_weeks(warehouse, today=date(2026, 1, 1))
    assert later.until is not None and date(2024, 3, 1) < later.until < date(2024, 6, 1)
    assert f"up to the latest one ({later.until})" in note
