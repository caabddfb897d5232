"""Fetched bodies in the landing zone: big ones keep landing and read back byte for byte.

A feed or page body is stored once per content hash, and may be as large as
fetch.max_response_bytes (5 MB); a feed that changes is a new body every run. Stored
whole, bodies larger than DuckDB's block grew into the wall documents met before
migration 012: past DuckDB's memory limit every later landing failed with "Failed to
rollback transaction", run after run. The memory limit is lowered here (a setting,
PENINSULA_DUCKDB_MEMORY) so that the wall stands at a size a test reaches in seconds.
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from warehouse import Warehouse
from warehouse.live import LandedResponse, land, landed_pages
from warehouse.schema import DATA_STEPS, available_migrations
from warehouse.store import MEMORY_SETTING

BODY_BYTES = 5_000_000  # the default fetch.max_response_bytes
MEMORY = "128MB"
STORED_TARGET = 200_000_000  # past the memory limit, with room
FEED = "http://127.0.0.1:8000/feed.xml"
START = datetime(2026, 3, 1, tzinfo=UTC)


def feed_body(number: int) -> bytes:
    """An RSS body of BODY_BYTES, no two alike and nothing for compression to take."""
    head = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {number}</title>'
    filler = os.urandom(BODY_BYTES // 2).hex().encode()
    tail = b"</channel></rss>"
    return head.encode() + filler[: BODY_BYTES - len(head) - len(tail)] + tail


def response(kind: str, url: str, body: bytes, number: int) -> LandedResponse:
    return LandedResponse(
        kind, url, url, 200, {"content-type": "text/html"}, body, None,
        START + timedelta(minutes=number), 12, source="yonhap", parser="yonhap-html",
    )  # fmt: skip


def stored_content(warehouse: Warehouse, body: bytes) -> bytes | None:
    content_hash = hashlib.sha256(body).hexdigest()
    _, rows = warehouse.query(
        f"SELECT content FROM response_contents WHERE content_hash = '{content_hash}'"
    )
    return bytes(rows[0][0]) if rows else None


def test_5_mb_feed_bodies_keep_landing_past_duckdbs_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MEMORY_SETTING, MEMORY)
    warehouse = Warehouse(tmp_path / "feeds.duckdb")
    stored, number, body = 0, 0, b""
    while stored < STORED_TARGET:
        body = feed_body(number)
        try:
            land(warehouse, [response("feed", FEED, body, number)], f"run-{number}")
        except duckdb.Error as exc:
            pytest.fail(f"landing at {stored:,} bytes stored failed: {exc}".split("\n")[0])
        stored += len(body)
        number += 1
    assert stored_content(warehouse, body) == body  # the last, byte for byte
    assert stored_content(warehouse, feed_body(0)) is None  # (no two bodies alike)
    # A big page lands after them and is read back for loading, whole.
    page = b"<html><body>" + feed_body(number) + b"</body></html>"
    land(warehouse, [response("page", "https://en.yna.co.kr/view/AEN1", page, number)], "run-p")
    [landed] = landed_pages(warehouse, 10)
    assert (landed.url, landed.body) == ("https://en.yna.co.kr/view/AEN1", page)
    warehouse.check_writable()


def test_a_body_landed_twice_is_stored_once(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "w.duckdb")
    body = feed_body(1)
    land(warehouse, [response("feed", FEED, body, 1)], "run-1")
    land(warehouse, [response("feed", FEED, body, 2)], "run-2")  # unchanged feed, new fetch
    _, rows = warehouse.query(
        "SELECT (SELECT count(*) FROM responses),"
        " (SELECT count(*) FROM response_contents), (SELECT sum(octet_length(content))"
        " FROM response_contents)"
    )
    assert rows == [(2, 1, len(body))]


def test_a_warehouse_from_before_body_pieces_keeps_every_body(tmp_path: Path) -> None:
    """Migration 014 moves bodies stored whole into pieces: the landed pages still load
    from them, and SQL reads them whole, empty and multi-piece ones too."""
    path = tmp_path / "old.duckdb"
    bodies = {"empty": b"", "small": b"<html>\x00\xff</html>", "big": bytes(range(256)) * 1000}
    with duckdb.connect(str(path)) as conn:
        conn.execute(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
            " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        migrations = available_migrations()
        into_pieces = next(m.version for m in migrations if m.name == "response_body_pieces")
        for migration in migrations:
            if migration.version < into_pieces:
                conn.execute(migration.sql)
                if migration.version in DATA_STEPS:
                    DATA_STEPS[migration.version](conn)
                conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                    [migration.version, migration.name],
                )
        for number, (name, body) in enumerate(bodies.items()):
            content_hash = hashlib.sha256(body).hexdigest()
            conn.execute("INSERT INTO response_bodies VALUES (?, ?)", [content_hash, body])
            conn.execute(
                "INSERT INTO responses (response_id, run_id, kind, source, parser, url,"
                " final_url, status, headers, fetched_at, elapsed_ms, content_hash, byte_size)"
                " VALUES (?, 'old', 'page', 'yonhap', 'yonhap-html', ?, ?, 200, '{}', ?, 5, ?, ?)",
                [
                    name,
                    f"https://x.test/{name}",
                    f"https://x.test/{name}",
                    START + timedelta(minutes=number),
                    content_hash,
                    len(body),
                ],
            )
    warehouse = Warehouse(path)
    warehouse.check_writable()  # migrates
    assert {p.url: p.body for p in landed_pages(warehouse, 10)} == {
        f"https://x.test/{name}": body for name, body in bodies.items()
    }
    _, pieces = warehouse.query(
        "SELECT r.response_id, count(*) FROM responses r"
        " JOIN response_body_pieces USING (content_hash) GROUP BY ALL"
    )
    assert dict(pieces) == {"empty": 1, "small": 1, "big": 4}  # 256,000 bytes in 64 KiB
    assert {name: stored_content(warehouse, body) for name, body in bodies.items()} == bodies
