"""Live sources in the warehouse: feed state, entries, the landing zone, story versions.

The flows decide; this module only reads and writes rows, set-based, one short
transaction per call.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa

from parsers.stories import WINDOW, StoryCandidate, chain_versions, find_previous, is_version_label
from warehouse.rows import pieces_table
from warehouse.store import Warehouse
from warehouse.transaction import transaction

FEED_STATE_COLUMNS = (
    "feed_url",
    "etag",
    "last_modified",
    "consecutive_failures",
    "last_attempt_at",
    "last_success_at",
    "next_poll_at",
    "last_status",
    "last_error",
    "last_problem",
    "newest_entry_at",
    "usual_interval_seconds",
)
_TS = pa.timestamp("us", tz="UTC")
_FEED_STATE_SCHEMA = pa.schema(
    [
        ("feed_url", pa.string()),
        ("etag", pa.string()),
        ("last_modified", pa.string()),
        ("consecutive_failures", pa.int32()),
        ("last_attempt_at", _TS),
        ("last_success_at", _TS),
        ("next_poll_at", _TS),
        ("last_status", pa.int32()),
        ("last_error", pa.string()),
        ("last_problem", pa.string()),
        ("newest_entry_at", _TS),
        ("usual_interval_seconds", pa.float64()),
    ]
)
# A landed response that is a page to load: it came back whole.
LANDED_PAGE = "kind = 'page' AND status = 200 AND error IS NULL"
# (url, status, error, attempted): what one attempt at a page means for its entries.
EntryUpdate = tuple[str, str, str | None, bool]
_RESPONSE_SCHEMA = pa.schema(
    [
        ("response_id", pa.string()),
        ("run_id", pa.string()),
        ("kind", pa.string()),
        ("source", pa.string()),
        ("parser", pa.string()),
        ("url", pa.string()),
        ("final_url", pa.string()),
        ("status", pa.int32()),
        ("headers", pa.string()),
        ("error", pa.string()),
        ("fetched_at", _TS),
        ("elapsed_ms", pa.int32()),
        ("content_hash", pa.string()),
        ("byte_size", pa.int64()),
    ]
)
_ENTRY_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("entry_id", pa.string()),
        ("feed_url", pa.string()),
        ("url", pa.string()),
        ("title", pa.string()),
        ("published_at", _TS),
        # Why the entry is not to be fetched, decided by the flow (not about the feed's
        # topics); NULL for an entry to fetch.
        ("skip_reason", pa.string()),
        # Its place in the feed as listed (0 = top): the order among undated entries.
        ("feed_position", pa.int32()),
    ]
)


@dataclass(frozen=True, slots=True)
class LandedResponse:
    """A response as the fetcher saw it, with what the flow knows of its origin."""

    kind: str
    url: str
    final_url: str
    status: int | None
    headers: Mapping[str, str]
    body: bytes | None
    error: str | None
    fetched_at: datetime
    elapsed_ms: int
    source: str | None = None
    parser: str | None = None

    @property
    def response_id(self) -> str:
        key = f"{self.kind}\0{self.url}\0{self.fetched_at.isoformat()}"
        return hashlib.sha256(key.encode()).hexdigest()[:24]


@dataclass(frozen=True, slots=True)
class LandedPage:
    response_id: str
    url: str
    final_url: str
    source: str
    parser: str
    content_type: str | None
    body: bytes
    fetched_at: datetime


@dataclass(frozen=True, slots=True)
class PendingEntry:
    source: str
    entry_id: str
    url: str
    parser: str
    attempts: int
    feed_url: str


@dataclass(frozen=True, slots=True)
class PendingPages:
    """The pages a run is to fetch, in turn, and how many each feed has beyond its share."""

    entries: list[PendingEntry]
    # feed_url -> pending entries over the per-feed cap: left for later runs.
    left: dict[str, int]


# -- feeds ---------------------------------------------------------------------------------
def sync_feeds(warehouse: Warehouse, feeds: Sequence[tuple[str, str, str]]) -> None:
    """(url, source, parser) of the sources file: new feeds added, changed ones updated."""
    table = pa.table(
        {
            "feed_url": [f[0] for f in feeds],
            "source": [f[1] for f in feeds],
            "parser": [f[2] for f in feeds],
        }
    )
    with warehouse.writer() as conn:
        conn.register("listed", table)
        conn.execute(
            "INSERT INTO feeds (feed_url, source, parser) SELECT * FROM listed"
            " ON CONFLICT (feed_url) DO UPDATE SET source = excluded.source,"
            " parser = excluded.parser"
        )


def feed_states(warehouse: Warehouse, urls: Sequence[str]) -> dict[str, dict[str, Any]]:
    if not urls or not warehouse.path.exists():
        return {}
    with warehouse.writer() as conn:
        conn.register("wanted", pa.table({"feed_url": list(urls)}))
        cursor = conn.execute(
            f"SELECT {', '.join(FEED_STATE_COLUMNS)} FROM feeds JOIN wanted USING (feed_url)"
        )
        columns = [d[0] for d in cursor.description or []]
        return {row[0]: dict(zip(columns, row, strict=True)) for row in cursor.fetchall()}


def save_feed_states(warehouse: Warehouse, states: Sequence[Mapping[str, Any]]) -> None:
    if not states:
        return
    table = pa.Table.from_pylist([dict(s) for s in states], schema=_FEED_STATE_SCHEMA)
    assignments = ", ".join(f"{c} = s.{c}" for c in FEED_STATE_COLUMNS[1:])
    with warehouse.writer() as conn:
        conn.register("states", table)
        conn.execute(
            f"UPDATE feeds SET {assignments} FROM states s WHERE feeds.feed_url = s.feed_url"
        )


def feed_health(warehouse: Warehouse) -> list[dict[str, Any]]:
    """Every feed's state with counts of its entries, for `peninsula sources`."""
    with warehouse.reader() as conn:
        cursor = conn.execute(
            """
            SELECT f.*, count(e.entry_id) AS entries,
                   count(e.entry_id) FILTER (WHERE e.status = 'pending') AS pending,
                   count(e.entry_id) FILTER (WHERE e.status = 'failed') AS failed
            FROM feeds f LEFT JOIN feed_entries e USING (feed_url)
            GROUP BY ALL ORDER BY f.source, f.feed_url
            """
        )
        columns = [d[0] for d in cursor.description or []]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


