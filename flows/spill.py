"""The landing folder: responses on disk beside the warehouse, until DuckDB has them.

Fetching cannot be undone, so a response is never dropped. A page goes to a folder beside
the DuckDB file (`NAME.duckdb.landing/`, one JSON file per response) as soon as it is
back, before its host's next request: a file write costs a millisecond where a DuckDB
commit costs a tenth of a second or more. A batch of pages is then landed in DuckDB in
one transaction and its files removed. When the warehouse cannot be written (the file
stayed locked) or the run is killed, the files stay, and the next run lands them before
it fetches anything.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from warehouse import Warehouse
from warehouse.live import EntryUpdate, LandedResponse, land


def spill_folder(db: str | Path) -> Path:
    return Path(f"{db}.landing")


def land_or_spill(
    warehouse: Warehouse,
    responses: Sequence[LandedResponse],
    run_id: str,
    entry_updates: Sequence[EntryUpdate] = (),
) -> None:
    """Land in the warehouse (with `entry_updates`, see `land`); if that fails, keep the
    responses on disk and re-raise. Pages landed from disk later still mark their entries
    fetched; a failure's entry update is lost, and costs one more try."""
    try:
        land(warehouse, responses, run_id, entry_updates)
    except Exception:
        spill(spill_folder(warehouse.path), responses, run_id)
        raise


def spill(folder: Path, responses: Sequence[LandedResponse], run_id: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for r in responses:
        record = {
            "run_id": run_id,
            "kind": r.kind,
            "url": r.url,
            "final_url": r.final_url,
            "status": r.status,
            "headers": dict(r.headers),
            "error": r.error,
            "fetched_at": r.fetched_at.isoformat(),
            "elapsed_ms": r.elapsed_ms,
            "source": r.source,
            "parser": r.parser,
            "body": base64.b64encode(r.body).decode("ascii") if r.body is not None else None,
        }
        # Written under a temporary name, then renamed: a half-written file is never read.
        target = folder / f"{r.response_id}.json"
        partial = target.with_suffix(".partial")
        partial.write_text(json.dumps(record), encoding="utf-8")
        partial.replace(target)


def unspill(folder: Path, responses: Sequence[LandedResponse]) -> None:
    """Remove the files of responses now landed in DuckDB (another run may have already)."""
    for r in responses:
        (folder / f"{r.response_id}.json").unlink(missing_ok=True)


def land_spilled(warehouse: Warehouse) -> int:
    """Land what an earlier run left on disk, then remove it; returns how many."""
    folder = spill_folder(warehouse.path)
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if not files:
        return 0
    by_run: dict[str, list[LandedResponse]] = {}
    for path in files:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:  # landed and removed by the run that wrote it
            continue
        body = record.pop("body")
        run_id = record.pop("run_id")
        record["fetched_at"] = datetime.fromisoformat(record["fetched_at"])
        response = LandedResponse(
            **record, body=base64.b64decode(body) if body is not None else None
        )
        by_run.setdefault(run_id, []).append(response)
    for run_id, responses in by_run.items():
        land(warehouse, responses, run_id)
    for path in files:
        path.unlink(missing_ok=True)
    return sum(len(r) for r in by_run.values())
