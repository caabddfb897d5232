"""One helper: a block of statements that commits whole or not at all."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import duckdb

# Connections inside a transaction block (by id: DuckDB connections take no attributes).
# A block inside another joins it: a run's one transaction holds each load's statements.
_OPEN: set[int] = set()


@contextlib.contextmanager
def transaction(conn: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: committed when the block ends, rolled back if it raises.

    Inside another block on the same connection, part of that one: committed or rolled
    back with it.
    """
    if id(conn) in _OPEN:
        yield conn
        return
    conn.execute("BEGIN TRANSACTION")
    _OPEN.add(id(conn))
    try:
        yield conn
    except BaseException:
        _OPEN.discard(id(conn))
        conn.execute("ROLLBACK")
        raise
    _OPEN.discard(id(conn))
    conn.execute("COMMIT")
