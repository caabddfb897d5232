"""What incremental resolution looks up in the warehouse, one statement per lookup.

`SqlStore` answers the walk of `parsers.extraction.incremental`: stored places of reports,
members of events, candidate events of reports (by `same_event.could_fit`'s keys) and the
stored reports a change could affect. Each lookup is one set-based statement over Arrow
tables of keys, never a loop of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence

import duckdb
import pyarrow as pa

from parsers.extraction.incremental import Candidate, Changed, Placed, Placement
from parsers.extraction.model import EventDate
from parsers.extraction.same_event import RANK, EventKeys, EventRecord, actor_pairs, kind_of
from warehouse.store import string_table


# -- keys --------------------------------------------------------------------------------
def report_keys(record: EventRecord) -> list[str]:
    """What a stored report is found by when an event changes (see same_event.could_fit)."""
    keys = [f"actor {a}" for a in sorted(record.actor_ids)]
    if record.date.value is None:
        keys += [f"pair {a}\t{b}" for a, b in actor_pairs(record.actor_ids)]
        if record.place:
            keys.append(f"place {record.place}")
        if record.place_country:
            keys.append(f"country {record.place_country}")
    return keys


def event_keys(keys: EventKeys) -> list[str]:
    """What a stored event is found by: every key a report could share with it."""
    return (
        [f"actor {a}" for a in sorted(keys.actors)]
        + [f"pair {a}\t{b}" for a, b in actor_pairs(keys.actors)]
        + [f"place {p}" for p in sorted(keys.places)]
        + [f"country {c}" for c in sorted(keys.countries)]
    )


def rank_of(record: EventRecord) -> int:
    return RANK[record.date.precision]


# Dates that agree (parsers.extraction.events.dates_agree) between `a` and `b`, both dated:
# one day at day precision, else the same year when either is a year, else the same month.
_DATES_AGREE = """
    CASE WHEN {a}.rank = 3 AND {b}.rank = 3 THEN {a}.event_date = {b}.event_date
         WHEN {a}.rank = 1 OR {b}.rank = 1 THEN true
         ELSE date_trunc('month', {a}.event_date) = date_trunc('month', {b}.event_date) END
