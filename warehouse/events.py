"""Reading article events for cross-article resolution, writing the resolved events."""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from parsers.extraction.events import EVENT_TYPES
from parsers.extraction.model import EventDate
from parsers.extraction.resolve import EventRecord, ResolvedEvent
from warehouse.store import Warehouse
from warehouse.transaction import transaction


def read_event_records(warehouse: Warehouse) -> list[EventRecord]:
    with warehouse.writer() as conn:
        rows = conn.execute(
            """
            SELECT e.article_event_id, e.article_id, e.event_type, e.meeting_kind, e.modality,
                   e.event_date, e.date_precision, e.month_hint, e.place_entity_id,
                   p.country_iso3, e.summary,
                   e.actors
            FROM article_events e
            LEFT JOIN entities p ON p.entity_id = e.place_entity_id
            """
        ).fetchall()
        people = {
            r[0]
            for r in conn.execute(
                "SELECT entity_id FROM entities WHERE entity_type = 'PERSON'"
            ).fetchall()
        }
    return [
        EventRecord(
            article_event_id=row[0],
            article_id=row[1],
            event_type=row[2],
            meeting_kind=row[3],
            modality=row[4],
            date=EventDate(row[5], row[6], month_hint=row[7]),
            place=row[8],
            place_country=row[9],
            summary=row[10],
            actors=tuple((a["entity_id"], a["role"]) for a in row[11]),
            people=frozenset(a["entity_id"] for a in row[11] if a["entity_id"] in people),
        )
        for row in rows
    ]


def write_events(warehouse: Warehouse, resolved: Sequence[ResolvedEvent], version: str) -> None:
    """Replace the events tables with this resolution, in one transaction."""
    events, actors, mentions = [], [], []
    for event in resolved:
        head = event.head
        plover, cameo = EVENT_TYPES[head.event_type]
        events.append(
            {
                "event_id": event.event_id,
                "event_type": head.event_type,
                "plover_type": plover,
                "cameo_root": cameo,
                "event_date": event.date.value,
                "date_precision": event.date.precision,
                "place_entity_id": event.place,
                "modality": head.modality,
                "summary": head.summary,
                "extractor_version": version,
            }
        )
        actors.extend(
            {"event_id": event.event_id, "entity_id": entity_id, "role": role}
            for entity_id, role in event.actors().items()
        )
        mentions.extend(
            {"event_id": event.event_id, "article_event_id": m.article_event_id}
            for m in event.members
        )
    with warehouse.writer() as conn:
        conn.register("new_events", pa.Table.from_pylist(events, schema=_EVENTS))
        conn.register("new_event_actors", pa.Table.from_pylist(actors, schema=_ACTORS))
        conn.register("new_event_members", pa.Table.from_pylist(mentions, schema=_MEMBERS))
        with transaction(conn):
            for table in ("event_mentions", "event_actors", "events"):
                conn.execute(f"DELETE FROM {table}")
            conn.execute("INSERT INTO events BY NAME SELECT * FROM new_events")
            conn.execute("INSERT INTO event_actors BY NAME SELECT * FROM new_event_actors")
            conn.execute(
                """
                INSERT INTO event_mentions BY NAME
                SELECT m.event_id, e.article_id, s.paragraph_seq, s.sentence, e.article_event_id
                FROM new_event_members m
                JOIN article_events e USING (article_event_id),
                     unnest(e.sentences) AS u(s)
                """
            )


_EVENTS = pa.schema(
    [
        ("event_id", pa.string()),
        ("event_type", pa.string()),
        ("plover_type", pa.string()),
        ("cameo_root", pa.string()),
        ("event_date", pa.date32()),
        ("date_precision", pa.string()),
        ("place_entity_id", pa.string()),
        ("modality", pa.string()),
        ("summary", pa.string()),
        ("extractor_version", pa.string()),
    ]
)
_ACTORS = pa.schema([("event_id", pa.string()), ("entity_id", pa.string()), ("role", pa.string())])
_MEMBERS = pa.schema([("event_id", pa.string()), ("article_event_id", pa.string())])


def event_ids(warehouse: Warehouse) -> set[str]:
    if not warehouse.path.exists():
        return set()
    with warehouse.writer() as conn:
        return {r[0] for r in conn.execute("SELECT event_id FROM events").fetchall()}


def timeline_rows(warehouse: Warehouse, ids: Sequence[str]) -> list[dict[str, object]]:
    """Rows of the event_timeline view for these events, in date order."""
    if not ids:
        return []
    with warehouse.writer() as conn:
        conn.register("wanted_events", pa.table({"event_id": pa.array(list(ids), pa.string())}))
        cursor = conn.execute(
            "SELECT event_date::VARCHAR AS event_date, date_precision, event_type, modality,"
            " summary, actors, place, sources FROM event_timeline"
            " JOIN wanted_events USING (event_id) ORDER BY event_date NULLS LAST, event_type"
        )
        columns = [d[0] for d in cursor.description or []]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
