"""Versioned schema: numbered SQL files in migrations/, applied in order on open."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

import duckdb

from warehouse.move_content import move_bodies_to_pieces, move_content_to_pieces
from warehouse.transaction import transaction

_MIGRATION_NAME = re.compile(r"^(?P<version>\d{3})_(?P<name>\w+)\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


# Data a migration moves in Python, run right after its SQL in the same transaction.
DATA_STEPS: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {
    12: move_content_to_pieces,
    14: move_bodies_to_pieces,
}


def available_migrations() -> list[Migration]:
    found = []
    for entry in resources.files("warehouse.migrations").iterdir():
        if match := _MIGRATION_NAME.match(entry.name):
            found.append(Migration(int(match["version"]), match["name"], entry.read_text()))
    return sorted(found, key=lambda m: m.version)


LATEST_VERSION = max(m.version for m in available_migrations())


def current_version(conn: duckdb.DuckDBPyConnection) -> int:
    exists = conn.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchone()
    if not exists or not exists[0]:
        return 0
    row = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def migrate(conn: duckdb.DuckDBPyConnection) -> list[int]:
    """Bring the schema to the latest version; returns the versions applied."""
    version = current_version(conn)
    if version > LATEST_VERSION:
        raise RuntimeError(
            f"the warehouse has schema version {version}, newer than this peninsula "
            f"({LATEST_VERSION}): upgrade peninsula before writing to it"
        )
    pending = [m for m in available_migrations() if m.version > version]
    if not pending:
        return []
    with transaction(conn):
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
            " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        for migration in pending:
            conn.execute(migration.sql)
            if migration.version in DATA_STEPS:
                DATA_STEPS[migration.version](conn)
            conn.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                [migration.version, migration.name],
            )
    return [m.version for m in pending]