# -- landing zone --------------------------------------------------------------------------
def land(
    warehouse: Warehouse,
    responses: Sequence[LandedResponse],
    run_id: str,
    entry_updates: Sequence[EntryUpdate] = (),
) -> None:
    """Store responses and their bodies in one transaction, before anything parses them.

    In the same transaction, a page that came back whole marks its pending entries
    fetched (so a run killed right after never asks for it again, whichever way it was
    landed: now, or later from the spill folder), and `entry_updates` are applied.
    """
    if not responses:
        update_entries(warehouse, entry_updates)
        return
    rows, bodies = [], {}
    for r in responses:
        content_hash = hashlib.sha256(r.body).hexdigest() if r.body is not None else None
        if r.body is not None:
            bodies[content_hash] = r.body
        rows.append(
            {
                "response_id": r.response_id,
                "run_id": run_id,
                "kind": r.kind,
                "source": r.source,
                "parser": r.parser,
                "url": r.url,
                "final_url": r.final_url,
                "status": r.status,
                "headers": json.dumps(dict(r.headers), sort_keys=True),
                "error": r.error,
                "fetched_at": r.fetched_at,
                "elapsed_ms": r.elapsed_ms,
                "content_hash": content_hash,
                "byte_size": len(r.body) if r.body is not None else None,
            }
        )
    # In pieces, as documents are (migration 014 says why).
    body_pieces = pieces_table(list(bodies.items()))
    with warehouse.writer() as conn:
        conn.register("landed", pa.Table.from_pylist(rows, schema=_RESPONSE_SCHEMA))
        conn.register("landed_body_pieces", body_pieces)
        with transaction(conn):
            conn.execute(
                "INSERT INTO response_body_pieces SELECT * FROM landed_body_pieces"
                " ON CONFLICT (content_hash, seq) DO NOTHING"
            )
            conn.execute(
                "INSERT INTO responses BY NAME SELECT * FROM landed"
                " ON CONFLICT (response_id) DO NOTHING"
            )
            conn.execute(
                "UPDATE feed_entries SET status = 'fetched', error = NULL,"
                " attempts = attempts + 1 WHERE status = 'pending' AND url IN ("
                f"  SELECT url FROM landed WHERE {LANDED_PAGE})"
            )
            _apply_entry_updates(conn, entry_updates)


