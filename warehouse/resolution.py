"""Incremental resolution in the warehouse: the queue of changed articles, and the writes.

`resolve_queued` takes the articles whose events changed (the resolution queue), a chunk at a
time in publication order, and places their reports with `parsers.extraction.incremental`,
which asks `warehouse.resolution_store.SqlStore` for candidates and for the stored reports a
change could affect. Only the events a run touched are written; a run that only adds
deletes nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from parsers.extraction.incremental import Outcome, Placement, place_changes
from parsers.extraction.resolve import place_all
from parsers.extraction.same_event import EventRecord, keys_of, kind_from, kind_of
from warehouse.events import write_events
from warehouse.resolution_store import (
    SqlStore,
    event_key_rows,
    lookup_keys,
    rank_of,
)
from warehouse.scan import execute
from warehouse.store import MEMORY_SETTING, Warehouse, string_table

# Articles resolved per step: bounds memory however long the queue.
CHUNK_ARTICLES = 2000
# A rebuild places a kind's reports in memory up to this many (about 300 MB), in chunks
# beyond.
IN_MEMORY_REPORTS = 250_000
# Events written per statement in a rebuild.
WRITE_EVENTS = 10_000
# DuckDB's share of memory in a rebuild. The rows a rebuild writes stay in its transaction
# until the commit (about 0.9 GB of DuckDB memory at 100,000 articles), while Python holds
# a kind's reports beside them (up to 0.6 GB): DuckDB spills what is beyond this to the
# warehouse's temp folder, so the process stays within 1.5 GB. An explicit
# PENINSULA_DUCKDB_MEMORY is kept as it is.
REBUILD_DUCKDB_MEMORY = "640MB"


@dataclass(slots=True)
class Resolution:
    """What a resolution run did to the events tables."""

    new_events: list[str] = field(default_factory=list)  # ids that did not exist before
    changed_events: int = 0  # existing events rewritten
    removed_events: int = 0
    reports: int = 0  # reports placed (new, changed, or moved by a change)
    articles: int = 0

    def add(self, other: Resolution) -> None:
        self.new_events.extend(other.new_events)
        self.changed_events += other.changed_events
        self.removed_events += other.removed_events
        self.reports += other.reports
        self.articles += other.articles


# -- running the queue -------------------------------------------------------------------
def resolve_queued(
    conn: duckdb.DuckDBPyConnection, run_id: str, version: str, chunk: int = CHUNK_ARTICLES
) -> Resolution:
    """Place the events of every queued article, a chunk of articles at a time."""
    actor_facts: dict = {}
    total = Resolution()
    while True:
        article_ids = [
            r[0]
            for r in conn.execute(
                "SELECT q.article_id FROM resolution_queue q"
                " LEFT JOIN articles a USING (article_id)"
                " ORDER BY a.published_at NULLS LAST, q.article_id LIMIT ?",
                [chunk],
            ).fetchall()
        ]
        if not article_ids:
            return total
        # A store per chunk: it keeps what it read, which the chunk's writes change.
        store = SqlStore(conn, actor_facts)
        added = store.articles_records(article_ids)
        removed = store.vanished_reports(article_ids)
        outcome = place_changes(store, added, removed)
        step = write_outcome(conn, outcome, {r.article_event_id for r in added}, run_id, version)
        step.articles = len(article_ids)
        total.add(step)
        execute(
            conn,
            "DELETE FROM resolution_queue WHERE article_id IN"
            " (SELECT article_id FROM chunk_articles)",
            chunk_articles=string_table(article_id=article_ids),
        )


def write_outcome(
    conn: duckdb.DuckDBPyConnection,
    outcome: Outcome,
    added: Collection[str],
    run_id: str,
    version: str,
) -> Resolution:
    """Store where every report went, and rewrite the events that changed."""
    placed = outcome.placements
    existed = [i for i in (*placed, *outcome.removed) if i in outcome.previous]
    rekeyed = [i for i in (*added, *outcome.removed) if i in outcome.previous]
    if existed:
        execute(
            conn,
            "DELETE FROM resolution_reports WHERE article_event_id IN"
            " (SELECT article_event_id FROM gone_reports)",
            gone_reports=string_table(article_event_id=existed),
        )
    if rekeyed:
        execute(
            conn,
            "DELETE FROM resolution_report_keys WHERE article_event_id IN"
            " (SELECT article_event_id FROM gone_reports)",
            gone_reports=string_table(article_event_id=rekeyed),
        )
    if placed:
        execute(
            conn,
            "INSERT INTO resolution_reports BY NAME SELECT * FROM placed_reports",
            placed_reports=_report_rows([placed[i] for i in sorted(placed)]),
        )
        execute(
            conn,
            "INSERT INTO resolution_report_keys"
            " SELECT article_event_id, hash(key) FROM placed_keys",
            placed_keys=lookup_keys([placed[i][0] for i in sorted(placed) if i in added]),
        )
    return _write_events(conn, outcome, run_id, version)


def _report_rows(placed: Sequence[tuple[EventRecord, Placement]]) -> pa.Table:
    def accepted(p: Placement, i: int) -> str | None:
        return p.accepted[i] if len(p.accepted) > i else None

    return pa.table(
        {
            "article_event_id": pa.array([r.article_event_id for r, _ in placed], pa.string()),
            "article_id": pa.array([r.article_id for r, _ in placed], pa.string()),
            "kind": pa.array([kind_of(r) for r, _ in placed], pa.string()),
            "rank": pa.array([rank_of(r) for r, _ in placed], pa.int8()),
            "event_date": pa.array([r.date.value for r, _ in placed], pa.date32()),
            "event_key": pa.array([p.event for _, p in placed], pa.string()),
            "accepted_first": pa.array([accepted(p, 0) for _, p in placed], pa.string()),
            "accepted_second": pa.array([accepted(p, 1) for _, p in placed], pa.string()),
        }
    )


def _write_events(
    conn: duckdb.DuckDBPyConnection, outcome: Outcome, run_id: str, version: str
) -> Resolution:
    touched = sorted(outcome.events)
    result = Resolution(reports=len(outcome.placements))
    if not touched:
        return result
    touched_events = string_table(event_key=touched)
    old_ids = dict(
        execute(
            conn,
            "SELECT event_key, event_id FROM resolution_events"
            " JOIN touched_events USING (event_key)",
            touched_events=touched_events,
        ).fetchall()
    )
    survivors = {k: m for k, m in outcome.events.items() if m is not None}
    ids = _carried_ids(survivors, outcome, old_ids)
    fresh = sorted(k for k in survivors if k not in ids)
    ids.update(_fresh_ids(conn, fresh, set(ids.values())))
    result.new_events = sorted(ids[k] for k in fresh)
    result.changed_events = len(survivors) - len(fresh)
    result.removed_events = len(set(old_ids.values()) - set(ids.values()))

    if old_ids:
        for table in ("resolution_events", "resolution_event_keys"):
            execute(
                conn,
                f"DELETE FROM {table} WHERE event_key IN (SELECT event_key FROM touched_events)",
                touched_events=touched_events,
            )
    rows, key_rows = [], []
    for key, members in survivors.items():
        founder = members[0]
        rows.append((key, ids[key], kind_of(founder), rank_of(founder), founder.date.value))
        key_rows += event_key_rows(key, kind_of(founder), rank_of(founder), keys_of(members))
    execute(
        conn,
        "INSERT INTO resolution_events BY NAME SELECT * FROM new_resolution_events",
        new_resolution_events=pa.table(
            {
                "event_key": pa.array([r[0] for r in rows], pa.string()),
                "event_id": pa.array([r[1] for r in rows], pa.string()),
                "kind": pa.array([r[2] for r in rows], pa.string()),
                "rank": pa.array([r[3] for r in rows], pa.int8()),
                "event_date": pa.array([r[4] for r in rows], pa.date32()),
            }
        ),
    )
    execute(
        conn,
        "INSERT INTO resolution_event_keys SELECT event_key, rank, hash(key) FROM new_event_keys",
        new_event_keys=pa.table(
            {
                "event_key": pa.array([r[0] for r in key_rows], pa.string()),
                "rank": pa.array([r[1] for r in key_rows], pa.int8()),
                "key": pa.array([r[2] for r in key_rows], pa.string()),
            }
        ),
    )
    write_events(
        conn,
        {ids[k]: m for k, m in survivors.items()},
        replaced=sorted(old_ids.values()),
        version=version,
        run_id=run_id,
    )
    return result


def _carried_ids(
    survivors: dict[str, list[EventRecord]], outcome: Outcome, old_ids: dict[str, str]
) -> dict[str, str]:
    """Each touched event takes the id of the earlier event whose reports it holds most of
    (each id once; on a tie, the event founded by the same report). An event that gains a
    report keeps its id, also when the newcomer now founds it."""
    wanted: list[tuple[int, bool, str, str]] = []
    for key, members in survivors.items():
        shared = Counter(
            old_ids.get(_placed_before(m.article_event_id, key, outcome)) for m in members
        )
        for old_id, count in shared.items():
            if old_id is not None:
                wanted.append((-count, old_ids.get(key) != old_id, key, old_id))
    carried: dict[str, str] = {}
    taken: set[str] = set()
    for _, _, key, old_id in sorted(wanted):
        if key not in carried and old_id not in taken:
            carried[key] = old_id
            taken.add(old_id)
    return carried


def _placed_before(report_id: str, key: str, outcome: Outcome) -> str | None:
    """The event key a member of `key` had before the run (None: it is new)."""
    if report_id in outcome.previous:
        return outcome.previous[report_id].placement.event
    if report_id in outcome.placements:
        return None  # placed for the first time
    return key  # not placed again: it stayed where it was


def _fresh_ids(
    conn: duckdb.DuckDBPyConnection, keys: Sequence[str], in_use: set[str]
) -> dict[str, str]:
    """A new event's id: made from its founding report, unless that id is taken."""
    if not keys:
        return {}
    proposed = {k: event_id_for(k) for k in keys}
    taken = in_use | {
        r[0]
        for r in execute(
            conn,
            "SELECT event_id FROM events JOIN proposed_ids USING (event_id)",
            proposed_ids=string_table(event_id=list(proposed.values())),
        ).fetchall()
    }
    assigned: dict[str, str] = {}
    for key in keys:
        event_id, attempt = proposed[key], 0
        while event_id in taken:
            attempt += 1
            event_id = event_id_for(f"{key}#{attempt}")
        taken.add(event_id)
        assigned[key] = event_id
    return assigned


