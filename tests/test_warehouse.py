"""The DuckDB warehouse on a real file: migrations, idempotent loads, failures kept."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from flows.pipeline import parse_raw
from tests.conftest import VOA_SEED, YONHAP_SEED
from warehouse import LoadCounts, ParsedDocument, RawDocument, Warehouse, WarehouseError
from warehouse.schema import LATEST_VERSION, available_migrations


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    return Warehouse(tmp_path / "w.duckdb")


def seed_batch() -> list[ParsedDocument]:
    docs = [RawDocument(p.read_bytes(), str(p)) for p in (YONHAP_SEED, VOA_SEED)]
    docs.append(RawDocument(b"\x00\x01\x02 not text", "junk.bin"))
    return [parse_raw(d) for d in docs]


def snapshot(warehouse: Warehouse) -> dict[str, list[tuple]]:
    with warehouse.reader() as conn:
        return {
            table: conn.execute(
                f"SELECT * EXCLUDE ({volatile}) FROM {table} ORDER BY ALL"
            ).fetchall()
            for table, volatile in (
                ("articles", "fetched_at, run_id"),
                ("paragraphs", "text"),
                ("documents", "received_at, first_run_id, last_run_id"),
                ("document_pieces", "piece"),  # the bytes: compared by the hash in documents
            )
        }


def test_schema_is_migrated_on_open_and_versioned(warehouse: Warehouse) -> None:
    with warehouse.writer() as conn:
        versions = conn.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
    # Every migration there is, in order, numbered 1..latest: a number taken twice (two
    # branches each adding "their" next migration) or skipped shows up here.
    assert versions == [(m.version,) for m in available_migrations()]
    assert versions == [(v,) for v in range(1, LATEST_VERSION + 1)]
    assert versions[-1] == (LATEST_VERSION,)
    with warehouse.writer() as conn:  # a second open applies nothing twice
        count = conn.execute("SELECT count(*) FROM schema_migrations").fetchone()
    assert count == (len(available_migrations()),)


def test_loading_twice_adds_and_changes_nothing(warehouse: Warehouse) -> None:
    first = warehouse.load_batch(seed_batch(), "run-1")
    assert (first.new, first.updated, first.unchanged, first.failed) == (2, 0, 0, 1)
    before = snapshot(warehouse)
    second = warehouse.load_batch(seed_batch(), "run-2")
    assert (second.new, second.updated, second.unchanged, second.failed) == (0, 0, 2, 1)
    assert snapshot(warehouse) == before


def test_a_failed_document_is_kept_with_its_bytes_and_reason(warehouse: Warehouse) -> None:
    warehouse.load_batch(seed_batch(), "run-1")
    with warehouse.reader() as conn:
        row = conn.execute(
            "SELECT origin, status, error, content FROM documents"
            " JOIN document_contents USING (doc_id) WHERE status = 'failed'"
        ).fetchone()
    assert row[0] == "junk.bin"
    assert row[1] == "failed"
    assert "binary content" in row[2]
    assert row[3] == b"\x00\x01\x02 not text"


def test_a_warehouse_from_before_pieces_keeps_every_document_byte_for_byte(
    tmp_path: Path,
) -> None:
    """Migration 012 moves the bytes stored whole in documents into pieces; reading them
    back (SQL, reprocessing) gives the bytes as received, empty and multi-piece ones too."""
    import duckdb

    path = tmp_path / "old.duckdb"
    contents = {"empty": b"", "small": b"\x00\xff binary", "big": bytes(range(256)) * 1000}
    with duckdb.connect(str(path)) as conn:
        conn.execute(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
            " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        for migration in available_migrations():
            if migration.version < 12:
                conn.execute(migration.sql)
                conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                    [migration.version, migration.name],
                )
        for doc_id, content in contents.items():
            conn.execute(
                "INSERT INTO documents (doc_id, content_hash, content, byte_size, origin,"
                " received_at, first_run_id, last_run_id, status, error)"
                " VALUES (?, ?, ?, ?, ?, now(), 'old', 'old', 'failed', 'kept')",
                [doc_id, doc_id, content, len(content), f"{doc_id}.txt"],
            )
    warehouse = Warehouse(path)
    warehouse.check_writable()  # migrates
    _, rows = warehouse.query("SELECT doc_id, content FROM document_contents")
    assert {doc_id: bytes(content) for doc_id, content in rows} == contents
    _, pieces = warehouse.query("SELECT doc_id, count(*) FROM document_pieces GROUP BY doc_id")
    assert dict(pieces) == {"empty": 1, "small": 1, "big": 4}  # 256,000 bytes in 64 KiB
    reread = [d for batch in warehouse.stored_documents(2, 10**9) for d in batch]
    assert {d.origin: d.content for d in reread} == {f"{k}.txt": v for k, v in contents.items()}


def test_a_new_version_of_a_page_replaces_the_article(warehouse: Warehouse) -> None:
    original = parse_raw(RawDocument(YONHAP_SEED.read_bytes(), "v1.txt"))
    url = "https://en.yna.co.kr/view/AEN20191007000800325"
    v1 = dataclasses.replace(original, article=dataclasses.replace(original.article, url=url))
    corrected = YONHAP_SEED.read_bytes().replace(b"high-pressure", b"hard-line")
    raw2 = parse_raw(RawDocument(corrected, "v2.txt"))
    v2 = dataclasses.replace(raw2, article=dataclasses.replace(raw2.article, url=url))

    assert warehouse.load_batch([v1], "run-1").new == 1
    counts = warehouse.load_batch([v2], "run-2")
    assert (counts.new, counts.updated) == (0, 1)
    with warehouse.reader() as conn:
        assert conn.execute("SELECT title, run_id FROM articles").fetchall() == [
            ("N. Korea employs hard-line tactics in nuke talks with U.S.", "run-2")
        ]
        assert conn.execute("SELECT count(DISTINCT article_id) FROM paragraphs").fetchone() == (1,)
        # Both versions' bytes stay in the landing zone.
        assert conn.execute("SELECT count(*) FROM documents").fetchone() == (2,)


def test_a_failed_document_is_retried_and_can_succeed(warehouse: Warehouse) -> None:
    raw = RawDocument(b"Headline\n\nBody.", "later.txt")
    warehouse.load_batch([ParsedDocument(raw, error="parser bug")], "run-1")
    counts = warehouse.load_batch([parse_raw(raw)], "run-2")
    assert (counts.new, counts.failed) == (1, 0)
    with warehouse.reader() as conn:
        assert conn.execute("SELECT status, error FROM documents").fetchall() == [("parsed", None)]


def test_published_at_is_an_instant_with_its_zone_kept(warehouse: Warehouse) -> None:
    warehouse.load_batch(seed_batch(), "run-1")
    _, rows = warehouse.query(
        "SELECT source, strftime(published_at AT TIME ZONE published_tz, '%Y-%m-%d %H:%M'),"
        " published_tz FROM articles ORDER BY source",
    )
    assert rows == [("voa", None, None), ("yonhap", "2019-10-07 11:12", "Asia/Seoul")]


def test_an_articles_day_and_anatomy_come_back_as_parsed(warehouse: Warehouse) -> None:
    """A day printed without a time is stored as the day; a text with no headline has
    no title; read_articles gives back what was parsed."""
    day_only = RawDocument(
        b" date 2024-03-12 Pyongyang, March 12 (KCNA) -- The envoys of the two countries "
        b"met on Tuesday in the capital, the agency said.\n\nThey agreed to meet again.",
        "day.txt",
    )
    batch = [*seed_batch(), parse_raw(day_only)]
    warehouse.load_batch(batch, "run-1")
    with warehouse.reader() as conn:
        ids = [r[0] for r in conn.execute("SELECT article_id FROM articles").fetchall()]
    stored = {a.source: a for _, a in warehouse.read_articles(ids)}
    parsed = {p.article.source: p.article for p in batch if p.article}
    assert stored["kcna"].published_date == datetime(2024, 3, 12).date()
    assert (stored["kcna"].published_at, stored["kcna"].title) == (None, None)
    assert stored["yonhap"].published_date == datetime(2019, 10, 7).date()
    for source, article in parsed.items():
        assert stored[source] == dataclasses.replace(article, url=stored[source].url), source


def test_an_older_warehouse_gets_the_day_of_its_articles(tmp_path: Path) -> None:
    """The published_date migration fills the day from published_at, in the outlet's zone."""
    import duckdb

    path = tmp_path / "old.duckdb"
    conn = duckdb.connect(str(path))
    conn.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
    )
    migrations = available_migrations()
    adds_the_day = next(m.version for m in migrations if m.name == "published_date")
    for migration in migrations:
        if migration.version < adds_the_day:
            conn.execute(migration.sql)
            conn.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, now())",
                [migration.version, migration.name],
            )
    conn.execute(
        "INSERT INTO articles (article_id, doc_id, source, title, published_at, published_tz,"
        " language, fetched_at, replacement_chars, repairs, parser, parser_version, run_id)"
        " VALUES ('a', 'd', 'yonhap', 't', '2019-10-06 20:12:00+00', 'Asia/Seoul', 'en', now(),"
        " 0, [], 'p', '1', 'r')"
    )
    conn.close()
    with Warehouse(path).writer() as conn:
        day = conn.execute("SELECT published_date FROM articles").fetchone()
    assert day == (datetime(2019, 10, 7).date(),)  # 20:12 UTC is the 7th in Seoul


