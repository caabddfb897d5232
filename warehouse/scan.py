"""Statements that read Arrow tables by name, for as long as the statement runs.

`conn.register` makes a view that, inside a transaction, lives until the commit even when
the name is registered again: a run holding one transaction (`Warehouse.session`) would
keep every batch it ever registered, and a full rebuild of 100,000 articles grew by
gigabytes that way. `execute` lets DuckDB find the tables by its replacement scan instead
(it reads the names of the Python frame the statement is run from), so each table is let
go when its statement is done.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pyarrow as pa


def execute(
    conn: duckdb.DuckDBPyConnection,
    sql: str,
    params: Sequence[object] | None = None,
    /,
    **tables: pa.Table,
) -> duckdb.DuckDBPyConnection:
    """Run `sql` with each of `tables` readable under its keyword's name.

    A name the catalog holds (a table, or a view registered on this connection) wins over
    a table passed here, so the names must be ones nothing registers.
    """
    # The statement runs from a frame whose locals are exactly the tables (and what the
    # call needs), which is where the replacement scan looks.
    frame = {**tables, "_conn": conn, "_sql": sql, "_params": params}
    return eval("_conn.execute(_sql, _params)", {}, frame)