def landed_pages(warehouse: Warehouse, limit: int) -> list[LandedPage]:
    """Pages fetched and stored but not loaded yet: this run's, or a broken-off run's."""
    with warehouse.writer() as conn:
        rows = conn.execute(
            f"""
            SELECT r.response_id, r.url, r.final_url, r.source, r.parser,
                   json_extract_string(r.headers, '$."content-type"'), r.content_hash,
                   r.fetched_at
            FROM responses r
            WHERE {LANDED_PAGE} AND r.doc_id IS NULL
              AND r.content_hash IN (SELECT content_hash FROM response_body_pieces)
            ORDER BY r.fetched_at, r.response_id
            LIMIT ?
            """,
            [limit],
        ).fetchall()
        bodies = stored_bodies(conn, [row[6] for row in rows])
    return [LandedPage(*row[:6], bodies[row[6]], row[7]) for row in rows]


def stored_bodies(conn: duckdb.DuckDBPyConnection, hashes: Sequence[str]) -> dict[str, bytes]:
    """content_hash -> the body, put together from its pieces in order."""
    pieces = conn.execute(
        "SELECT content_hash, piece FROM response_body_pieces"
        " WHERE content_hash IN (SELECT unnest(?)) ORDER BY content_hash, seq",
        [list(set(hashes))],
    ).fetchall()
    parts: dict[str, list[bytes]] = {}
    for content_hash, piece in pieces:
        parts.setdefault(content_hash, []).append(piece)
    return {content_hash: b"".join(part) for content_hash, part in parts.items()}


def mark_loaded(warehouse: Warehouse, loaded: Mapping[str, str]) -> None:
    """response_id -> doc_id of the document each landed page was loaded as."""
    if not loaded:
        return
    table = pa.table({"response_id": list(loaded), "doc_id": list(loaded.values())})
    with warehouse.writer() as conn:
        conn.register("loaded", table)
        conn.execute(
            "UPDATE responses SET doc_id = l.doc_id FROM loaded l"
            " WHERE responses.response_id = l.response_id"
        )


# -- entries -------------------------------------------------------------------------------
def record_entries(
    warehouse: Warehouse, entries: Sequence[Mapping[str, Any]], now: datetime
) -> int:
    """Add the entries not seen before as pending; returns how many were new."""
    if not entries:
        return 0
    table = pa.Table.from_pylist([dict(e) for e in entries], schema=_ENTRY_SCHEMA)
    with warehouse.writer() as conn:
        conn.register("listed_entries", table)
        with transaction(conn):
            before = conn.execute("SELECT count(*) FROM feed_entries").fetchone()[0]  # type: ignore[index]
            # A page already known under another entry (the same story in two feeds of
            # one outlet), or as an article's address (loaded from a saved page), is not
            # fetched twice: it comes in as skipped.
            conn.execute(
                """
                INSERT INTO feed_entries (source, entry_id, feed_url, url, title,
                    published_at, first_seen_at, status, attempts, error, feed_position)
                SELECT DISTINCT ON (l.source, l.entry_id)
                       l.source, l.entry_id, l.feed_url, l.url, l.title, l.published_at,
                       ?::TIMESTAMPTZ,
                       CASE WHEN l.url IS NULL OR known.url IS NOT NULL
                                 OR l.skip_reason IS NOT NULL THEN 'skipped'
                            ELSE 'pending' END,
                       0,
                       CASE WHEN l.url IS NULL THEN 'the entry has no link'
                            WHEN l.skip_reason IS NOT NULL THEN l.skip_reason
                            WHEN known.url IS NOT NULL THEN 'the page is known already' END,
                       l.feed_position
                FROM listed_entries l
                LEFT JOIN (SELECT url FROM feed_entries UNION SELECT url FROM article_urls) known
                       ON known.url = l.url
                ON CONFLICT (source, entry_id) DO NOTHING
                """,
                [now],
            )
            after = conn.execute("SELECT count(*) FROM feed_entries").fetchone()[0]  # type: ignore[index]
    return after - before