def event_id_for(key: str) -> str:
    return "ev_" + hashlib.sha256(key.encode()).hexdigest()[:16]


# -- entry points ------------------------------------------------------------------------
def resolve(
    warehouse: Warehouse, run_id: str, version: str, *, rebuild: bool | None = None
) -> Resolution:
    """Resolve the queued articles' events, in the run's session if one is open.

    `rebuild` True places every report again from nothing (what `reprocess` does), False
    places only the queued ones; None (the default) rebuilds when that is cheaper: most
    articles wait, or the events were made before resolution kept its state. Either way
    the events are the same.
    """
    with warehouse.session(), warehouse.writer() as conn:
        if rebuild is None:
            rebuild = _made_before_incremental(conn) or _mostly_new(conn)
        if rebuild:
            return _rebuild(conn, run_id, version)
        return resolve_queued(conn, run_id, version)


def _mostly_new(conn: duckdb.DuckDBPyConnection) -> bool:
    """Half the articles or more wait (a first load, a backfill): placing everything
    again is cheaper than placing them among the rest, and ends the same."""
    row = conn.execute(
        "SELECT (SELECT count(*) FROM resolution_queue) * 2"
        " >= (SELECT count(DISTINCT article_id) FROM resolution_reports)"
        " AND EXISTS (SELECT 1 FROM resolution_queue)"
    ).fetchone()
    return bool(row and row[0])


