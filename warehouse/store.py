"""The DuckDB file: connections, idempotent set-based batch loads, run log.

DuckDB allows one writing process or many readers. A call on its own opens the file late
and closes it at once, so that ad-hoc SQL can run between loads; a run that writes many
batches holds one connection and one transaction for all of them (`Warehouse.session`),
so that it neither reopens, migrates and checkpoints the file per batch nor leaves half
a run behind.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa

from parsers import Article, Paragraph
from parsers.extraction import Extraction
from parsers.extraction.reference import Reference
from warehouse.batch import LoadCounts, ParsedDocument, RawDocument, article_id_for
from warehouse.derived_rows import PER_ARTICLE_TABLES, derived_tables
from warehouse.rows import (
    article_tables,
    article_urls_table,
    document_pieces_table,
    documents_table,
    file_index_table,
)
from warehouse.schema import LATEST_VERSION, current_version, migrate
from warehouse.transaction import transaction

# The contract tables analysts query, then the internal ones, in the order `status` shows.
PUBLIC_TABLES = (
    "articles",
    "paragraphs",
    "entities",
    "entity_aliases",
    "mentions",
    "quotes",
    "events",
    "event_actors",
    "event_mentions",
)
INTERNAL_TABLES = (
    "documents",
    "document_pieces",
    "ingest_runs",
    "file_index",
    "article_events",
    "entity_roles",
    "feeds",
    "feed_entries",
    "responses",
    "story_links",
    "article_urls",
    "resolution_reports",
    "resolution_events",
    "resolution_queue",
)


@dataclass(frozen=True, slots=True)
class Derivation:
    """What made a batch's extractions: stored with every derived row."""

    reference: Reference
    version: str


# DuckDB's own memory: bounded, so that the process stays small on a shared machine, and
# never a crash when a query needs more: beyond the limit DuckDB spills to a folder beside
# the warehouse (`spill_directory`). PENINSULA_DUCKDB_MEMORY overrides the limit.
DEFAULT_DUCKDB_MEMORY = "1GB"


def spill_directory(path: Path) -> Path:
    """Where DuckDB writes what does not fit in memory: next to the warehouse file."""
    return path.with_name(path.name + ".tmp")


MEMORY_SETTING = "PENINSULA_DUCKDB_MEMORY"


def _config(path: Path) -> dict[str, str]:
    return {
        "memory_limit": os.environ.get(MEMORY_SETTING, DEFAULT_DUCKDB_MEMORY),
        "temp_directory": str(spill_directory(path)),
    }


# Rows per row group of the warehouse's tables (DuckDB's default: 122,880). A commit's
# checkpoint rewrites the table's last row group whole when rows were appended to it, and
# at 64 KiB a document piece, a default group holds 7.5 GB: every load would rewrite every
# stored document. At 2048 rows (DuckDB's smallest) a load rewrites at most 128 MB of
# pieces: loading 1.2 GB of 1 MB pages in 32 MB batches wrote 5.4 GB to disk instead of
# 25 GB, in 41 s instead of 68 s, peaking at 572 MB instead of 1,442 MB (DuckDB 1.5.5).
ROW_GROUP_ROWS = 2048

# The storage format a writer keeps the file in (DuckDB writes v1.0.0 unless told): from
# v1.5.0 a checkpoint reuses the stored description of every column it did not change,
# where v1.0.0 writes it again for every row group of a table a run touched, so a commit
# cost more the longer the history. Deleting 300 events and checkpointing, at 100,000
# articles: 0.18 s in v1.0.0, 0.05 s in v1.5.0; a run that adds 100 articles touches
# about ten such tables. A writer upgrades an older file in place with its first commit
# (whose checkpoint costs as before); DuckDB older than 1.5 cannot read the file after.
STORAGE_VERSION = "v1.5.0"

# The name the warehouse file is attached under in every connection.
CATALOG = "warehouse"


