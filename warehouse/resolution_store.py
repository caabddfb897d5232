"""What incremental resolution looks up in the warehouse, one statement per lookup.

`SqlStore` answers the walk of `parsers.extraction.incremental`: stored places of reports,
members of events, candidate events of reports (by `same_event.could_fit`'s keys) and the
stored reports a change could affect. Each lookup is one set-based statement over Arrow
tables of keys, never a loop of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import date

import duckdb
import pyarrow as pa

from parsers.extraction.incremental import (
    Affected,
    Candidate,
    Changed,
    Placed,
    Placement,
    Position,
)
from parsers.extraction.model import PRECISION_RANK, EventDate
from parsers.extraction.same_event import (
    EventKeys,
    EventRecord,
    event_keys,
    kind_of,
    report_keys,
)
from warehouse.scan import execute
from warehouse.store import string_table


# -- keys --------------------------------------------------------------------------------
def rank_of(record: EventRecord) -> int:
    return PRECISION_RANK[record.date.precision]


# What `records` reads of a report: its article_events row (`e`) and its place's country
# (`p`, entities); then the day its article appeared (`art`, articles).
_REPORT_COLUMNS = """e.article_event_id, e.article_id, e.event_type, e.meeting_kind,
    e.modality, e.event_date, e.date_precision, e.month_hint,
    e.place_entity_id, p.country_iso3, e.summary,
    [a.entity_id FOR a IN e.actors], [a.role FOR a IN e.actors]"""
_REPORTED = "coalesce(art.published_date, CAST(art.published_at AT TIME ZONE 'UTC' AS DATE))"

# `r` comes after the change `c` in the placing order.
_AFTER = "(r.rank < c.since_rank OR (r.rank = c.since_rank AND r.article_event_id > c.since_id))"


def keyed(kind: str, key: str) -> str:
    """A key of `same_event` within its kind; stored as its 64-bit hash (a collision only
    makes a lookup return one candidate too many, which the rule then turns down)."""
    return f"{kind}\x1f{key}"


class SqlStore:
    """The walk's store (parsers.extraction.incremental.Store) over one connection, for
    one placing (`place_changes`): the stored reports and events must not change while
    it is used, because it keeps what it read. Make a new one after writing."""

    def __init__(
        self,
        conn: duckdb.DuckDBPyConnection,
        actor_facts: dict[str, tuple[bool, str | None]] | None = None,
    ) -> None:
        self.conn = conn
        # Per entity met so far: whether it is a person and the country it acts for
        # (entities do not change during a resolution), so each is looked up once; may be
        # shared by the stores of one resolution.
        self.actor_facts: dict[str, tuple[bool, str | None]] = (
            actor_facts if actor_facts is not None else {}
        )
        # What `affected_by` found, and the stored reports it read. A placing
        # asks again after every pass, with the changes of the pass before and a few
        # more; in a long history a change's keys match thousands of stored reports (at
        # 100,000 articles: ~3,000 per pass, 2.5 s), which are the same every time.
        # Per changed event and per key: the turn looked up from, and every stored report
        # after it (with its own turn), in the event or accepting it / fitting by the key.
        self._in_or_accepting: dict[str, tuple[Position, list[tuple[str, Position]]]] = {}
        self._could_fit: dict[str, tuple[Position, list[tuple[str, Position]]]] = {}
        # Undated reports that fitted two events are affected by a key only when a dated
        # event changed with it (they may join the one dated event they fit): read, per
        # key, only once such a change asks for them.
        self._two_fits: set[str] = set()  # reports among those
        self._keys_with_two_fits: set[str] = set()
        self._stored: dict[str, tuple[EventRecord, Placed, int, tuple[int | None, ...]]] = {}
        self._reported_days: dict[str, date | None] = {}
        # Reports looked up by article_events' index at most: DuckDB scans the table
        # instead when an IN list holds more values than this.
        self.index_lookup_max = int(
            conn.execute("SELECT current_setting('index_scan_max_count')").fetchone()[0]  # type: ignore[index]
        )

    # -- reading reports -----------------------------------------------------------------
    def records(self, relation: str, columns: str = "", **tables: pa.Table) -> list[tuple]:
        """Reports of article_events joined to `relation` (which has article_event_id),
        with their place's country; `columns` adds columns of the relation, `tables` are
        the Arrow tables it reads; the last column is the day the report's article
        appeared."""
        extra = f", {columns}" if columns else ""
        return execute(
            self.conn,
            f"""
            SELECT {_REPORT_COLUMNS} {extra}, {_REPORTED}
            FROM {relation} w
            JOIN article_events e USING (article_event_id)
            LEFT JOIN entities p ON p.entity_id = e.place_entity_id
            LEFT JOIN articles art ON art.article_id = e.article_id
            """,
            None,
            **tables,
        ).fetchall()

    def records_by_id(
        self, ids: Sequence[str], extra: Sequence[object] | None = None
    ) -> list[tuple]:
        """`records` of a few reports (at most `index_lookup_max`), with one added column
        when `extra` gives it (per id), found by article_events' primary-key index: a join
        reads every stored report (0.1-0.3 s at 100,000 articles, whatever it finds), a
        lookup of 200 reports by the index about 10 ms."""
        rows = self.conn.execute(
            f"SELECT {_REPORT_COLUMNS} FROM article_events e"
            " LEFT JOIN entities p ON p.entity_id = e.place_entity_id"
            f" WHERE e.article_event_id IN ({_literals(ids)})"
        ).fetchall()
        reported = self._reported({row[1] for row in rows})
        if extra is None:
            return [(*row, reported[row[1]]) for row in rows]
        added = dict(zip(ids, extra, strict=True))
        return [(*row, added[row[0]], reported[row[1]]) for row in rows]

    def records_with(self, ids: Sequence[str], extra: Sequence[str] | None = None) -> list[tuple]:
        """`records` of these reports, with one added column when `extra` gives it (per
        id): by the index when they are few, else by a join."""
        if len(ids) <= self.index_lookup_max:
            return self.records_by_id(ids, extra)
        wanted = (
            {"article_event_id": ids}
            if extra is None
            else {"article_event_id": ids, "extra": extra}
        )
        return self.records(
            "wanted_reports",
            "" if extra is None else "w.extra",
            wanted_reports=string_table(**wanted),
        )

    def _reported(self, article_ids: Collection[str]) -> dict[str, date | None]:
        """The day each article appeared (by the articles' index), each read once."""
        missing = sorted(a for a in article_ids if a not in self._reported_days)
        for start in range(0, len(missing), self.index_lookup_max):
            chunk = missing[start : start + self.index_lookup_max]
            self._reported_days.update(
                self.conn.execute(
                    f"SELECT art.article_id, {_REPORTED} FROM articles art"
                    f" WHERE art.article_id IN ({_literals(chunk)})"
                ).fetchall()
            )
        return {a: self._reported_days.get(a) for a in article_ids}

    def to_records(self, rows: Sequence[tuple]) -> list[EventRecord]:
        actor_ids = {a for row in rows for a in row[11]}
        people, countries = self._actor_facts(actor_ids)
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
                reported=row[-1],
                sides=tuple((a, countries[a]) for a in row[11] if a in countries),
            )
            for row in rows
        ]

    def _actor_facts(self, entity_ids: Collection[str]) -> tuple[set[str], dict[str, str]]:
        """Which of the actors are people, and the country each acts for (the side
        `same_event` counts), where the entity has one. Each entity is asked about
        once per resolution: records are read many times, their actors repeat."""
        unknown = [e for e in entity_ids if e not in self.actor_facts]
        if unknown:
            rows = execute(
                self.conn,
                "SELECT entity_id, entity_type, country_iso3 FROM entities"
                " JOIN actor_ids USING (entity_id)",
                actor_ids=string_table(entity_id=unknown),
            ).fetchall()
            found = {r[0]: (r[1] == "PERSON", r[2]) for r in rows}
            self.actor_facts.update((e, found.get(e, (False, None))) for e in unknown)
        facts = {e: self.actor_facts[e] for e in entity_ids}
        people = {e for e, (is_person, _) in facts.items() if is_person}
        return people, {e: country for e, (_, country) in facts.items() if country}

    def articles_records(self, article_ids: Sequence[str]) -> list[EventRecord]:
        rows = self.records(
            "(SELECT article_event_id FROM article_events JOIN chunk_articles USING (article_id))",
            chunk_articles=string_table(article_id=article_ids),
        )
        return self.to_records(rows)

    def kind_records(self, combos: Sequence[tuple]) -> list[EventRecord]:
        """Every stored report of these (event_type, meeting_kind, modality)."""
        kind_combos = pa.table(
            {
                "event_type": pa.array([c[0] for c in combos], pa.string()),
                "meeting_kind": pa.array([c[1] for c in combos], pa.string()),
                "modality": pa.array([c[2] for c in combos], pa.string()),
            }
        )
        return self.to_records(
            self.records(
                "(SELECT article_event_id FROM article_events e JOIN kind_combos c"
                " ON e.event_type = c.event_type AND e.modality = c.modality"
                " AND e.meeting_kind IS NOT DISTINCT FROM c.meeting_kind)",
                kind_combos=kind_combos,
            )
        )

    def vanished_reports(self, article_ids: Sequence[str]) -> list[str]:
        """Stored reports of these articles that their extraction no longer has."""
        rows = execute(
            self.conn,
            "SELECT r.article_event_id FROM resolution_reports r"
            " JOIN chunk_articles USING (article_id)"
            " WHERE r.article_event_id NOT IN (SELECT article_event_id FROM article_events"
            " JOIN chunk_articles USING (article_id))",
            chunk_articles=string_table(article_id=article_ids),
        ).fetchall()
        return [r[0] for r in rows]

    # -- the Store protocol --------------------------------------------------------------
    def placed(self, ids: Collection[str]) -> dict[str, Placed]:
        if not ids:
            return {}
        rows = execute(
            self.conn,
            "SELECT article_event_id, kind, rank, event_key, accepted_first, accepted_second"
            " FROM resolution_reports JOIN wanted_reports USING (article_event_id)",
            wanted_reports=string_table(article_event_id=list(ids)),
        ).fetchall()
        return {row[0]: _placed(row) for row in rows}

    def members(self, events: Collection[str]) -> dict[str, list[EventRecord]]:
        if not events:
            return {}
        wanted_events = string_table(event_key=list(events))
        placed = execute(
            self.conn,
            "SELECT article_event_id, event_key FROM resolution_reports"
            " JOIN wanted_events USING (event_key)",
            wanted_events=wanted_events,
        ).fetchall()
        if not placed:
            return {}
        rows = self.records_with([p[0] for p in placed], [p[1] for p in placed])
        found: dict[str, list[EventRecord]] = defaultdict(list)
        for record, row in zip(self.to_records(rows), rows, strict=True):
            found[row[13]].append(record)
        return found

    def candidates(
        self, records: Sequence[EventRecord], skip: int, limit: int
    ) -> dict[str, list[Candidate]]:
        if not records:
            return {}
        # Each distinct key's first events in founding order, then per report the first of
        # their union: the same as the first of each report's whole list, and a dense key
        # (North Korea and the United States) is read once, not once per report.
        rows = execute(
            self.conn,
            """
            WITH wanted AS (
                SELECT article_event_id, hash(key) AS h FROM lookup_keys
            ),
            per_key AS (
                SELECT k.h, k.event_key, k.rank,
                       row_number() OVER (
                           PARTITION BY k.h ORDER BY k.rank DESC, k.event_key
                       ) AS n
                FROM resolution_event_keys k
                WHERE k.h IN (SELECT h FROM wanted)
            ),
            found AS (
                SELECT DISTINCT w.article_event_id, p.event_key, p.rank
                FROM wanted w JOIN per_key p USING (h)
                WHERE p.n <= ?
            ),
            ranked AS (
                SELECT *, row_number() OVER (
                    PARTITION BY article_event_id ORDER BY rank DESC, event_key
                ) AS n
                FROM found
            )
            SELECT article_event_id, event_key, rank FROM ranked
            WHERE n > ? AND n <= ?
            ORDER BY article_event_id, n
            """,
            [skip + limit, skip, skip + limit],
            lookup_keys=lookup_keys(records),
        ).fetchall()
        found: dict[str, list[Candidate]] = defaultdict(list)
        for report_id, event_key, rank in rows:
            found[report_id].append(Candidate(event_key, rank))
        return found

    def events_by_keys(
        self, keys: Collection[tuple[str, str]]
    ) -> dict[tuple[str, str], list[Candidate]]:
        wanted = list(keys)
        rows = execute(
            self.conn,
            "SELECT w.key, k.event_key, k.rank FROM wanted_keys w"
            " JOIN resolution_event_keys k ON k.h = hash(w.key)"
            " ORDER BY w.key, k.rank DESC, k.event_key",
            wanted_keys=string_table(key=[keyed(kind, key) for kind, key in wanted]),
        ).fetchall()
        by_keyed: dict[str, list[Candidate]] = defaultdict(list)
        for key, event_key, rank in rows:
            by_keyed[key].append(Candidate(event_key, rank))
        return {(kind, key): by_keyed.get(keyed(kind, key), []) for kind, key in wanted}

    def affected_by(self, changes: Sequence[Changed], exclude: Collection[str]) -> list[Affected]:
        if not changes:
            return []
        # A report is affected when it comes after the earliest change of an event it is
        # in or accepts, or of a key it could fit by.
        since: dict[str, Position] = {}  # per changed event
        for change in changes:
            since[change.event] = min(since.get(change.event, change.since), change.since)
        key_since: dict[str, Position] = {}
        dated_keys: set[str] = set()
        for change in changes:
            if change.keys is not None:
                for key in event_keys(change.keys):
                    k = keyed(change.kind, key)
                    key_since[k] = min(key_since.get(k, change.since), change.since)
                    if change.keys.date.value is not None:
                        dated_keys.add(k)
        self._look_up_affected(since, key_since, dated_keys)
        events_with = _events_by_key(changes)
        direct: set[str] = set()
        matched: dict[str, set[str]] = defaultdict(set)
        for event, turn in since.items():
            direct.update(i for i, pos in self._in_or_accepting[event][1] if pos > turn)
        for key, turn in key_since.items():
            for report_id, pos in self._could_fit[key][1]:
                if pos > turn and (key in dated_keys or report_id not in self._two_fits):
                    matched[report_id].update(events_with[key])
        direct -= set(exclude)
        for report_id in exclude:
            matched.pop(report_id, None)
        ids = sorted(direct | set(matched))
        if not ids:
            return []
        stored = self._stored_reports(ids)
        return [
            Affected(
                record,
                placed,
                # A report that changed kind changes its old event and founds one of the
                # new kind under the same key: the earlier of the two turns counts.
                _involved(placed, record.position, since),
                frozenset(matched.get(report_id, ())),
                event_rank,
                accepted_ranks,
            )
            for report_id in ids
            if report_id in stored
            for record, placed, event_rank, accepted_ranks in (stored[report_id],)
        ]

    def _look_up_affected(
        self, since: dict[str, Position], key_since: dict[str, Position], dated_keys: set[str]
    ) -> None:
        """Read the stored reports after these turns of these events and keys, unless a
        lookup from an earlier turn (which found them all) is kept."""

        def stale(kept: dict[str, tuple[Position, list]], wanted: dict[str, Position]):
            return {x: t for x, t in wanted.items() if x not in kept or kept[x][0] > t}

        events, keys = stale(self._in_or_accepting, since), stale(self._could_fit, key_since)
        # A key kept without the reports that fitted two events, now asked for them.
        keys.update(
            (k, min(key_since[k], self._could_fit[k][0]))
            for k in dated_keys - self._keys_with_two_fits
            if k in self._could_fit and k not in keys
        )
        if not events and not keys:
            return
        rows = execute(
            self.conn,
            f"""
            WITH in_or_accepting AS (
                SELECT c.event_key, r.article_event_id, r.rank
                FROM resolution_reports r JOIN changed c ON r.event_key = c.event_key
                WHERE {_AFTER}
                UNION
                SELECT c.event_key, r.article_event_id, r.rank
                FROM resolution_reports r JOIN changed c ON r.accepted_first = c.event_key
                WHERE {_AFTER}
                UNION
                SELECT c.event_key, r.article_event_id, r.rank
                FROM resolution_reports r JOIN changed c ON r.accepted_second = c.event_key
                WHERE {_AFTER}
            ),
            -- Reports a changed event could fit now: dated ones (a new first fit),
            -- undated ones that fitted at most one event, and, by the key of a dated
            -- event, undated ones that fitted two (an undated report joins the one dated
            -- event it fits); with the keys they share.
            could_fit AS (
                SELECT c.key, r.article_event_id, r.rank,
                       r.rank = 0 AND r.accepted_second IS NOT NULL AS two
                FROM (SELECT *, hash(key) AS h FROM changed_keys) c
                JOIN resolution_report_keys k USING (h)
                JOIN resolution_reports r ON r.article_event_id = k.article_event_id
                WHERE (r.rank > 0 OR r.accepted_second IS NULL OR c.dated) AND {_AFTER}
            )
            SELECT false, event_key, article_event_id, rank, false FROM in_or_accepting
            UNION ALL SELECT true, key, article_event_id, rank, two FROM could_fit
            """,
            None,
            changed=_turns("event_key", events),
            changed_keys=_turns("key", keys, dated=dated_keys),
        ).fetchall()
        for kept, wanted in ((self._in_or_accepting, events), (self._could_fit, keys)):
            for x, turn in wanted.items():
                kept[x] = (turn, [])
        self._keys_with_two_fits.update(k for k in keys if k in dated_keys)
        self._keys_with_two_fits.difference_update(k for k in keys if k not in dated_keys)
        for by_key, x, report_id, rank, two in rows:
            (self._could_fit if by_key else self._in_or_accepting)[x][1].append(
                (report_id, (-rank, report_id))
            )
            if two:
                self._two_fits.add(report_id)

    def _stored_reports(
        self, ids: Sequence[str]
    ) -> dict[str, tuple[EventRecord, Placed, int, tuple[int | None, ...]]]:
        """Stored reports with their place, their event's founding rank and the founding
        ranks of the events their decision accepted, each read once per store."""
        missing = [i for i in ids if i not in self._stored]
        if missing:
            placed = execute(
                self.conn,
                """
                WITH wanted AS (
                    SELECT r.* FROM resolution_reports r
                    JOIN wanted_reports USING (article_event_id)
                ),
                -- The founding ranks of their events and of those they accepted, read in
                -- one pass over the events.
                ranks AS (
                    SELECT event_key, rank FROM resolution_events
                    WHERE event_key IN (
                        SELECT event_key FROM wanted
                        UNION SELECT accepted_first FROM wanted
                        UNION SELECT accepted_second FROM wanted
                    )
                )
                SELECT w.article_event_id, w.kind, w.rank, w.event_key, w.accepted_first,
                       w.accepted_second, coalesce(e.rank, 0), first.rank, second.rank
                FROM wanted w
                LEFT JOIN ranks e USING (event_key)
                LEFT JOIN ranks first ON first.event_key = w.accepted_first
                LEFT JOIN ranks second ON second.event_key = w.accepted_second
                """,
                wanted_reports=string_table(article_event_id=missing),
            ).fetchall()
            # The reports' contents apart: joined to the statement above, DuckDB reads
            # them about twice as slowly (0.25 s against 0.13 s for 3,000 at 100,000).
            found = [p[0] for p in placed]
            records = self.to_records(self.records_with(found))
            by_id = {row[0]: row for row in placed}
            for record in records:
                row = by_id[record.article_event_id]
                ranks = zip(row[7:9], row[4:6], strict=True)
                self._stored[row[0]] = (
                    record,
                    _placed(row[:6]),
                    row[6],
                    tuple(r for r, a in ranks if a is not None),
                )
        return {i: self._stored[i] for i in ids if i in self._stored}