def _made_before_incremental(conn: duckdb.DuckDBPyConnection) -> bool:
    row = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM events) AND NOT EXISTS (SELECT 1 FROM resolution_events)"
    ).fetchone()
    return bool(row and row[0])


def _rebuild(conn: duckdb.DuckDBPyConnection, run_id: str, version: str) -> Resolution:
    with _duckdb_memory(conn, REBUILD_DUCKDB_MEMORY):
        return _rebuild_all(conn, run_id, version)


@contextlib.contextmanager
def _duckdb_memory(conn: duckdb.DuckDBPyConnection, limit: str) -> Iterator[None]:
    """DuckDB's memory limit set to `limit` for the block, unless the user chose one."""
    if MEMORY_SETTING in os.environ:
        yield
        return
    row = conn.execute("SELECT current_setting('memory_limit')").fetchone()
    conn.execute(f"SET memory_limit = '{limit}'")
    try:
        yield
    finally:
        conn.execute(f"SET memory_limit = '{row[0]}'")  # type: ignore[index]


def _rebuild_all(conn: duckdb.DuckDBPyConnection, run_id: str, version: str) -> Resolution:
    """Every report placed again, kind by kind (bounded memory); then each event takes the
    id of the earlier event it shares most reports with."""
    conn.execute(
        "CREATE OR REPLACE TEMP TABLE previous_event_ids AS"
        " SELECT DISTINCT article_event_id, event_id FROM event_mentions"
    )
    _empty_tables(
        conn,
        (
            "event_mentions",
            "event_actors",
            "events",
            "resolution_reports",
            "resolution_report_keys",
            "resolution_events",
            "resolution_event_keys",
        ),
    )
    store = SqlStore(conn)
    result = Resolution()
    for combos in _kinds(conn):
        reports = store.kind_records(combos)
        if len(reports) <= IN_MEMORY_REPORTS:
            result.add(_write_placing(conn, reports, run_id, version))
            continue
        # A kind too large to hold: placed in chunks, as new reports are.
        for start in range(0, len(reports), IN_MEMORY_REPORTS // 4):
            chunk = reports[start : start + IN_MEMORY_REPORTS // 4]
            outcome = place_changes(SqlStore(conn, store.actor_facts), chunk, ())
            added = {r.article_event_id for r in chunk}
            result.add(write_outcome(conn, outcome, added, run_id, version))
    _empty_tables(conn, ("resolution_queue",))
    _keep_previous_ids(conn)
    new = conn.execute(
        "SELECT event_id FROM events"
        " WHERE event_id NOT IN (SELECT event_id FROM previous_event_ids) ORDER BY event_id"
    ).fetchall()
    result.new_events = [r[0] for r in new]
    result.changed_events = conn.execute("SELECT count(*) FROM events").fetchone()[0] - len(new)  # type: ignore[index]
    result.removed_events = conn.execute(
        "SELECT count(DISTINCT event_id) FROM previous_event_ids"
        " WHERE event_id NOT IN (SELECT event_id FROM events)"
    ).fetchone()[0]  # type: ignore[index]
    return result


def _empty_tables(conn: duckdb.DuckDBPyConnection, tables: Sequence[str]) -> None:
    """Empty whole tables by dropping and creating them again as the catalog has them
    (columns, keys and checks as the migrations made them).

    A DELETE keeps, until the commit, a version block of DuckDB memory per row group it
    touches, which cannot spill: about 250 KB per 2,048-row group (ROW_GROUP_ROWS), 120
    bytes a row. At 100,000 articles a rebuild's tables hold 11 million rows (6.5 million
    report keys), so deleting them needed 1.4 GB that DuckDB could not give ("failed to
    pin block" at 640 MB), and deleting the events' rows also updated their primary-key
    index row by row (5 s). A dropped table costs neither.
    """
    for table in tables:
        row = conn.execute(
            "SELECT sql FROM duckdb_tables()"
            " WHERE database_name = current_database() AND schema_name = current_schema()"
            " AND table_name = ? AND NOT temporary",
            [table],
        ).fetchone()
        if row is None:
            raise LookupError(f"no table {table} in the warehouse to empty")
        conn.execute(f"DROP TABLE {table}")
        conn.execute(row[0])


def _kinds(conn: duckdb.DuckDBPyConnection) -> list[list[tuple]]:
    """The (event_type, meeting_kind, modality) combinations of the stored reports,
    grouped by kind (reports of different kinds never join)."""
    combos = conn.execute(
        "SELECT DISTINCT event_type, meeting_kind, modality FROM article_events ORDER BY ALL"
    ).fetchall()
    grouped: dict[str, list[tuple]] = {}
    for combo in combos:
        grouped.setdefault(kind_from(*combo), []).append(combo)
    return [grouped[kind] for kind in sorted(grouped)]


def _write_placing(
    conn: duckdb.DuckDBPyConnection, reports: list[EventRecord], run_id: str, version: str
) -> Resolution:
    """One kind's reports placed in memory (`resolve.place_all`), written a slice of
    events at a time (the rows of a whole kind at once would double its memory)."""
    placing = place_all(reports)
    del reports
    result = Resolution()
    keys = list(placing.events)
    for start in range(0, len(keys), WRITE_EVENTS):
        events = {
            key: placing.events.pop(key).members for key in keys[start : start + WRITE_EVENTS]
        }
        placements = {
            m.article_event_id: (
                m,
                Placement(
                    placing.decisions[m.article_event_id].joins or m.article_event_id,
                    placing.decisions[m.article_event_id].accepted,
                ),
            )
            for members in events.values()
            for m in members
        }
        outcome = Outcome(placements, removed=set(), events=events, previous={})
        result.add(write_outcome(conn, outcome, set(placements), run_id, version))
    return result


def _keep_previous_ids(conn: duckdb.DuckDBPyConnection) -> None:
    """Give each rebuilt event the id of the previous event it shares most reports with
    (one event per id), so that ids survive a rebuild where the events do."""
    overlaps = conn.execute(
        """
        SELECT m.event_id, p.event_id, count(*) AS shared
        FROM (SELECT DISTINCT event_id, article_event_id FROM event_mentions) m
        JOIN previous_event_ids p USING (article_event_id)
        GROUP BY ALL
        ORDER BY shared DESC, m.event_id, p.event_id
        """
    ).fetchall()
    if not overlaps:
        return
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for new_id, old_id, _ in overlaps:
        if new_id not in mapping and old_id not in taken:
            mapping[new_id] = old_id
            taken.add(old_id)
    mapping = {new: old for new, old in mapping.items() if new != old}
    if not mapping:
        return
    # An event that keeps its own id must not hold one handed back to another.
    targets = set(mapping.values())
    clashing = [
        r[0]
        for r in execute(
            conn,
            "SELECT event_id FROM events JOIN handed_back USING (event_id)",
            handed_back=string_table(event_id=sorted(targets)),
        ).fetchall()
        if r[0] not in mapping
    ]
    for event_id in clashing:
        attempt, replacement = 0, event_id
        while replacement in targets or replacement in taken:
            attempt += 1
            replacement = event_id_for(f"{event_id}#{attempt}")
        mapping[event_id] = replacement
        targets.add(replacement)
    id_mapping = string_table(old_id=list(mapping), new_id=list(mapping.values()))
    for table in ("events", "event_actors", "event_mentions", "resolution_events"):
        execute(
            conn,
            f"CREATE OR REPLACE TEMP TABLE remapped AS SELECT * REPLACE"
            f" (coalesce(m.new_id, t.event_id) AS event_id)"
            f" FROM {table} t LEFT JOIN id_mapping m ON m.old_id = t.event_id",
            id_mapping=id_mapping,
        )
        _empty_tables(conn, (table,))
        conn.execute(f"INSERT INTO {table} BY NAME SELECT * EXCLUDE (old_id, new_id) FROM remapped")
