"""Kept model analyses of articles (table `article_analyses`): read, write, prune.

An analysis is an opaque blob here; parsers.extraction.analysis makes and reads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pyarrow as pa

from parsers.extraction.analysis import StoredReading
from warehouse.store import Warehouse
from warehouse.transaction import transaction

_ROWS = pa.schema(
    [
        ("article_id", pa.string()),
        ("model", pa.string()),
        ("text_hash", pa.string()),
        ("analysis", pa.binary()),
        ("analysed_at", pa.timestamp("us", tz="UTC")),
    ]
)


def read_analyses(
    warehouse: Warehouse, article_ids: Sequence[str], model: str
) -> dict[str, StoredReading]:
    """The kept analyses of these articles made by `model` (any text hash: the caller
    compares it with the article's own)."""
    if not article_ids or not warehouse.path.exists():
        return {}
    wanted = pa.table({"key": pa.array(list(article_ids), pa.string())})
    with warehouse.reader() as conn:
        conn.register("wanted", wanted)
        rows = conn.execute(
            "SELECT article_id, model, text_hash, analysis FROM article_analyses"
            " JOIN wanted ON article_id = key WHERE model = ?",
            [model],
        ).fetchall()
    return {row[0]: StoredReading(row[1], row[2], bytes(row[3])) for row in rows}


def write_analyses(warehouse: Warehouse, analyses: Sequence[tuple[str, StoredReading]]) -> None:
    """Keep these analyses, replacing any earlier one of the same article."""
    if not analyses:
        return
    now = datetime.now(UTC)
    table = pa.Table.from_pylist(
        [
            {
                "article_id": article_id,
                "model": a.model,
                "text_hash": a.text_hash,
                "analysis": a.data,
                "analysed_at": now,
            }
            for article_id, a in analyses
        ],
        schema=_ROWS,
    )
    with warehouse.writer() as conn:
        conn.register("batch_analyses", table)
        with transaction(conn):
            conn.execute("INSERT OR REPLACE INTO article_analyses SELECT * FROM batch_analyses")


def drop_orphan_analyses(warehouse: Warehouse) -> int:
    """Analyses of articles that no longer exist; returns how many went."""
    if not warehouse.path.exists():
        return 0
    with warehouse.writer() as conn, transaction(conn):
        row = conn.execute(
            "DELETE FROM article_analyses WHERE article_id NOT IN"
            " (SELECT article_id FROM articles) RETURNING article_id"
        ).fetchall()
    return len(row)
