"""The run log's one rule for flows: a run that breaks off still leaves its row, saying why.

When the warehouse cannot take the row either (another process held the file past the
wait, which may be what broke the run), the row waits on disk beside the warehouse
(`NAME.duckdb.landing/runs/`) and the next run that opens the log writes it.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from flows.spill import spill_folder
from warehouse import LoadCounts, Warehouse

logger = logging.getLogger(__name__)


def runs_folder(db: str | Path) -> Path:
    """Where run rows that could not be written wait for the next run."""
    return spill_folder(db) / "runs"


@contextlib.contextmanager
def recorded_crash(
    db: str,
    run_id: str,
    flow_name: str,
    inputs: Sequence[str],
    started: datetime,
    counts: LoadCounts | None = None,
) -> Iterator[None]:
    """Write a 'crashed' row with the counts so far when the block raises, then re-raise.

    On entry, rows that earlier runs left on disk are written first.
    """
    land_spilled_runs(db)
    try:
        yield
    except BaseException as exc:  # an interrupted run is logged too
        row = {
            "run_id": run_id,
            "flow_name": flow_name,
            "inputs": list(inputs),
            "started_at": started.isoformat(),
            "finished_at": datetime.now(UTC).isoformat(),
            "counts": dict.fromkeys(("new", "updated", "unchanged", "failed"), 0)
            if counts is None
            else {k: getattr(counts, k) for k in ("new", "updated", "unchanged", "failed")},
            "status": "crashed",
            "message": f"crashed: {type(exc).__name__}: {exc}",
        }
        try:
            _record(Warehouse(db), row)
        except Exception as failure:  # what broke the run matters more than its log
            try:
                _spill(db, row)
            except OSError as lost:
                logger.warning("could not log the crash of %s: %s; %s", run_id, failure, lost)
            else:
                logger.warning(
                    "could not log the crash of %s (%s); the row waits in %s for the next run",
                    run_id,
                    failure,
                    runs_folder(db),
                )
        raise


def land_spilled_runs(db: str | Path) -> int:
    """Write the run rows earlier runs left on disk, then remove them; returns how many.

    Never fails the run that calls it: a row that still cannot be written stays on disk.
    """
    folder = runs_folder(db)
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    written = 0
    for path in files:
        try:
            _record(Warehouse(db), json.loads(path.read_text(encoding="utf-8")))
        except Exception as exc:
            logger.warning("could not write the run row %s yet: %s", path, exc)
            break
        path.unlink()
        written += 1
    return written


def _record(warehouse: Warehouse, row: dict) -> None:
    warehouse.record_run(
        row["run_id"],
        row["flow_name"],
        row["inputs"],
        datetime.fromisoformat(row["started_at"]),
        LoadCounts(**row["counts"]),
        status=row["status"],
        message=row["message"],
        finished_at=datetime.fromisoformat(row["finished_at"]),
    )


def _spill(db: str | Path, row: dict) -> None:
    folder = runs_folder(db)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{row['run_id']}.json"
    # Written under a temporary name, then renamed: a half-written row is never read.
    partial = target.with_suffix(".partial")
    partial.write_text(json.dumps(row), encoding="utf-8")
    partial.replace(target)