def _storage_version(path: Path) -> str:
    import duckdb

    conn = duckdb.connect()
    try:
        conn.execute(f"ATTACH '{path}' AS w (READ_ONLY)")
        return conn.execute(
            "SELECT tags['storage_version'] FROM duckdb_databases() WHERE database_name = 'w'"
        ).fetchone()[0]
    finally:
        conn.close()


def test_a_warehouse_is_kept_in_the_storage_format_of_cheap_checkpoints(tmp_path: Path) -> None:
    """New files, and older ones from the first run that writes to them, are in
    STORAGE_VERSION: from it on, a commit's checkpoint no longer rewrites what it did not
    change."""
    import duckdb

    from warehouse.store import STORAGE_VERSION

    fresh = Warehouse(tmp_path / "new.duckdb")
    fresh.load_batch(seed_batch(), "run-1")
    assert _storage_version(fresh.path) == f"{STORAGE_VERSION}+"

    older = tmp_path / "older.duckdb"
    shutil.copy(fresh.path, tmp_path / "source.duckdb")
    conn = duckdb.connect()  # a copy written in DuckDB's default (oldest) format
    conn.execute(f"ATTACH '{tmp_path / 'source.duckdb'}' AS src (READ_ONLY)")
    conn.execute(f"ATTACH '{older}' AS old")
    conn.execute("COPY FROM DATABASE src TO old")
    conn.close()
    assert _storage_version(older) == "v1.0.0+"
    started = datetime.now(UTC)
    Warehouse(older).record_run(
        "run-2", "load-files", ["seeds"], started, LoadCounts(), status="completed"
    )
    assert _storage_version(older) == f"{STORAGE_VERSION}+"
    assert Warehouse(older).table_counts()["articles"] == 2
    assert [r.run_id for r in Warehouse(older).recent_runs()] == ["run-2"]