def pending_entries(
    warehouse: Warehouse, parsers: Mapping[str, str], max_attempts: int, per_feed: int
) -> PendingPages:
    """The entries to fetch this run, of the given feeds (feed_url -> parser, in the
    sources file's order), at most `per_feed` of each feed.

    Each feed's newest first (published_at, else the newer poll, else the feed's own
    order), then interleaved across feeds, a turn each: a feed of thousands of entries
    cannot hold up the others. The entries beyond the cap stay pending for later runs
    and are counted per feed.
    """
    if not parsers:
        return PendingPages([], {})
    table = pa.table(
        {
            "feed_url": list(parsers),
            "parser": list(parsers.values()),
            "feed_index": list(range(len(parsers))),
        }
    )
    with warehouse.writer() as conn:
        conn.register("polled_feeds", table)
        # A page listed by two feeds is fetched once, in the turn of the first feed.
        conn.execute(
            """
            CREATE OR REPLACE TEMP TABLE ranked_entries AS
            WITH todo AS (
                SELECT DISTINCT ON (e.url) e.*, p.parser, p.feed_index
                FROM feed_entries e JOIN polled_feeds p USING (feed_url)
                WHERE e.status = 'pending' AND e.attempts < ?
                ORDER BY e.url, p.feed_index
            )
            SELECT *, row_number() OVER (
                PARTITION BY feed_url
                ORDER BY published_at DESC NULLS LAST, first_seen_at DESC,
                         feed_position NULLS LAST, entry_id
            ) AS turn
            FROM todo
            """,
            [max_attempts],
        )
        rows = conn.execute(
            "SELECT source, entry_id, url, parser, attempts, feed_url FROM ranked_entries"
            " WHERE turn <= ? ORDER BY turn, feed_index",
            [per_feed],
        ).fetchall()
        left = conn.execute(
            "SELECT feed_url, count(*) FROM ranked_entries WHERE turn > ? GROUP BY feed_url",
            [per_feed],
        ).fetchall()
        conn.execute("DROP TABLE ranked_entries")
    return PendingPages([PendingEntry(*row) for row in rows], dict(left))


def update_entries(warehouse: Warehouse, updates: Sequence[EntryUpdate]) -> None:
    """(url, status, error, attempted) for every pending entry of each page."""
    if not updates:
        return
    with warehouse.writer() as conn:
        _apply_entry_updates(conn, updates)


def _apply_entry_updates(conn: duckdb.DuckDBPyConnection, updates: Sequence[EntryUpdate]) -> None:
    if not updates:
        return
    table = pa.table(
        {
            "url": [u[0] for u in updates],
            "status": [u[1] for u in updates],
            "error": pa.array([u[2] for u in updates], pa.string()),
            "attempted": pa.array([u[3] for u in updates], pa.bool_()),
        }
    )
    conn.register("entry_updates", table)
    conn.execute(
        "UPDATE feed_entries SET status = u.status, error = u.error,"
        " attempts = feed_entries.attempts + u.attempted::INTEGER FROM entry_updates u"
        " WHERE feed_entries.url = u.url AND feed_entries.status = 'pending'"
    )
    conn.unregister("entry_updates")


# -- story versions ------------------------------------------------------------------------
_STORY_COLUMNS = "article_id, source, title, label, published_at"


