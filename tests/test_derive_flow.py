"""derive-articles and reprocess on a real Prefect server and a real DuckDB file."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from flows.pipeline import default_extractor
from tests.conftest import SEEDS
from warehouse import Warehouse

pytestmark = pytest.mark.prefect

DERIVED = ("entities", "mentions", "quotes", "article_events", "events", "event_mentions")


@pytest.fixture
def loaded(prefect_api_url: str, tmp_path: Path) -> Path:
    from flows.derive import derive_flow
    from flows.load_files import load_files

    db = tmp_path / "p.duckdb"
    load_files(paths=[str(SEEDS)], db=str(db), return_state=True)
    assert derive_flow(db=str(db), return_state=True).is_completed()
    return db


def counts(db: Path) -> dict[str, int]:
    return {k: v for k, v in Warehouse(db).table_counts().items() if k != "ingest_runs"}


def test_the_stockholm_talks_are_one_event_in_two_articles(loaded: Path) -> None:
    _, rows = Warehouse(loaded).query(
        "SELECT e.event_date::VARCHAR, count(DISTINCT m.article_id) FROM events e"
        " JOIN event_mentions m USING (event_id) WHERE e.event_type = 'MEETING'"
        " AND e.place_entity_id = 'ref:sweden' GROUP BY ALL"
    )
    assert rows == [("2019-10-05", 2)]


def test_derived_rows_carry_the_version_that_made_them(loaded: Path) -> None:
    version = default_extractor().version
    for table in ("articles", "mentions", "quotes", "events"):
        _, rows = Warehouse(loaded).query(f"SELECT DISTINCT extractor_version FROM {table}")
        assert rows == [(version,)], table


def test_deriving_again_changes_nothing(loaded: Path) -> None:
    from flows.derive import derive_flow

    before = counts(loaded)
    state = derive_flow(db=str(loaded), return_state=True)
    assert state.result().derived == 0
    assert counts(loaded) == before


def test_a_run_that_breaks_off_says_why_and_leaves_the_warehouse_as_it_was(
    prefect_api_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB out of memory mid-run (a limit far too small): the state names that error,
    not an AttributeError about it, carries a summary, and nothing half-done stays."""
    from flows.derive import DeriveSummary, derive_flow
    from flows.load_files import load_files

    db = tmp_path / "p.duckdb"
    load_files(paths=[str(SEEDS)], db=str(db), return_state=True)
    before = counts(db)
    monkeypatch.setenv("PENINSULA_DUCKDB_MEMORY", "1MB")
    state = derive_flow(db=str(db), return_state=True)
    monkeypatch.delenv("PENINSULA_DUCKDB_MEMORY")
    assert state.is_failed()
    assert "OutOfMemory" in state.message and "AttributeError" not in state.message
    summary = state.result(raise_on_failure=False)
    assert isinstance(summary, DeriveSummary) and summary.crashed
    assert counts(db) == before
    # With memory to work in, the next run derives everything.
    assert derive_flow(db=str(db), return_state=True).is_completed()
    assert counts(db)["events"] > 0


def test_a_crashed_run_is_in_the_run_log_with_its_error(
    prefect_api_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Resolution breaks off with an error of its own: the run log and the flow's state
    both name it, and the articles stay waiting for the next run."""
    import flows.derive
    from flows.load_files import load_files

    db = tmp_path / "p.duckdb"
    load_files(paths=[str(SEEDS)], db=str(db), return_state=True)
    before = counts(db)

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("the resolver broke")

    monkeypatch.setattr(flows.derive, "resolve_events", broken)
    state = flows.derive.derive_flow(db=str(db), return_state=True)
    assert state.is_failed() and "ValueError: the resolver broke" in state.message
    _, runs = Warehouse(db).query(
        "SELECT status, message FROM ingest_runs WHERE flow_name = 'derive-articles'"
    )
    assert runs == [("crashed", "crashed: ValueError: the resolver broke")]
    assert counts(db) == before
    monkeypatch.undo()
    assert flows.derive.derive_flow(db=str(db), return_state=True).is_completed()
    assert counts(db)["events"] > 0


def test_reprocess_rederives_without_duplicates_and_drops_stale_rows(loaded: Path) -> None:
    from flows.derive import reprocess_flow

    before = counts(loaded)
    nothing = reprocess_flow(db=str(loaded), return_state=True)
    assert nothing.message.startswith("nothing to do")

    # As if the rules had changed since: old versions, and a row of a vanished article.
    conn = duckdb.connect(str(loaded))
    conn.execute("UPDATE articles SET extractor_version = 'rules-0+ref-old'")
    conn.execute(
        "INSERT INTO mentions SELECT 'gone', entity_id, 1, 0, 0, 3, 'Kim', 'rules-0+ref-old'"
        " FROM entities LIMIT 1"
    )
    conn.close()
    state = reprocess_flow(db=str(loaded), return_state=True)
    assert state.is_completed(), state.message
    assert counts(loaded) == before
    _, rows = Warehouse(loaded).query(
        "SELECT count(*) FROM mentions WHERE article_id = 'gone' OR extractor_version <> "
        f"'{default_extractor().version}'"
    )
    assert rows == [(0,)]