def test_queries_are_read_only(warehouse: Warehouse) -> None:
    warehouse.load_batch(seed_batch(), "run-1")
    with pytest.raises(WarehouseError, match="read-only"):
        warehouse.query("DELETE FROM articles")
    assert warehouse.table_counts()["articles"] == 2


def test_reading_a_missing_file_says_how_to_create_it(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="no warehouse here yet"):
        Warehouse(tmp_path / "absent.duckdb").table_counts()


def test_a_file_that_is_not_duckdb_is_named_in_the_error(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.duckdb"
    bogus.write_text("these are my notes")
    with pytest.raises(WarehouseError, match=r"notes\.duckdb"):
        Warehouse(bogus).table_counts()


def test_the_run_log_records_counts(warehouse: Warehouse) -> None:
    started = datetime.now(UTC)
    counts = LoadCounts(new=2, failed=1)
    warehouse.record_run(
        "run-1", "load-files", ["seeds"], started, counts, status="failed", message="junk.bin"
    )
    (run,) = warehouse.recent_runs()
    assert (run.status, run.n_seen, run.n_new, run.n_failed, run.message) == (
        "failed",
        3,
        2,
        1,
        "junk.bin",
    )
    assert run.started_at == started
    assert run.finished_at >= started


def test_the_official_duckdb_cli_opens_the_file(warehouse: Warehouse) -> None:
    """`duckdb FILE` from the duckdb-cli package the set-up installs reads what we write."""
    cli = shutil.which("duckdb", path=str(Path(sys.executable).parent))
    assert cli, "the duckdb CLI (duckdb-cli package) is not installed next to this Python"
    warehouse.load_batch(seed_batch(), "run-1")
    result = subprocess.run(
        [cli, "-readonly", "-csv", str(warehouse.path), "-c", "SELECT count(*) AS n FROM articles"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["n", "2"]


def versioned(path_text: bytes, origin: str, url: str, published: str | None) -> ParsedDocument:

    meta = f'{{"url": "{url}"' + (f', "published_at": "{published}"' if published else "") + "}"
    raw = RawDocument(path_text, origin, meta=meta)
    return parse_raw(raw)


def test_two_versions_in_one_batch_keep_both_bytes_and_the_newest_text(
    warehouse: Warehouse,
) -> None:
    url = "https://example.org/story"
    old = versioned(b"Headline\n\nOld body text.", "a.txt", url, "2024-03-01T10:00:00+09:00")
    new = versioned(b"Headline\n\nNew body text.", "b.txt", url, "2024-03-01T12:00:00+09:00")
    counts = warehouse.load_batch([new, old], "run-1")  # the newer one first on purpose
    assert (counts.new, counts.updated) == (1, 1)
    with warehouse.reader() as conn:
        assert conn.execute("SELECT count(*) FROM documents").fetchone() == (2,)
        assert conn.execute("SELECT text FROM paragraphs").fetchall() == [("New body text.",)]


def test_reparsing_keeps_the_current_version_and_drops_what_no_longer_parses(
    warehouse: Warehouse,
) -> None:
    url = "https://example.org/story"
    warehouse.load_batch([versioned(b"Headline\n\nOld body.", "a.txt", url, None)], "run-1")
    warehouse.load_batch([versioned(b"Headline\n\nNew body.", "b.txt", url, None)], "run-2")
    for documents in warehouse.stored_documents(10, 1_000_000):
        warehouse.load_batch([parse_raw(d) for d in documents], "re", replace=True)
    _, rows = warehouse.query("SELECT text FROM paragraphs")
    assert rows == [("New body.",)]
    # A document that stops parsing (a stricter parser) takes its article with it.
    (documents,) = list(warehouse.stored_documents(10, 1_000_000))
    failing = [ParsedDocument(d, error="no longer parses") for d in documents]
    warehouse.load_batch(failing, "re2", replace=True)
    assert warehouse.table_counts()["articles"] == 0


def test_a_touched_file_is_read_once_then_skipped_unread(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    import os

    from flows.files import file_signature
    from flows.pipeline import ingest_batch, scan_inputs

    story = tmp_path / "in" / "story.txt"
    story.parent.mkdir()
    story.write_text("Headline\n\nBody text.")
    ingest_batch([str(story)], warehouse, "run-1")
    os.utime(story, ns=(1_000_000_000, 1_000_000_000))  # touched: new mtime, same bytes
    first = scan_inputs([str(story.parent)], warehouse)
    assert (first.todo, first.unchanged) == ([], 1)
    # The new mtime is on record now: the file is not even read on the next scan.
    assert warehouse.changed_files({str(story): file_signature(str(story), None)}) == []


def test_an_older_warehouse_gets_the_timeline_of_its_events(tmp_path: Path) -> None:
    """The event_labels migration writes each stored event's actors, outlets and article
    count on its row, as event_timeline showed them before."""
    import duckdb

    path = tmp_path / "old.duckdb"
    conn = duckdb.connect(str(path))
    conn.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
    )
    migrations = available_migrations()
    labels = next(m.version for m in migrations if m.name == "event_labels")
    for migration in migrations:
        if migration.version < labels:
            conn.execute(migration.sql)
            conn.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, now())",
                [migration.version, migration.name],
            )
    conn.execute(
        "INSERT INTO articles (article_id, doc_id, source, title, published_at, published_tz,"
        " language, fetched_at, replacement_chars, repairs, parser, parser_version, run_id)"
        " SELECT a, 'd' || a, s, 't', '2019-10-06 20:12:00+00', 'Asia/Seoul', 'en', now(),"
        " 0, [], 'p', '1', 'r' FROM (VALUES ('a1', 'yonhap'), ('a2', 'voa'), ('a3', 'yonhap'))"
        " v(a, s)"
    )
    conn.execute(
        "INSERT INTO entities VALUES"
        " ('ref:us', 'United States', 'GPE', 'USA', NULL, 'reference', 'x'),"
        " ('ref:nk', 'North Korea', 'GPE', 'PRK', NULL, 'reference', 'x')"
    )
    conn.execute(
        "INSERT INTO events (event_id, event_type, cameo_root, event_date, date_precision,"
        " modality, summary, extractor_version) VALUES"
        " ('ev1', 'MEETING', '04', '2019-10-05', 'day', 'asserted', 'talks', 'x'),"
        " ('ev2', 'STATEMENT', '01', NULL, 'unknown', 'asserted', 'said', 'x')"
    )
    conn.execute(
        "INSERT INTO event_actors VALUES ('ev1', 'ref:us', 'participant'),"
        " ('ev1', 'ref:nk', 'participant')"
    )
    conn.execute(
        "INSERT INTO event_mentions VALUES ('ev1', 'a1', 1, 0, 'r1'), ('ev1', 'a1', 2, 0, 'r1'),"
        " ('ev1', 'a2', 1, 0, 'r2'), ('ev1', 'a3', 4, 1, 'r3')"
    )
    conn.close()
    with Warehouse(path).writer() as conn:
        timeline = conn.execute(
            "SELECT event_id, actors, sources, articles, event_when FROM event_timeline"
        ).fetchall()
    assert timeline == [
        ("ev1", "North Korea; United States", "voa, yonhap", 3, "2019-10-05"),
        ("ev2", None, None, 0, None),
    ]