"""
# `r` comes after the change `c` in the placing order.
_AFTER = "(r.rank < c.since_rank OR (r.rank = c.since_rank AND r.article_event_id > c.since_id))"


class SqlStore:
    """The walk's store (parsers.extraction.incremental.Store) over one connection."""

    def __init__(self, conn: duckdb.DuckDBPyConnection) -> None:
        self.conn = conn

    # -- reading reports -----------------------------------------------------------------
    def records(self, relation: str, columns: str = "") -> list[tuple]:
        """Reports of article_events joined to `relation` (which has article_event_id),
        with their place's country; `columns` adds columns of the relation."""
        extra = f", {columns}" if columns else ""
        return self.conn.execute(
            f"""
            SELECT e.article_event_id, e.article_id, e.event_type, e.meeting_kind,
                   e.modality, e.event_date, e.date_precision, e.month_hint,
                   e.place_entity_id, p.country_iso3, e.summary,
                   [a.entity_id FOR a IN e.actors], [a.role FOR a IN e.actors] {extra}
            FROM {relation} w
            JOIN article_events e USING (article_event_id)
            LEFT JOIN entities p ON p.entity_id = e.place_entity_id
            """
        ).fetchall()

    def to_records(self, rows: Sequence[tuple]) -> list[EventRecord]:
        actor_ids = {a for row in rows for a in row[11]}
        people = self._people(actor_ids)
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
                actors=tuple(zip(row[11], row[12], strict=True)),
                people=frozenset(a for a in row[11] if a in people),
            )
            for row in rows
        ]

    def _people(self, entity_ids: Collection[str]) -> set[str]:
        if not entity_ids:
            return set()
        self.conn.register("maybe_people", string_table(entity_id=list(entity_ids)))
        rows = self.conn.execute(
            "SELECT entity_id FROM entities JOIN maybe_people USING (entity_id)"
            " WHERE entity_type = 'PERSON'"
        ).fetchall()
        return {r[0] for r in rows}

    def articles_records(self, article_ids: Sequence[str]) -> list[EventRecord]:
        self.conn.register("chunk_articles", string_table(article_id=article_ids))
        rows = self.records(
            "(SELECT article_event_id FROM article_events JOIN chunk_articles USING (article_id))"
        )
        return self.to_records(rows)

    def vanished_reports(self, article_ids: Sequence[str]) -> list[str]:
        """Stored reports of these articles that their extraction no longer has."""
        self.conn.register("chunk_articles", string_table(article_id=article_ids))
        rows = self.conn.execute(
            "SELECT r.article_event_id FROM resolution_reports r"
            " JOIN chunk_articles USING (article_id)"
            " WHERE r.article_event_id NOT IN (SELECT article_event_id FROM article_events"
            " JOIN chunk_articles USING (article_id))"
        ).fetchall()
        return [r[0] for r in rows]

    # -- the Store protocol --------------------------------------------------------------
    def placed(self, ids: Collection[str]) -> dict[str, Placed]:
        if not ids:
            return {}
        self.conn.register("wanted_reports", string_table(article_event_id=list(ids)))
        rows = self.conn.execute(
            "SELECT article_event_id, kind, rank, event_key, accepted_first, accepted_second"
            " FROM resolution_reports JOIN wanted_reports USING (article_event_id)"
        ).fetchall()
        return {row[0]: _placed(row) for row in rows}

    def members(self, events: Collection[str]) -> dict[str, list[EventRecord]]:
        if not events:
            return {}
        self.conn.register("wanted_events", string_table(event_key=list(events)))
        rows = self.records(
            "(SELECT article_event_id, event_key FROM resolution_reports"
            " JOIN wanted_events USING (event_key))",
            "w.event_key",
        )
        found: dict[str, list[EventRecord]] = defaultdict(list)
        for record, row in zip(self.to_records(rows), rows, strict=True):
            found[row[13]].append(record)
        return found

    def candidates(
        self, records: Sequence[EventRecord], skip: int, limit: int
    ) -> dict[str, list[Candidate]]:
        if not records:
            return {}
        self.conn.register("lookup_reports", _lookup_reports(records))
        self.conn.register("lookup_keys", lookup_keys(records))
        rows = self.conn.execute(
            f"""
            WITH dated AS (
                SELECT l.article_event_id, e.event_key
                FROM lookup_reports l
                JOIN resolution_events e
                  ON e.kind = l.kind AND year(e.event_date) = year(l.event_date)
                WHERE l.rank > 0 AND e.rank > 0 AND {_DATES_AGREE.format(a="e", b="l")}
            ),
            dated_tied AS (
                SELECT DISTINCT d.article_event_id, d.event_key
                FROM dated d
                JOIN lookup_keys q ON q.article_event_id = d.article_event_id
                JOIN resolution_event_keys k ON k.event_key = d.event_key AND k.key = q.key
                WHERE q.key LIKE 'actor %'
            ),
            paired AS (
                SELECT q.article_event_id, k.event_key
                FROM lookup_keys q
                JOIN resolution_event_keys k ON k.kind = q.kind AND k.key = q.key
                WHERE q.key LIKE 'pair %'
            ),
            placed AS (
                SELECT DISTINCT q.article_event_id, k.event_key
                FROM lookup_keys q
                JOIN resolution_event_keys k ON k.kind = q.kind AND k.key = q.key
                WHERE q.key LIKE 'place %' OR q.key LIKE 'country %'
            ),
            placed_tied AS (
                SELECT DISTINCT p.article_event_id, p.event_key
                FROM placed p
                JOIN lookup_keys q ON q.article_event_id = p.article_event_id
                JOIN resolution_event_keys k ON k.event_key = p.event_key AND k.key = q.key
                WHERE q.key LIKE 'actor %'
            ),
            found AS (
                SELECT * FROM dated_tied
                UNION SELECT * FROM paired
                UNION SELECT * FROM placed_tied
            ),
            ranked AS (
                SELECT f.article_event_id, f.event_key, e.rank,
                       row_number() OVER (
                           PARTITION BY f.article_event_id ORDER BY e.rank DESC, f.event_key
                       ) AS n
                FROM found f JOIN resolution_events e USING (event_key)
            )
            SELECT article_event_id, event_key, rank FROM ranked
            WHERE n > ? AND n <= ?
            ORDER BY article_event_id, n
            """,
            [skip, skip + limit],
        ).fetchall()
        found: dict[str, list[Candidate]] = defaultdict(list)
        for report_id, event_key, rank in rows:
            found[report_id].append(Candidate(event_key, rank))
        return found

    def affected_by(
        self, changes: Sequence[Changed], exclude: Collection[str]
    ) -> list[tuple[EventRecord, Placed]]:
        if not changes:
            return []
        self.conn.register("changed", _changes(changes))
        self.conn.register("changed_keys", _change_keys(changes))
        rows = self.conn.execute(
            f"""
            WITH in_or_accepting AS (
                SELECT r.article_event_id
                FROM resolution_reports r JOIN changed c ON r.event_key = c.event_key
                WHERE {_AFTER}
                UNION
                SELECT r.article_event_id
                FROM resolution_reports r JOIN changed c ON r.accepted_first = c.event_key
                WHERE {_AFTER}
                UNION
                SELECT r.article_event_id
                FROM resolution_reports r JOIN changed c ON r.accepted_second = c.event_key
                WHERE {_AFTER}
            ),
            dated_window AS (
                SELECT r.article_event_id, c.event_key
                FROM changed c
                JOIN resolution_reports r
                  ON r.kind = c.kind AND year(r.event_date) = year(c.event_date)
                WHERE c.present AND c.rank > 0 AND r.rank > 0
                  AND {_DATES_AGREE.format(a="r", b="c")} AND {_AFTER}
            ),
            dated_tied AS (
                SELECT DISTINCT d.article_event_id
                FROM dated_window d
                JOIN changed_keys ck ON ck.event_key = d.event_key
                JOIN resolution_report_keys rk
                  ON rk.article_event_id = d.article_event_id AND rk.key = ck.key
                WHERE ck.key LIKE 'actor %'
            ),
            open_undated AS (
                SELECT * FROM resolution_reports WHERE rank = 0 AND accepted_second IS NULL
            ),
            paired AS (
                SELECT r.article_event_id
                FROM changed_keys ck
                JOIN resolution_report_keys rk ON rk.kind = ck.kind AND rk.key = ck.key
                JOIN open_undated r ON r.article_event_id = rk.article_event_id
                JOIN changed c ON c.event_key = ck.event_key AND c.kind = ck.kind
                WHERE ck.key LIKE 'pair %' AND {_AFTER}
            ),
            placed AS (
                SELECT DISTINCT r.article_event_id, c.event_key
                FROM changed_keys ck
                JOIN resolution_report_keys rk ON rk.kind = ck.kind AND rk.key = ck.key
                JOIN open_undated r ON r.article_event_id = rk.article_event_id
                JOIN changed c ON c.event_key = ck.event_key AND c.kind = ck.kind
                WHERE (ck.key LIKE 'place %' OR ck.key LIKE 'country %') AND {_AFTER}
            ),
            placed_tied AS (
                SELECT DISTINCT p.article_event_id
                FROM placed p
                JOIN changed_keys ck ON ck.event_key = p.event_key
                JOIN resolution_report_keys rk
                  ON rk.article_event_id = p.article_event_id AND rk.key = ck.key
                WHERE ck.key LIKE 'actor %'
            )
            SELECT article_event_id FROM in_or_accepting
            UNION SELECT article_event_id FROM dated_tied
            UNION SELECT article_event_id FROM paired
            UNION SELECT article_event_id FROM placed_tied
            """
        ).fetchall()
        ids = [r[0] for r in rows if r[0] not in exclude]
        if not ids:
            return []
        placed = self.placed(ids)
        self.conn.register("wanted_reports", string_table(article_event_id=ids))
        records = self.to_records(self.records("wanted_reports"))
        return [(r, placed[r.article_event_id]) for r in records]


