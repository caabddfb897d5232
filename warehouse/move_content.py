"""Migration 012's data step: documents' bytes, stored whole until then, into pieces.

In SQL as one statement, cutting every stored document at once ran out of DuckDB's
memory on an 800 MB warehouse (its 1 MB values sit in overflow blocks that each pin
whole); a few documents at a time, cut in Python, it moved in 16 s. It runs inside the
migration's transaction: the file is migrated whole or not at all.
"""

from __future__ import annotations

import duckdb

from warehouse.rows import pieces_table

# The stored bytes read at a time while moving them.
MOVE_BYTES = 32_000_000


def move_content_to_pieces(conn: duckdb.DuckDBPyConnection) -> None:
    """Cut documents.content into document_pieces, then drop the column."""
    sizes = conn.execute("SELECT doc_id, byte_size FROM documents ORDER BY doc_id").fetchall()
    start = 0
    while start < len(sizes):
        end, total = start, 0
        while end < len(sizes) and (end == start or total + sizes[end][1] <= MOVE_BYTES):
            total += sizes[end][1]
            end += 1
        ids = [doc_id for doc_id, _ in sizes[start:end]]
        rows = conn.execute(
            "SELECT doc_id, content FROM documents WHERE doc_id IN (SELECT unnest(?))", [ids]
        ).fetchall()
        conn.register("moved_pieces", pieces_table([(d, bytes(c)) for d, c in rows]))
        conn.execute("INSERT INTO document_pieces SELECT * FROM moved_pieces")
        conn.unregister("moved_pieces")
        start = end
    conn.execute("ALTER TABLE documents DROP COLUMN content")