def link_story_versions(warehouse: Warehouse) -> int:
    """Link the articles not linked yet to their earlier versions; returns how many stories
    have more than one version.

    Only new articles look for earlier versions (and the labelled articles of the next
    day and a half of their outlet, which a new article may now precede); the stories
    whose chains that changes are renumbered. Same links as relinking everything
    (parsers.stories.link_versions), whatever order articles arrive in.
    """
    with warehouse.writer() as conn, transaction(conn):
        # New: never linked (a replaced article's link went with its old text), or
        # linked to an earlier version that is gone.
        conn.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE new_articles AS
            SELECT {_STORY_COLUMNS} FROM articles
            WHERE article_id NOT IN (SELECT article_id FROM story_links)
               OR article_id IN (
                   SELECT article_id FROM story_links WHERE previous_article_id IS NOT NULL
                   AND previous_article_id NOT IN (SELECT article_id FROM articles))
            """
        )
        new = [
            StoryCandidate(*row) for row in conn.execute("SELECT * FROM new_articles").fetchall()
        ]
        if new:
            _relink(conn, new)
        row = conn.execute(
            "SELECT count(DISTINCT story_id) FROM story_links WHERE version_seq > 1"
        ).fetchone()
    return int(row[0]) if row else 0


def _relink(conn: duckdb.DuckDBPyConnection, new: Sequence[StoryCandidate]) -> None:
    # Every article of the new articles' outlets within a window of them: their own
    # earlier versions, and the later labelled ones that may now continue them.
    nearby = [
        StoryCandidate(*row)
        for row in conn.execute(
            """
            SELECT DISTINCT a.article_id, a.source, a.title, a.label, a.published_at
            FROM new_articles n JOIN articles a
              ON a.source = n.source
             AND a.published_at BETWEEN n.published_at - ?::INTERVAL
                                    AND n.published_at + ?::INTERVAL
            """,
            [WINDOW, WINDOW],
        ).fetchall()
    ]
    by_source: dict[str, list[StoryCandidate]] = {}
    for candidate in sorted(nearby, key=_time_order):
        by_source.setdefault(candidate.source, []).append(candidate)
    new_ids = {c.article_id for c in new}
    stored = dict(
        conn.execute(
            "SELECT article_id, previous_article_id FROM story_links"
            " WHERE article_id IN (SELECT article_id FROM new_articles)"
            " OR article_id IN (SELECT * FROM unnest(?))",
            [[c.article_id for c in nearby]],
        ).fetchall()
    )
    previous: dict[str, str | None] = {c.article_id: None for c in new}
    for chain in by_source.values():
        for index, candidate in enumerate(chain):
            earlier = [
                c
                for c in chain[:index]
                if candidate.published_at - c.published_at <= WINDOW  # type: ignore[operator]
            ]
            # A stored article is looked at again only if a new one may now precede it.
            if candidate.article_id not in new_ids and not (
                is_version_label(candidate.label) and any(c.article_id in new_ids for c in earlier)
            ):
                continue
            match = find_previous(candidate, earlier)
            found = match.article_id if match else None
            if candidate.article_id in new_ids or stored.get(candidate.article_id) != found:
                previous[candidate.article_id] = found
    _renumber(conn, previous)


def _renumber(conn: duckdb.DuckDBPyConnection, changed: dict[str, str | None]) -> None:
    """Rewrite the stories the changed links touch, with every member they have."""
    conn.register(
        "changed_links",
        pa.table(
            {
                "article_id": pa.array(list(changed), pa.string()),
                "previous_article_id": pa.array(list(changed.values()), pa.string()),
            }
        ),
    )
    conn.execute(
        """
        CREATE OR REPLACE TEMP TABLE touched_stories AS
        SELECT story_id FROM story_links
        WHERE article_id IN (SELECT article_id FROM changed_links)
           OR article_id IN (SELECT previous_article_id FROM changed_links)
        """
    )
    rows = conn.execute(
        f"""
        SELECT {_STORY_COLUMNS.replace("article_id", "a.article_id")},
               CASE WHEN c.article_id IS NOT NULL THEN c.previous_article_id
                    ELSE s.previous_article_id END
        FROM articles a
        LEFT JOIN story_links s USING (article_id)
        LEFT JOIN changed_links c ON c.article_id = a.article_id
        WHERE c.article_id IS NOT NULL
           OR s.story_id IN (SELECT story_id FROM touched_stories)
        """
    ).fetchall()
    members = [StoryCandidate(*row[:5]) for row in rows]
    previous = {row[0]: row[5] for row in rows}
    versions = chain_versions(members, previous)
    conn.register(
        "linked",
        pa.table(
            {
                "article_id": pa.array([v.article_id for v in versions], pa.string()),
                "story_id": pa.array([v.story_id for v in versions], pa.string()),
                "version_seq": pa.array([v.version_seq for v in versions], pa.int32()),
                "is_latest": pa.array([v.is_latest for v in versions], pa.bool_()),
                "previous_article_id": pa.array(
                    [previous.get(v.article_id) for v in versions], pa.string()
                ),
            }
        ),
    )
    conn.execute(
        "DELETE FROM story_links WHERE article_id IN (SELECT article_id FROM linked)"
        " OR article_id NOT IN (SELECT article_id FROM articles)"
    )
    conn.execute("INSERT INTO story_links BY NAME SELECT * FROM linked")


def _time_order(candidate: StoryCandidate) -> tuple:
    return (candidate.published_at, candidate.article_id)