def _involved(placed: Placed, turn: tuple[int, str], since: dict) -> frozenset[str]:
    """The events of a report's decision that changed before its turn."""
    mine = (placed.placement.event, *placed.placement.accepted)
    return frozenset(e for e in mine if e in since and since[e] < turn)


def _events_by_key(changes: Sequence[Changed]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for change in changes:
        if change.keys is not None:
            for key in event_keys(change.keys):
                found[keyed(change.kind, key)].add(change.event)
    return found


def _literals(values: Sequence[str]) -> str:
    """SQL string literals of `values`, for an IN list DuckDB answers by an index (a
    list given as a parameter or a table is joined, reading the whole table)."""
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _placed(row: tuple) -> Placed:
    accepted = tuple(a for a in (row[4], row[5]) if a is not None)
    return Placed(row[0], row[1], row[2], Placement(row[3], accepted))


# -- Arrow tables ------------------------------------------------------------------------
def lookup_keys(records: Sequence[EventRecord]) -> pa.Table:
    ids, keys = [], []
    for record in records:
        kind = kind_of(record)
        for key in report_keys(record):
            ids.append(record.article_event_id)
            keys.append(keyed(kind, key))
    return string_table(article_event_id=ids, key=keys)


def event_key_rows(event: str, kind: str, rank: int, keys: EventKeys) -> list[tuple]:
    return [(event, rank, keyed(kind, key)) for key in event_keys(keys)]


def _turns(column: str, turns: dict[str, Position], dated: Collection[str] = ()) -> pa.Table:
    """Events or keys with the turn (placing position) from which on they changed, and
    whether a dated event changed with the key."""
    return pa.table(
        {
            column: pa.array(list(turns), pa.string()),
            "since_rank": pa.array([-t[0] for t in turns.values()], pa.int8()),
            "since_id": pa.array([t[1] for t in turns.values()], pa.string()),
            "dated": pa.array([x in dated for x in turns], pa.bool_()),
        }
    )
