"""What is new since the last look: the digest cursor and the Atom feed of new events."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import feedparser

from flows.atom import events_feed_path, write_events_feed
from tests.desk.conftest import PASSAGES, load, peninsula
from warehouse import Warehouse
from warehouse.digest import record_sightings

NEW_TEXT = PASSAGES / "24_yonhap_china_nk_talks.txt"


def digest(db: Path, *args: str) -> dict[str, list[dict]]:
    result = peninsula("digest", "--db", db, "-f", "json", *args)
    assert result.returncode == 0, result.stderr
    found: dict[str, list[dict]] = {"article": [], "event": [], "quote": []}
    for line in result.stdout.splitlines():
        item = json.loads(line)
        found[item["kind"]].append(item)
    return found


def count(db: Path, table: str) -> int:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_each_digest_lists_what_came_after_the_previous_one(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    warehouse = Warehouse(db)
    texts = [p for p in sorted(PASSAGES.glob("*.txt")) if p != NEW_TEXT]
    load(warehouse, texts, "run-1")
    record_sightings(warehouse)
    first = digest(db, "--since-last")
    assert len(first["article"]) == count(db, "articles")
    assert len(first["event"]) == count(db, "events")
    assert len(first["quote"]) == count(db, "quotes")
    assert digest(db, "--since-last") == {"article": [], "event": [], "quote": []}

    events_before = {r[0] for r in duckdb.connect(str(db), read_only=True).execute(
        "SELECT event_id FROM events").fetchall()}  # fmt: skip
    load(warehouse, [NEW_TEXT], "run-2")
    third = digest(db, "--since-last")
    assert [a["title"] for a in third["article"]] == [
        duckdb.connect(str(db), read_only=True).execute(
            "SELECT title FROM articles WHERE run_id = 'run-2'").fetchone()[0]
    ]  # fmt: skip
    with duckdb.connect(str(db), read_only=True) as conn:
        new_events = {r[0] for r in conn.execute("SELECT event_id FROM events").fetchall()}
    assert {e["id"] for e in third["event"]} == new_events - events_before
    assert third["quote"] and {q["source"] for q in third["quote"]} == {"yonhap"}
    # Without --since-last: new in the last day, and the cursor stays where it is.
    assert len(digest(db)["article"]) == count(db, "articles")
    assert digest(db, "--since-last")["article"] == []


def test_the_feed_has_one_entry_per_new_event_and_parses_cleanly(desk_copy: Path) -> None:
    warehouse = Warehouse(desk_copy)
    path, entries = write_events_feed(warehouse)
    assert path == events_feed_path(desk_copy) == desk_copy.parent / "copy-events.xml"
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    events = count(desk_copy, "events")
    assert entries == len(feed.entries) == events
    ids = [e.id for e in feed.entries]
    assert len(set(ids)) == len(ids)
    with duckdb.connect(str(desk_copy), read_only=True) as conn:
        stored = {f"urn:peninsula:event:{r[0]}" for r in conn.execute(
            "SELECT event_id FROM events").fetchall()}  # fmt: skip
        # The Stockholm talks, whichever report's words name them.
        talks = conn.execute(
            "SELECT event_id FROM events WHERE event_type = 'MEETING'"
            " AND place_entity_id IN ('ref:sweden', 'ref:stockholm')"
        ).fetchone()[0]
    assert set(ids) == stored
    stockholm = next(e for e in feed.entries if e.id == f"urn:peninsula:event:{talks}")
    assert stockholm.title.startswith("2019-10-0") and "Reported by" in stockholm.content[0].value
    # A second run with nothing new rewrites the same entries: a reader sees nothing twice.
    record_sightings(warehouse)
    again = feedparser.parse(write_events_feed(warehouse)[0].read_bytes())
    assert [e.id for e in again.entries] == ids


def test_the_default_feed_sits_beside_the_default_warehouse() -> None:
    assert events_feed_path(Path("data/peninsula.duckdb")) == Path("data/peninsula-events.xml")
