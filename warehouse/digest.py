"""What is new: when each article, event and quote was first seen, and digest cursors.

Every refresh (the end of every run, and every digest) notes the items not seen before
under one new sighting number. A digest lists what came after its cursor's sighting and
moves the cursor; the Atom feed lists the events first seen in its window.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from warehouse.browse import QuoteRow, TimelineEvent, events_by_id
from warehouse.store import Warehouse
from warehouse.transaction import transaction

DEFAULT_CURSOR = "default"
# The table and id column of each kind of item.
_ITEMS = {"article": ("articles", "article_id"), "event": ("events", "event_id"),
          "quote": ("quotes", "quote_id")}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Sighting:
    number: int  # 0 when nothing was new
    seen_at: datetime
    new: dict[str, int]  # kind -> items first seen now


def record_sightings(warehouse: Warehouse) -> Sighting:
    """Note every article, event and quote not seen before, in one transaction."""
    now = datetime.now(UTC)
    new: dict[str, int] = {}
    with warehouse.writer() as conn, transaction(conn):
        row = conn.execute("SELECT coalesce(max(sighting), 0) + 1 FROM first_seen").fetchone()
        number = int(row[0]) if row else 1
        for kind, (table, column) in _ITEMS.items():
            conn.execute(
                f"""
                INSERT INTO first_seen
                SELECT ?, t.{column}, ?, ? FROM {table} t
                WHERE t.{column} NOT IN (SELECT item_id FROM first_seen WHERE kind = ?)
                """,
                [kind, number, now, kind],
            )
            count = conn.execute(
                "SELECT count(*) FROM first_seen WHERE kind = ? AND sighting = ?", [kind, number]
            ).fetchone()
            new[kind] = int(count[0]) if count else 0
    return Sighting(number if any(new.values()) else 0, now, new)


@dataclass(frozen=True, slots=True)
class NewArticle:
    published_at: datetime | None
    source: str
    title: str | None
    url: str | None
    article_id: str
    seen_at: datetime


@dataclass(slots=True)
class Digest:
    """Items first seen after a sighting (a cursor) or after a time."""

    since: str  # what "new" was measured from, in words
    articles: list[NewArticle] = field(default_factory=list)
    events: list[TimelineEvent] = field(default_factory=list)
    quotes: list[QuoteRow] = field(default_factory=list)


def digest_since_cursor(warehouse: Warehouse, cursor: str = DEFAULT_CURSOR) -> Digest:
    """What was first seen after the cursor; the cursor then moves past it."""
    record_sightings(warehouse)
    with warehouse.writer() as conn, transaction(conn):
        row = conn.execute(
            "SELECT sighting, moved_at FROM digest_cursors WHERE name = ?", [cursor]
        ).fetchone()
        after, moved_at = (int(row[0]), row[1]) if row else (0, None)
        last = conn.execute("SELECT coalesce(max(sighting), 0) FROM first_seen").fetchone()
        conn.execute(
            "INSERT OR REPLACE INTO digest_cursors VALUES (?, ?, ?)",
            [cursor, int(last[0]) if last else 0, datetime.now(UTC)],
        )
    since = (
        f"the previous digest ({moved_at.astimezone():%Y-%m-%d %H:%M})"
        if moved_at
        else "the beginning (first digest)"
    )
    return _digest(warehouse, "sighting > $after", {"after": after}, since)


def digest_since_time(warehouse: Warehouse, since: datetime) -> Digest:
    """What was first seen after a time; no cursor moves."""
    record_sightings(warehouse)
    return _digest(
        warehouse, "seen_at > $since", {"since": since}, f"{since.astimezone():%Y-%m-%d %H:%M}"
    )


def _digest(warehouse: Warehouse, condition: str, params: dict, since: str) -> Digest:
    digest = Digest(since)
    with warehouse.reader() as conn:
        new = f"SELECT kind, item_id, seen_at FROM first_seen WHERE {condition}"
        digest.articles = [
            NewArticle(*r)
            for r in conn.execute(
                f"""
                SELECT a.published_at, a.source, a.title, a.url, a.article_id, n.seen_at
                FROM ({new}) n JOIN articles a ON n.kind = 'article' AND a.article_id = n.item_id
                ORDER BY a.published_at DESC NULLS LAST, a.article_id
                """,
                params,
            ).fetchall()
        ]
        event_ids = [
            r[0]
            for r in conn.execute(
                f"SELECT item_id FROM ({new}) WHERE kind = 'event'", params
            ).fetchall()
        ]
        digest.quotes = [
            QuoteRow(*r)
            for r in conn.execute(
                f"""
                SELECT a.published_at, coalesce(e.name, q.speaker_text, 'unattributed'),
                       q.text, q.partial, a.source, a.title, a.url, q.article_id
                FROM ({new}) n JOIN quotes q ON n.kind = 'quote' AND q.quote_id = n.item_id
                JOIN articles a USING (article_id)
                LEFT JOIN entities e ON e.entity_id = q.speaker_entity_id
                ORDER BY a.published_at DESC NULLS LAST, q.article_id, q.paragraph_seq
                """,
                params,
            ).fetchall()
        ]
    digest.events = events_by_id(warehouse, event_ids)
    return digest


@dataclass(frozen=True, slots=True)
class FeedItem:
    event: TimelineEvent
    seen_at: datetime
    # (source, title, url, published_at) of the articles that reported it
    reports: list[tuple[str, str, str | None, datetime | None]]


def recent_new_events(warehouse: Warehouse, *, days: int, limit: int) -> list[FeedItem]:
    """Events first seen in the last `days` days, newest first, at most `limit`."""
    since = datetime.now(UTC) - timedelta(days=days)
    with warehouse.reader() as conn:
        seen = conn.execute(
            """
            SELECT f.item_id, f.seen_at FROM first_seen f JOIN events e ON e.event_id = f.item_id
            WHERE f.kind = 'event' AND f.seen_at >= ?
            ORDER BY f.seen_at DESC, e.event_date DESC NULLS LAST, f.item_id LIMIT ?
            """,
            [since, limit],
        ).fetchall()
        ids = [r[0] for r in seen]
        reports: dict[str, list] = {}
        for event_id, source, title, url, published in conn.execute(
            """
            SELECT DISTINCT m.event_id, a.source, a.title, a.url, a.published_at
            FROM event_mentions m JOIN articles a USING (article_id)
            WHERE list_contains($ids, m.event_id)
            ORDER BY a.published_at NULLS LAST, a.source, a.title
            """,
            {"ids": ids},
        ).fetchall():
            reports.setdefault(event_id, []).append((source, title, url, published))
    events = {e.event_id: e for e in events_by_id(warehouse, ids)}
    return [
        FeedItem(events[event_id], seen_at, reports.get(event_id, []))
        for event_id, seen_at in seen
        if event_id in events
    ]
