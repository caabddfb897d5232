"""Data steps of migrations 012 and 014: bytes stored whole until then, into pieces.

Migration 012 cuts documents' bytes into document_pieces, 014 response bodies into
response_body_pieces. In SQL as one statement, cutting every stored document at once
ran out of DuckDB's memory on an 800 MB warehouse (its 1 MB values sit in overflow blocks
that each pin whole); a few values at a time, cut in Python, it moved in 16 s. Each runs
inside its migration's transaction: the file is migrated whole or not at all.
"""

from __future__ import annotations

import duckdb

from warehouse.rows import pieces_table

# The stored bytes read at a time while moving them.
MOVE_BYTES = 32_000_000


def _move_to_pieces(
    conn: duckdb.DuckDBPyConnection, source: str, key: str, size: str, target: str
) -> None:
    """Copy `source`.content, keyed by `key`, into `target` (key, seq, piece) rows, about
    MOVE_BYTES at a time (`size`: an expression of a row's byte count)."""
    sizes = conn.execute(f"SELECT {key}, {size} FROM {source} ORDER BY {key}").fetchall()
    start = 0
    while start < len(sizes):
        end, total = start, 0
        while end < len(sizes) and (end == start or total + sizes[end][1] <= MOVE_BYTES):
            total += sizes[end][1]
            end += 1
        keys = [row_key for row_key, _ in sizes[start:end]]
        rows = conn.execute(
            f"SELECT {key}, content FROM {source} WHERE {key} IN (SELECT unnest(?))", [keys]
        ).fetchall()
        conn.register("moved_pieces", pieces_table([(k, bytes(c)) for k, c in rows]))
        conn.execute(f"INSERT INTO {target} SELECT * FROM moved_pieces")
        conn.unregister("moved_pieces")
        start = end


def move_content_to_pieces(conn: duckdb.DuckDBPyConnection) -> None:
    """Cut documents.content into document_pieces, then drop the column (012)."""
    _move_to_pieces(conn, "documents", "doc_id", "byte_size", "document_pieces")
    conn.execute("ALTER TABLE documents DROP COLUMN content")


def move_bodies_to_pieces(conn: duckdb.DuckDBPyConnection) -> None:
    """Cut response_bodies into response_body_pieces, then drop the table (014)."""
    _move_to_pieces(
        conn, "response_bodies", "content_hash", "octet_length(content)", "response_body_pieces"
    )
    conn.execute("DROP TABLE response_bodies")