def _placed(row: tuple) -> Placed:
    accepted = tuple(a for a in (row[4], row[5]) if a is not None)
    return Placed(row[0], row[1], row[2], Placement(row[3], accepted))


# -- Arrow tables ------------------------------------------------------------------------
def _lookup_reports(records: Sequence[EventRecord]) -> pa.Table:
    return pa.table(
        {
            "article_event_id": pa.array([r.article_event_id for r in records], pa.string()),
            "kind": pa.array([kind_of(r) for r in records], pa.string()),
            "rank": pa.array([rank_of(r) for r in records], pa.int8()),
            "event_date": pa.array([r.date.value for r in records], pa.date32()),
        }
    )


def lookup_keys(records: Sequence[EventRecord]) -> pa.Table:
    ids, kinds, keys = [], [], []
    for record in records:
        kind = kind_of(record)
        for key in report_keys(record):
            ids.append(record.article_event_id)
            kinds.append(kind)
            keys.append(key)
    return string_table(article_event_id=ids, kind=kinds, key=keys)


def _changes(changes: Sequence[Changed]) -> pa.Table:
    present = [c.keys is not None for c in changes]
    return pa.table(
        {
            "event_key": pa.array([c.event for c in changes], pa.string()),
            "kind": pa.array([c.kind for c in changes], pa.string()),
            "since_rank": pa.array([-c.since[0] for c in changes], pa.int8()),
            "since_id": pa.array([c.since[1] for c in changes], pa.string()),
            "present": pa.array(present, pa.bool_()),
            "rank": pa.array(
                [RANK[c.keys.date.precision] if c.keys else None for c in changes], pa.int8()
            ),
            "event_date": pa.array(
                [c.keys.date.value if c.keys else None for c in changes], pa.date32()
            ),
        }
    )


def _change_keys(changes: Sequence[Changed]) -> pa.Table:
    events, kinds, keys = [], [], []
    for change in changes:
        if change.keys is None:
            continue
        for key in event_keys(change.keys):
            events.append(change.event)
            kinds.append(change.kind)
            keys.append(key)
    return string_table(event_key=events, kind=kinds, key=keys)