def _attach(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A connection whose default catalog is the warehouse file. The file is attached
    rather than opened, because only ATTACH takes the row group size (ROW_GROUP_ROWS)
    and the storage format (STORAGE_VERSION)."""
    conn = duckdb.connect(config=_config(path))
    try:
        access = "READ_ONLY" if read_only else f"STORAGE_VERSION '{STORAGE_VERSION}'"
        options = f"{access}, ROW_GROUP_SIZE {ROW_GROUP_ROWS}"
        quoted = str(path).replace("'", "''")
        conn.execute(f"ATTACH '{quoted}' AS {CATALOG} ({options})")
        conn.execute(f"USE {CATALOG}")
        if not read_only:
            # v1.5.0 may compress text and bytes with zstd, which v1.0.0 had not: reading
            # a zstd segment of 64 KiB pieces takes buffers that a small memory limit does
            # not hold (a 5 MB body read back ran out of 128 MB). Compression is chosen
            # when a writer checkpoints; the other methods stay as they were.
            conn.execute("SET disabled_compression_methods = 'zstd'")
        # A long statement would draw a progress bar into a run's log or a pipe.
        conn.execute("SET enable_progress_bar = false")
    except BaseException:
        conn.close()
        raise
    return conn


# Open run sessions of this process, by warehouse file: every Warehouse of that file
# writes through the session's connection while it lasts.
_SESSIONS: dict[Path, duckdb.DuckDBPyConnection] = {}
_SESSIONS_LOCK = threading.Lock()


# How long to wait for another process to let go of the file before giving up.
DEFAULT_LOCK_WAIT_SECONDS = 60.0
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


def _lock_holder(message: str) -> str | None:
    """'python3.11, PID 6735' from DuckDB's lock error; None for any other error."""
    if "Could not set lock" not in message:
        return None
    match = _LOCK_HOLDER.search(message)
    if match is None:
        return "another process"
    return f"{Path(match.group('program')).name}, PID {match.group('pid')}"


class WarehouseError(RuntimeError):
    """A problem with the DuckDB file, phrased for the person who named the file."""


@dataclass(frozen=True, slots=True)
class RunSummary:
    run_id: str
    flow_name: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    n_seen: int
    n_new: int
    n_updated: int
    n_unchanged: int
    n_failed: int
    message: str | None


class Warehouse:
    def __init__(self, path: str | Path, *, lock_wait_seconds: float | None = None) -> None:
        self.path = Path(path)
        self.lock_wait_seconds = (
            lock_wait_seconds
            if lock_wait_seconds is not None
            else float(os.environ.get("PENINSULA_LOCK_WAIT_SECONDS", DEFAULT_LOCK_WAIT_SECONDS))
        )

    # -- connections -------------------------------------------------------------------
    @contextlib.contextmanager
    def session(self) -> Iterator[Warehouse]:
        """One connection and one transaction for a whole run, committed when it ends.

        Every read and write of this file in this process goes through it meanwhile
        (whichever Warehouse object makes it), and is undone if the block raises. Opened
        inside another session of the same file, it is part of that one.
        """
        key = self.path.resolve()
        with _SESSIONS_LOCK:
            if key in _SESSIONS:
                nested = True
            else:
                nested = False
                self._make_folder()
                conn = self._connect(read_only=False)
                _SESSIONS[key] = conn
        if nested:
            yield self
            return
        try:
            migrate(conn)
            with transaction(conn):
                yield self
        finally:
            with _SESSIONS_LOCK:
                _SESSIONS.pop(key, None)
            conn.close()

    def _session(self) -> duckdb.DuckDBPyConnection | None:
        if not _SESSIONS:
            return None
        return _SESSIONS.get(self.path.resolve())

    @contextlib.contextmanager
    def writer(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection with the schema brought up to date, closed on exit
        (the run's connection instead, during a session)."""
        shared = self._session()
        if shared is not None:
            yield shared
            return
        self._make_folder()
        conn = self._connect(read_only=False)
        try:
            migrate(conn)
            yield conn
        finally:
            conn.close()

    @contextlib.contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection; the file must exist and be at this version's schema.
        During a session, the session's connection (which sees its own writes)."""
        shared = self._session()
        if shared is not None:
            yield shared
            return
        if not self.path.exists():
            raise WarehouseError(
                f"{self.path}: no warehouse here yet (run `peninsula ingest` to create it)"
            )
        conn = self._connect(read_only=True)
        try:
            version = current_version(conn)
            if version < LATEST_VERSION:
                raise WarehouseError(
                    f"{self.path}: schema version {version} is older than {LATEST_VERSION}; "
                    "run `peninsula ingest` once to migrate it"
                )
            yield conn
        finally:
            conn.close()

    def _make_folder(self) -> None:
        """The warehouse's folder, created if need be; a clear error when it cannot be."""
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # under a regular file, a read-only folder, a full disk
            raise WarehouseError(
                f"{self.path}: cannot create its folder {folder}: {exc.strerror or exc}"
            ) from None

    def _connect(self, *, read_only: bool) -> duckdb.DuckDBPyConnection:
        """Open the file; while another process holds its lock, wait and try again.

        DuckDB lets one process write, or several read, never both. Our own writers hold
        the lock for one transaction at a time, so a short wait usually suffices; a
        holder that does not let go (an open `duckdb` shell) is named in the error.
        """
        deadline = time.monotonic() + self.lock_wait_seconds
        delay = 0.05
        while True:
            try:
                return _attach(self.path, read_only=read_only)
            except duckdb.IOException as exc:
                holder = _lock_holder(str(exc))
                if holder is None:
                    raise WarehouseError(
                        f"{self.path}: cannot open the DuckDB file: {exc}"
                    ) from None
                if time.monotonic() + delay > deadline:
                    raise WarehouseError(
                        f"{self.path}: locked by another process ({holder}) for more than "
                        f"{self.lock_wait_seconds:g} s; close it (a read-only shell: "
                        "`duckdb -readonly`) and run again"
                    ) from None
                time.sleep(delay * random.uniform(0.5, 1.0))
                delay = min(delay * 2, 2.0)
            except duckdb.Error as exc:
                raise WarehouseError(f"{self.path}: not a usable DuckDB file: {exc}") from None

    def check_writable(self, *, must_exist: bool = False) -> None:
        """Open for writing once (creating and migrating the file): fails clearly if not."""
        if must_exist and not self.path.exists():
            raise WarehouseError(
                f"{self.path}: no warehouse here yet (run `peninsula ingest` to create it)"
            )
        with self.writer():
            pass

    # -- loading -------------------------------------------------------------------------
    def parsed_doc_ids(self, doc_ids: Sequence[str]) -> set[str]:
        """The ids among doc_ids that are stored and parsed: nothing to do for them."""
        rows = self._lookup(
            doc_ids,
            "SELECT doc_id FROM documents JOIN lookup ON doc_id = key WHERE status = 'parsed'",
        )
        return {row[0] for row in rows}

    def changed_files(self, signatures: dict[str, str | None]) -> list[str]:
        """Paths whose size and mtime differ from those recorded when they loaded.

        The comparison runs in DuckDB so that a rerun of thousands of unchanged files
        moves no rows back into Python.
        """
        if not signatures:
            return []
        if not self.path.exists():
            return list(signatures)
        current = string_table(path=list(signatures), signature=list(signatures.values()))
        with self.writer() as conn:
            conn.register("current_files", current)
            rows = conn.execute(
                "SELECT c.path FROM current_files c LEFT JOIN file_index f USING (path)"
                " WHERE c.signature IS NULL OR f.signature IS DISTINCT FROM c.signature"
            ).fetchall()
        return [row[0] for row in rows]

    def _lookup(self, keys: Sequence[str], sql: str) -> list[tuple]:
        """Run `sql` against the keys, given as a table named lookup(key)."""
        if not keys or not self.path.exists():
            return []
        lookup = string_table(key=keys)
        with self.writer() as conn:
            conn.register("lookup", lookup)
            return conn.execute(sql).fetchall()

    def record_signatures(self, documents: Sequence[RawDocument]) -> None:
        """Note the current size and mtime of files whose bytes are stored already."""
        rows = [d for d in documents if d.signature is not None]
        if not rows:
            return
        table = string_table(
            path=[d.origin for d in rows],
            signature=[d.signature for d in rows],
            doc_id=[d.doc_id for d in rows],
        )
        with self.writer() as conn:
            conn.register("seen_files", table)
            conn.execute(
                "INSERT OR REPLACE INTO file_index SELECT *, ?::TIMESTAMPTZ FROM seen_files",
                [datetime.now(UTC)],
            )

    def load_batch(
        self,
        batch: Sequence[ParsedDocument],
        run_id: str,
        *,
        replace: bool = False,
    ) -> LoadCounts:
        """Store a batch in one transaction. Loading the same batch again changes nothing.

        `replace` re-parses articles already stored (reprocessing): their rows are
        replaced, not kept, and their derived rows are marked stale.
        """
        unique = _dedupe(batch)
        if not unique:
            return LoadCounts()
        articles, paragraphs = article_tables(_article_winners(unique))
        now = datetime.now(UTC)
        with self.writer() as conn:
            conn.register("batch_documents", documents_table(unique))
            conn.register("batch_pieces", document_pieces_table(unique))
            conn.register("batch_articles", articles)
            conn.register("batch_paragraphs", paragraphs)
            conn.register("batch_file_index", file_index_table(list(batch)))
            conn.register("batch_urls", article_urls_table(unique))
            with transaction(conn):
                _find_same_articles(conn, replace=replace)
                counts = _count_outcomes(conn, replace=replace)
                _apply_batch(conn, now=now, run_id=run_id, replace=replace)
        # A copy of a document met earlier in the same batch changes nothing either.
        counts.unchanged += len(batch) - len(unique)
        return counts

    def store_extractions(
        self, items: Sequence[tuple[str, Extraction]], derivation: Derivation
    ) -> None:
        """Replace the listed articles' entities, mentions, quotes and article events."""
        if not items:
            return
        tables = derived_tables(list(items), derivation.reference, derivation.version)
        ids = string_table(article_id=[a for a, _ in items])
        with self.writer() as conn:
            for name, table in tables.items():
                conn.register(f"batch_{name}", table)
            conn.register("derived_articles", ids)
            with transaction(conn):
                _apply_derived(conn, derivation.version)

    def drop_orphan_derivations(self) -> None:
        """Derived rows of articles that no longer exist (a page that stopped parsing),
        and entities and aliases that nothing mentions any more. Reprocessing calls it:
        the sweep reads every derived table."""
        with self.writer() as conn, transaction(conn):
            # Their events leave the events they were placed in.
            conn.execute(
                "INSERT INTO resolution_queue SELECT DISTINCT article_id FROM article_events"
                " WHERE article_id NOT IN (SELECT article_id FROM articles)"
                " ON CONFLICT DO NOTHING"
            )
            for table in PER_ARTICLE_TABLES:
                conn.execute(
                    f"DELETE FROM {table} WHERE article_id NOT IN (SELECT article_id FROM articles)"
                )
            conn.execute(
                """
                DELETE FROM entities WHERE entity_id NOT IN (
                    SELECT entity_id FROM mentions
                    UNION SELECT speaker_entity_id FROM quotes WHERE speaker_entity_id NOT NULL
                    UNION SELECT entity_id FROM entity_roles
                    UNION SELECT affiliation_entity_id FROM entity_roles
                        WHERE affiliation_entity_id NOT NULL
                    UNION SELECT place_entity_id FROM article_events WHERE place_entity_id NOT NULL
                    UNION SELECT a.entity_id FROM article_events, unnest(actors) AS u(a)
                )
                """
            )
            conn.execute(
                "DELETE FROM entity_aliases WHERE entity_id NOT IN (SELECT entity_id FROM entities)"
            )

    def events_stale(self) -> bool:
        """Whether articles wait for their events to be placed (an earlier run may have
        stopped between deriving and resolving)."""
        if not self.path.exists():
            return False
        with self.reader() as conn:
            row = conn.execute("SELECT EXISTS (SELECT 1 FROM resolution_queue)").fetchone()
        return bool(row and row[0])

    def articles_to_derive(self, version: str, *, everything: bool = False) -> list[str]:
        """Ids of the articles whose derived rows are missing or made by another version."""
        if not self.path.exists():
            return []
        with self.reader() as conn:
            rows = conn.execute(
                "SELECT article_id FROM articles WHERE ? OR extractor_version IS NULL"
                " OR extractor_version <> ? ORDER BY article_id",
                [everything, version],
            ).fetchall()
        return [r[0] for r in rows]

    def read_articles(self, article_ids: Sequence[str]) -> list[tuple[str, Article]]:
        """Articles as stored (what extraction reads: title, paragraphs), their time in the
        zone the outlet printed it in."""
        ids = string_table(key=article_ids)
        with self.reader() as conn:
            conn.register("wanted", ids)
            heads = conn.execute(
                "SELECT article_id, source, title, published_at, published_tz, parser,"
                " parser_version, published_date, url, label, section, byline, dateline,"
                " dateline_place, editor_note, language, replacement_chars, repairs"
                " FROM articles JOIN wanted ON article_id = key"
            ).fetchall()
            body = conn.execute(
                "SELECT article_id, kind, text FROM paragraphs JOIN wanted ON article_id = key"
                " ORDER BY article_id, seq"
            ).fetchall()
        paragraphs: dict[str, list[Paragraph]] = {}
        for article_id, kind, text in body:
            paragraphs.setdefault(article_id, []).append(Paragraph(kind, text))
        return [
            (
                row[0],
                Article(
                    source=row[1],
                    title=row[2],
                    paragraphs=tuple(paragraphs.get(row[0], ())),
                    parser=row[5],
                    parser_version=row[6],
                    published_at=_in_zone(row[3], row[4]),
                    published_date=row[7],
                    url=row[8],
                    label=row[9],
                    section=row[10],
                    byline=row[11],
                    dateline=row[12],
                    dateline_place=row[13],
                    editor_note=row[14],
                    language=row[15],
                    replacement_chars=row[16],
                    repairs=tuple(row[17]),
                ),
            )
            for row in heads
        ]

    def stored_documents(self, batch_size: int, batch_bytes: int) -> Iterator[list[RawDocument]]:
        """The stored documents to reparse, as they were received, a batch at a time: at
        most `batch_size` documents and, unless one alone is larger, `batch_bytes`."""
        if not self.path.exists():
            return
        with self.reader() as conn:
            # The version each article stands on, and documents that never became one;
            # not the superseded versions, which would bring an older text back.
            sizes = conn.execute(
                "SELECT doc_id, byte_size FROM documents WHERE article_id IS NULL"
                " OR doc_id IN (SELECT doc_id FROM articles) ORDER BY doc_id"
            ).fetchall()
        for ids in _bounded_runs(sizes, batch_size, batch_bytes):
            chunk = string_table(key=ids)
            with self.reader() as conn:
                conn.register("chunk", chunk)
                rows = conn.execute(
                    "SELECT doc_id, origin, meta FROM documents JOIN chunk ON doc_id = key"
                    " ORDER BY doc_id"
                ).fetchall()
                contents = _document_contents(conn, "chunk")
            yield [RawDocument(content=contents[r[0]], origin=r[1], meta=r[2]) for r in rows]

    def extractor_versions(self) -> set[str]:
        """The versions that made the stored articles' derived rows."""
        with self.reader() as conn:
            rows = conn.execute("SELECT DISTINCT extractor_version FROM articles").fetchall()
        return {r[0] for r in rows}

    # -- run log -------------------------------------------------------------------------
    def record_run(
        self,
        run_id: str,
        flow_name: str,
        inputs: Sequence[str],
        started_at: datetime,
        counts: LoadCounts,
        *,
        status: str,
        message: str | None = None,
        finished_at: datetime | None = None,
    ) -> None:
        """Write the run's row once, at its end: one short write instead of two.

        `finished_at` is now unless given (a row written late, after the run ended)."""
        with self.writer() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO ingest_runs (run_id, flow_name, inputs, started_at,"
                " finished_at, status, n_seen, n_new, n_updated, n_unchanged, n_failed, message)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    run_id,
                    flow_name,
                    list(inputs),
                    started_at,
                    finished_at or datetime.now(UTC),
                    status,
                    counts.seen,
                    counts.new,
                    counts.updated,
                    counts.unchanged,
                    counts.failed,
                    message,
                ],
            )

    # -- reading -------------------------------------------------------------------------
    def table_counts(self) -> dict[str, int]:
        with self.reader() as conn:
            return {
                table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
                for table in (*PUBLIC_TABLES, *INTERNAL_TABLES)
            }

    def recent_runs(self, limit: int = 5) -> list[RunSummary]:
        with self.reader() as conn:
            rows = conn.execute(
                "SELECT run_id, flow_name, started_at, finished_at, status, n_seen, n_new,"
                " n_updated, n_unchanged, n_failed, message FROM ingest_runs"
                " ORDER BY started_at DESC LIMIT ?",
                [limit],
            ).fetchall()
        return [RunSummary(*row) for row in rows]

    def query(
        self, sql: str, *, time_zone: str | None = None
    ) -> tuple[list[str], list[tuple[object, ...]]]:
        """Run one statement read-only; returns column names and rows."""
        with self.reader() as conn:
            _set_time_zone(conn, time_zone)
            try:
                cursor = conn.execute(sql)
                columns = [d[0] for d in cursor.description or []]
                return columns, cursor.fetchall()
            except duckdb.Error as exc:
                raise WarehouseError(f"query failed: {exc}") from None

    def show(self, sql: str, *, time_zone: str | None = None, max_width: int = 120) -> int:
        """Print a query's result as DuckDB's own box table; returns the row count."""
        with self.reader() as conn:
            _set_time_zone(conn, time_zone)
            try:
                relation = conn.sql(sql)
                if relation is None:  # a statement without a result, such as SET
                    return 0
                relation.show(max_width=max_width, max_rows=100_000, null_value="NULL")
                return len(relation)
            except duckdb.Error as exc:
                raise WarehouseError(f"query failed: {exc}") from None


def _set_time_zone(conn: duckdb.DuckDBPyConnection, time_zone: str | None) -> None:
    if not time_zone:
        return
    try:
        conn.execute("SET TimeZone = ?", [time_zone])
    except duckdb.Error:
        raise WarehouseError(f"unknown time zone {time_zone!r} (try Asia/Seoul or UTC)") from None


def string_table(**columns: Sequence[str | None]) -> pa.Table:
    """Strings as an Arrow table for DuckDB to join against: binding thousands of Python
    strings as parameters costs seconds, scanning an Arrow column nothing."""
    return pa.table({name: pa.array(list(values), pa.string()) for name, values in columns.items()})


def _bounded_runs(
    sizes: Sequence[tuple[str, int]], most: int, most_bytes: int
) -> Iterator[list[str]]:
    """The ids in order, cut into runs of at most `most` ids and `most_bytes` bytes (a run
    of one id may be larger)."""
    run: list[str] = []
    run_bytes = 0
    for key, size in sizes:
        if run and (len(run) >= most or run_bytes + size > most_bytes):
            yield run
            run, run_bytes = [], 0
        run.append(key)
        run_bytes += size
    if run:
        yield run


def _document_contents(conn: duckdb.DuckDBPyConnection, keys: str) -> dict[str, bytes]:
    """The bytes of the documents whose ids are in the registered table `keys` (column
    key), put together from their pieces in order."""
    pieces = conn.execute(
        f"SELECT doc_id, piece FROM document_pieces JOIN {keys} ON doc_id = key"
        " ORDER BY doc_id, seq"
    ).fetchall()
    parts: dict[str, list[bytes]] = {}
    for doc_id, piece in pieces:
        parts.setdefault(doc_id, []).append(piece)
    return {doc_id: b"".join(part) for doc_id, part in parts.items()}


def _dedupe(batch: Sequence[ParsedDocument]) -> list[ParsedDocument]:
    """One entry per document: the same bytes met twice are one document."""
    return list({p.document.doc_id: p for p in batch}.values())


def _article_winners(documents: Sequence[ParsedDocument]) -> list[ParsedDocument]:
    """One version per article: the latest published, else the later in the batch.

    Every version's bytes are stored; only the winner's text becomes the article.
    """
    winners: dict[str, tuple[tuple, ParsedDocument]] = {}
    for position, parsed in enumerate(documents):
        article_id = article_id_for(parsed)
        if article_id is None or parsed.article is None:
            continue
        published = parsed.article.published_at
        rank = (published is not None, published.timestamp() if published else 0.0, position)
        if article_id not in winners or rank > winners[article_id][0]:
            winners[article_id] = (rank, parsed)
    return [parsed for _, parsed in winners.values()]


# The columns that make two parses of the same bytes the same article: the document's
# metadata (a sidecar, or where a page was fetched) may change them, its bytes not.
_SAME_ARTICLE_COLUMNS = (
    "source",
    "url",
    "title",
    "label",
    "section",
    "byline",
    "dateline",
    "editor_note",
    "published_at",
    "published_tz",
    "language",
    "replacement_chars",
    "parser",
    "parser_version",
)


def _find_same_articles(conn: duckdb.DuckDBPyConnection, *, replace: bool) -> None:
    """same_articles: the batch's articles stored already from the same bytes, as the
    same article (a page saved to disk, then fetched from a feed): nothing changes."""
    if replace:
        conn.execute("CREATE OR REPLACE TEMP TABLE same_articles (article_id VARCHAR)")
        return
    same = " AND ".join(f"a.{c} IS NOT DISTINCT FROM b.{c}" for c in _SAME_ARTICLE_COLUMNS)
    conn.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE same_articles AS
        SELECT b.article_id FROM batch_articles b
        JOIN articles a USING (article_id)
        JOIN documents stored ON stored.doc_id = a.doc_id
        JOIN batch_documents d ON d.doc_id = b.doc_id
        WHERE a.doc_id <> b.doc_id AND stored.content_hash = d.content_hash AND {same}
        """
    )


def _count_outcomes(conn: duckdb.DuckDBPyConnection, *, replace: bool = False) -> LoadCounts:
    if replace:
        row = conn.execute(
            """
            SELECT
                count(*) FILTER (WHERE d.status = 'failed'),
                0,
                count(*) FILTER (WHERE d.status = 'parsed' AND a.article_id IS NOT NULL),
                count(*) FILTER (WHERE d.status = 'parsed' AND a.article_id IS NULL)
            FROM batch_documents d LEFT JOIN articles a ON a.article_id = d.article_id
            """
        ).fetchone()
        assert row is not None
        failed, unchanged, updated, new = row
        return LoadCounts(new=new, updated=updated, unchanged=unchanged, failed=failed)
    row = conn.execute(
        """
        SELECT
            count(*) FILTER (WHERE d.status = 'failed'),
            -- unchanged: bytes loaded before, the same article from the same bytes, or
            -- a copy of the bytes that win in this batch (one page under two URLs)
            count(*) FILTER (WHERE d.status = 'parsed' AND (known.doc_id IS NOT NULL
                                   OR same.article_id IS NOT NULL OR copy.doc_id IS NOT NULL)),
            -- updated: a new version of a stored article, or a version this batch
            -- holds twice of which the other one wins
            count(*) FILTER (WHERE d.status = 'parsed' AND known.doc_id IS NULL
                                   AND same.article_id IS NULL AND copy.doc_id IS NULL
                                   AND (a.article_id IS NOT NULL OR w.doc_id <> d.doc_id)),
            count(*) FILTER (WHERE d.status = 'parsed' AND known.doc_id IS NULL
                                   AND a.article_id IS NULL AND w.doc_id = d.doc_id)
        FROM batch_documents d
        LEFT JOIN (SELECT doc_id FROM documents WHERE status = 'parsed') known USING (doc_id)
        LEFT JOIN articles a ON a.article_id = d.article_id
        LEFT JOIN batch_articles w ON w.article_id = d.article_id
        LEFT JOIN batch_documents copy
               ON copy.doc_id = w.doc_id AND copy.doc_id <> d.doc_id
              AND copy.content_hash = d.content_hash
        LEFT JOIN same_articles same ON same.article_id = d.article_id AND w.doc_id = d.doc_id
        """
    ).fetchone()
    assert row is not None
    failed, unchanged, updated, new = row
    return LoadCounts(new=new, updated=updated, unchanged=unchanged, failed=failed)


def _apply_batch(
    conn: duckdb.DuckDBPyConnection, *, now: datetime, run_id: str, replace: bool = False
) -> None:
    # Articles whose story came back in new bytes (same URL), or all of the batch's
    # articles when reprocessing: their old rows go first.
    condition = (
        "TRUE"
        if replace
        else "a.doc_id <> b.doc_id AND b.doc_id NOT IN "
        "(SELECT doc_id FROM documents WHERE status = 'parsed')"
        " AND b.article_id NOT IN (SELECT article_id FROM same_articles)"
    )
    conn.execute(
        "CREATE OR REPLACE TEMP TABLE replaced AS SELECT a.article_id FROM articles a"
        f" JOIN batch_articles b USING (article_id) WHERE {condition}"
    )
    if replace:
        # A document that no longer parses takes its article with it, and so does one
        # whose article is known by another address now (a canonical URL it declares).
        conn.execute(
            "INSERT INTO replaced SELECT article_id FROM articles WHERE doc_id IN"
            " (SELECT doc_id FROM batch_documents)"
            " AND article_id NOT IN (SELECT article_id FROM batch_articles)"
        )
    conn.execute("DELETE FROM paragraphs WHERE article_id IN (SELECT article_id FROM replaced)")
    conn.execute("DELETE FROM articles WHERE article_id IN (SELECT article_id FROM replaced)")
    if conn.execute("SELECT count(*) FROM replaced").fetchone()[0]:  # type: ignore[index]
        # What was derived from the old text goes with it (so that an article without an
        # extractor version has no derived rows), and its events are placed again.
        for table in PER_ARTICLE_TABLES:
            conn.execute(
                f"DELETE FROM {table} WHERE article_id IN (SELECT article_id FROM replaced)"
            )
        conn.execute(
            "INSERT INTO resolution_queue SELECT DISTINCT article_id FROM replaced"
            " ON CONFLICT DO NOTHING"
        )
        # ...and it looks for its earlier version again, in its new words.
        conn.execute(
            "DELETE FROM story_links WHERE article_id IN (SELECT article_id FROM replaced)"
        )
    conn.execute(
        """
        INSERT INTO paragraphs BY NAME
        SELECT p.* FROM batch_paragraphs p
        WHERE p.article_id NOT IN (SELECT article_id FROM articles)
        """
    )
    # fetched_at is when the bytes arrived: reparsing stored bytes keeps it.
    conn.execute(
        """
        INSERT INTO articles BY NAME
        SELECT b.*, coalesce(d.received_at, ?::TIMESTAMPTZ) AS fetched_at, ?::VARCHAR AS run_id
        FROM batch_articles b LEFT JOIN documents d USING (doc_id)
        WHERE b.article_id NOT IN (SELECT article_id FROM articles)
        """,
        [now, run_id],
    )
    # Documents last: the checks above read which documents were already parsed.
    # The bytes of a document met before are stored already (doc_id hashes them).
    conn.execute(
        "INSERT INTO document_pieces SELECT p.* FROM batch_pieces p"
        " ANTI JOIN documents d USING (doc_id)"
    )
    # A failed document is tried again on every run; a parsed one is final.
    conn.execute(
        """
        INSERT INTO documents BY NAME
        SELECT d.*, ?::TIMESTAMPTZ AS received_at,
               ?::VARCHAR AS first_run_id, ?::VARCHAR AS last_run_id
        FROM batch_documents d
        ON CONFLICT (doc_id) DO UPDATE SET
            status = excluded.status, error = excluded.error,
            parser = excluded.parser, parser_version = excluded.parser_version,
            article_id = excluded.article_id, last_run_id = excluded.last_run_id
        WHERE documents.status <> 'parsed' OR ?
        """,
        [now, run_id, run_id, replace],
    )
    conn.execute(
        "INSERT OR REPLACE INTO file_index SELECT *, ?::TIMESTAMPTZ FROM batch_file_index",
        [now],
    )
    # Every address of the batch's articles; those of articles gone (reprocessed under
    # another address) go with them.
    conn.execute(
        "DELETE FROM article_urls WHERE article_id IN (SELECT article_id FROM replaced)"
        " AND article_id NOT IN (SELECT article_id FROM articles)"
    )
    conn.execute(
        "INSERT OR REPLACE INTO article_urls SELECT u.url, u.article_id FROM batch_urls u"
        " WHERE u.article_id IN (SELECT article_id FROM articles)"
    )


def _apply_derived(conn: duckdb.DuckDBPyConnection, version: str) -> None:
    """Replace the derived rows of the batch's articles; add entities not yet known; queue
    the articles for resolution."""
    # Articles derived before have rows to replace; for new ones (most of a run) there is
    # nothing to delete, and the delete's scan of every derived table is skipped.
    conn.execute(
        "CREATE OR REPLACE TEMP TABLE rederived AS SELECT article_id FROM articles"
        " WHERE extractor_version IS NOT NULL"
        " AND article_id IN (SELECT article_id FROM derived_articles)"
    )
    rederived = conn.execute("SELECT count(*) FROM rederived").fetchone()[0]  # type: ignore[index]
    for table in PER_ARTICLE_TABLES:
        if rederived:
            conn.execute(
                f"DELETE FROM {table} WHERE article_id IN (SELECT article_id FROM rederived)"
            )
        conn.execute(f"INSERT INTO {table} BY NAME SELECT * FROM batch_{table}")
    # A reference entity takes the reference's current name, type and ids.
    conn.execute(
        """
        INSERT INTO entities BY NAME SELECT * FROM batch_entities
        ON CONFLICT (entity_id) DO UPDATE SET
            name = excluded.name, entity_type = excluded.entity_type,
            country_iso3 = excluded.country_iso3, wikidata_id = excluded.wikidata_id,
            extractor_version = excluded.extractor_version
        WHERE entities.origin = 'reference'
        """
    )
    conn.execute(
        "INSERT INTO entity_aliases BY NAME SELECT DISTINCT * FROM batch_entity_aliases"
        " ON CONFLICT DO NOTHING"
    )
    conn.execute(
        "UPDATE articles SET extractor_version = ?"
        " WHERE article_id IN (SELECT article_id FROM derived_articles)",
        [version],
    )
    # Their events are placed across articles by the next resolution.
    conn.execute(
        "INSERT INTO resolution_queue SELECT DISTINCT article_id FROM derived_articles"
        " ON CONFLICT DO NOTHING"
    )


def _in_zone(instant: datetime | None, zone: str | None) -> datetime | None:
    """A stored instant back in the zone the outlet printed it in (dates resolve there)."""
    if instant is None or not zone:
        return instant
    if zone.startswith("UTC") and zone[3:4] in ("+", "-"):
        sign = -1 if zone[3] == "-" else 1
        hours, minutes = (int(part) for part in zone[4:].split(":"))
        return instant.astimezone(timezone(sign * timedelta(hours=hours, minutes=minutes)))
    return instant.astimezone(ZoneInfo(zone))
