"""The questions the desk commands ask, read from the contract tables.

Each query reads articles, entities, entity_aliases, mentions, quotes, events,
event_actors and event_mentions only (and entity_roles for what the texts called a
person), so it keeps working whatever fills those tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from parsers.name_lookup import KnownName
from warehouse.store import Warehouse

# The last day an event's date could mean: a month-precision date stands for its month.
_PERIOD_END = """CASE e.date_precision
    WHEN 'month' THEN last_day(e.event_date)
    WHEN 'year' THEN make_date(year(e.event_date), 12, 31)
    ELSE e.event_date END"""


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which events: dated within [since, until] (a month-precision date counts when its
    month overlaps), of one type, with any of these actors, reported by one outlet."""

    since: date | None = None
    until: date | None = None
    event_type: str | None = None
    actor_ids: tuple[str, ...] = ()
    source: str | None = None

    def params(self) -> dict[str, object]:
        return {
            "since": self.since,
            "until": self.until,
            "event_type": self.event_type,
            "actors": list(self.actor_ids) or None,
            "source": self.source,
        }


# Events chosen by an EventFilter, as a CTE named `chosen` (columns of events).
_CHOSEN = f"""
chosen AS (
    SELECT e.* FROM events e
    WHERE e.event_date IS NOT NULL
      AND ($since::DATE IS NULL OR {_PERIOD_END} >= $since)
      AND ($until::DATE IS NULL OR e.event_date <= $until)
      AND ($event_type::VARCHAR IS NULL OR e.event_type = $event_type)
      AND ($actors::VARCHAR[] IS NULL OR e.event_id IN (
          SELECT event_id FROM event_actors WHERE list_contains($actors, entity_id)))
      AND ($source::VARCHAR IS NULL OR e.event_id IN (
          SELECT m.event_id FROM event_mentions m JOIN articles a USING (article_id)
          WHERE a.source = $source))
)"""


@dataclass(frozen=True, slots=True)
class Actor:
    entity_id: str
    name: str
    role: str


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    event_id: str
    event_date: date
    date_precision: str
    event_type: str
    modality: str
    summary: str
    actors: tuple[Actor, ...]
    place: str | None
    sources: tuple[str, ...]
    articles: int


def timeline(warehouse: Warehouse, chosen: EventFilter) -> list[TimelineEvent]:
    """The chosen events in date order, with who, where and which outlets."""
    return _timeline_rows(warehouse, f"WITH {_CHOSEN} SELECT event_id FROM chosen", chosen)


def events_by_id(warehouse: Warehouse, event_ids: Sequence[str]) -> list[TimelineEvent]:
    """These events (dated or not) in date order, as the timeline shows them."""
    if not event_ids:
        return []
    return _timeline_rows(
        warehouse,
        "SELECT event_id FROM events WHERE list_contains($ids, event_id)",
        EventFilter(),
        {"ids": list(event_ids)},
    )


def _timeline_rows(
    warehouse: Warehouse,
    chosen_ids: str,
    chosen: EventFilter,
    extra: dict[str, object] | None = None,
) -> list[TimelineEvent]:
    with warehouse.reader() as conn:
        rows = conn.execute(
            f"""
            WITH ids AS ({chosen_ids}),
            who AS (
                SELECT x.event_id,
                       list({{'entity_id': x.entity_id, 'name': n.name, 'role': x.role}}
                            ORDER BY x.role = 'source' DESC, x.role = 'target' DESC, n.name)
                           AS actors
                FROM event_actors x JOIN entities n USING (entity_id)
                WHERE x.event_id IN (SELECT event_id FROM ids)
                GROUP BY x.event_id
            ),
            outlets AS (
                SELECT m.event_id, list(DISTINCT a.source ORDER BY a.source) AS sources,
                       count(DISTINCT m.article_id) AS articles
                FROM event_mentions m JOIN articles a USING (article_id)
                WHERE m.event_id IN (SELECT event_id FROM ids)
                GROUP BY m.event_id
            )
            SELECT e.event_id, e.event_date, e.date_precision, e.event_type, e.modality,
                   e.summary, coalesce(w.actors, []), p.name,
                   coalesce(o.sources, []), coalesce(o.articles, 0)
            FROM events e
            JOIN ids USING (event_id)
            LEFT JOIN who w USING (event_id)
            LEFT JOIN outlets o USING (event_id)
            LEFT JOIN entities p ON p.entity_id = e.place_entity_id
            ORDER BY e.event_date NULLS LAST, e.event_type, e.event_id
            """,
            {**_used(chosen_ids, chosen.params()), **(extra or {})},
        ).fetchall()
    return [
        TimelineEvent(
            event_id=r[0],
            event_date=r[1],
            date_precision=r[2],
            event_type=r[3],
            modality=r[4],
            summary=r[5],
            actors=tuple(Actor(a["entity_id"], a["name"], a["role"]) for a in r[6]),
            place=r[7],
            sources=tuple(r[8]),
            articles=r[9],
        )
        for r in rows
    ]


def undated_events(warehouse: Warehouse, chosen: EventFilter) -> int:
    """How many events the filter would take but for their missing date."""
    undated = EventFilter(
        event_type=chosen.event_type, actor_ids=chosen.actor_ids, source=chosen.source
    )
    sql = _CHOSEN.replace("e.event_date IS NOT NULL", "e.event_date IS NULL")
    with warehouse.reader() as conn:
        row = conn.execute(f"WITH {sql} SELECT count(*) FROM chosen", undated.params()).fetchone()
    return int(row[0]) if row else 0


@dataclass(frozen=True, slots=True)
class EventCounts:
    """Events per period (week or month) and series (event type or actor)."""

    per: Literal["week", "month"]
    series: tuple[str, ...]  # in the order to draw them
    periods: tuple[date, ...]  # the first day of every period in the range, empty ones too
    counts: dict[tuple[date, str], int]
    # Chosen events dated more coarsely than a period (a month for weeks, a year): not
    # counted, since they cannot be placed.
    too_coarse: int


def event_counts(
    warehouse: Warehouse,
    chosen: EventFilter,
    *,
    per: Literal["week", "month"] = "week",
    series_names: dict[str, str] | None = None,
) -> EventCounts:
    """Chosen events per period, by event type; or, given `series_names` (entity id ->
    name), by the actors among those."""
    fine = ("'day'",) if per == "week" else ("'day'", "'month'")
    by_actor = series_names is not None
    series_column = "x.entity_id" if by_actor else "e.event_type"
    actor_join = "JOIN event_actors x USING (event_id)" if by_actor else ""
    actor_only = "AND list_contains($actors, x.entity_id)" if by_actor else ""
    with warehouse.reader() as conn:
        rows = conn.execute(
            f"""
            WITH {_CHOSEN}
            SELECT date_trunc('{per}', e.event_date)::DATE AS period,
                   {series_column} AS series, count(DISTINCT e.event_id) AS n
            FROM chosen e {actor_join}
            WHERE e.date_precision IN ({", ".join(fine)}) {actor_only}
            GROUP BY ALL
            """,
            chosen.params(),
        ).fetchall()
        coarse = conn.execute(
            f"WITH {_CHOSEN} SELECT count(*) FROM chosen e"
            f" WHERE e.date_precision NOT IN ({', '.join(fine)})",
            chosen.params(),
        ).fetchone()
    counts: dict[tuple[date, str], int] = {}
    for period, key, n in rows:
        label = series_names.get(key, key) if series_names else key
        counts[(period, label)] = counts.get((period, label), 0) + n
    totals: dict[str, int] = {}
    for (_, label), n in counts.items():
        totals[label] = totals.get(label, 0) + n
    series = tuple(sorted(totals, key=lambda s: (-totals[s], s)))
    return EventCounts(
        per=per,
        series=series,
        periods=_periods(chosen, [p for p, _ in counts], per),
        counts=counts,
        too_coarse=int(coarse[0]) if coarse else 0,
    )


def latest_event_date(warehouse: Warehouse, *, until: date) -> date | None:
    """The date of the latest event dated to the day, on or before `until`."""
    with warehouse.reader() as conn:
        row = conn.execute(
            "SELECT max(event_date) FROM events WHERE date_precision = 'day' AND event_date <= ?",
            [until],
        ).fetchone()
    return row[0] if row else None


def _periods(chosen: EventFilter, seen: list[date], per: str) -> tuple[date, ...]:
    """Every period from the filter's start (or the first event) to its end (or today),
    and on to the last event: empty weeks are part of the picture."""

    def start_of(day: date) -> date:
        return day - timedelta(days=day.weekday()) if per == "week" else day.replace(day=1)

    if not seen and not chosen.since:
        return ()
    first = start_of(chosen.since) if chosen.since else min(seen)
    last = start_of(chosen.until or date.today())
    if seen:
        first, last = min(first, min(seen)), max(last, max(seen))
    periods, current = [], first
    while current <= last:
        periods.append(current)
        if per == "week":
            current += timedelta(days=7)
        else:
            current = (current.replace(day=28) + timedelta(days=4)).replace(day=1)
    return tuple(periods)


# -- people, organizations, places ------------------------------------------------------


def known_sources(warehouse: Warehouse) -> list[str]:
    """The outlets the warehouse has articles from."""
    with warehouse.reader() as conn:
        rows = conn.execute("SELECT DISTINCT source FROM articles ORDER BY source").fetchall()
    return [r[0] for r in rows]


def known_names(warehouse: Warehouse) -> list[KnownName]:
    """Every name and alias the warehouse holds for its entities."""
    with warehouse.reader() as conn:
        rows = conn.execute(
            """
            SELECT entity_id, name, name FROM entities
            UNION SELECT a.entity_id, e.name, a.alias
            FROM entity_aliases a JOIN entities e USING (entity_id)
            """
        ).fetchall()
    return [KnownName(*row) for row in rows]


@dataclass(frozen=True, slots=True)
class Role:
    role: str
    affiliation: str | None
    articles: int


@dataclass(frozen=True, slots=True)
class QuoteRow:
    published_at: datetime | None
    speaker: str
    text: str
    partial: bool
    source: str
    title: str | None
    url: str | None
    article_id: str


@dataclass(frozen=True, slots=True)
class EntityEvent:
    event: TimelineEvent
    role: str


@dataclass(slots=True)
class EntityRecord:
    """What the warehouse holds about one entity."""

    entity_id: str
    name: str
    entity_type: str
    country_iso3: str | None
    wikidata_id: str | None
    aliases: list[str] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    events: list[EntityEvent] = field(default_factory=list)
    event_total: int = 0
    quotes: list[QuoteRow] = field(default_factory=list)
    quote_total: int = 0
    # (month 'YYYY-MM' or None for undated articles, mentions, articles)
    mentions_by_month: list[tuple[str | None, int, int]] = field(default_factory=list)


def entity_record(
    warehouse: Warehouse, entity_id: str, *, events: int = 10, quotes: int = 5
) -> EntityRecord | None:
    """None when the warehouse has never met this entity."""
    with warehouse.reader() as conn:
        head = conn.execute(
            "SELECT entity_id, name, entity_type, country_iso3, wikidata_id FROM entities"
            " WHERE entity_id = ?",
            [entity_id],
        ).fetchone()
        if head is None:
            return None
        record = EntityRecord(*head)
        record.aliases = [
            r[0]
            for r in conn.execute(
                "SELECT alias FROM entity_aliases WHERE entity_id = ? ORDER BY alias", [entity_id]
            ).fetchall()
        ]
        record.roles = [
            Role(*r)
            for r in conn.execute(
                """
                SELECT r.role, f.name, count(DISTINCT r.article_id) AS n
                FROM entity_roles r LEFT JOIN entities f ON f.entity_id = r.affiliation_entity_id
                WHERE r.entity_id = ? GROUP BY ALL ORDER BY n DESC, r.role LIMIT 10
                """,
                [entity_id],
            ).fetchall()
        ]
        latest = conn.execute(
            """
            SELECT x.event_id, x.role FROM event_actors x JOIN events e USING (event_id)
            WHERE x.entity_id = ?
            ORDER BY e.event_date DESC NULLS LAST, e.event_type, e.event_id
            """,
            [entity_id],
        ).fetchall()
        record.event_total = len(latest)
        record.quote_total = int(
            conn.execute(
                "SELECT count(*) FROM quotes WHERE speaker_entity_id = ?", [entity_id]
            ).fetchone()[0]  # type: ignore[index]
        )
        record.mentions_by_month = [
            (r[0], r[1], r[2])
            for r in conn.execute(
                """
                SELECT strftime(date_trunc('month', a.published_at), '%Y-%m') AS month,
                       count(*), count(DISTINCT m.article_id)
                FROM mentions m JOIN articles a USING (article_id)
                WHERE m.entity_id = ? GROUP BY ALL ORDER BY month NULLS LAST
                """,
                [entity_id],
            ).fetchall()
        ]
    roles = dict(latest[:events])
    shown = {e.event_id: e for e in events_by_id(warehouse, list(roles))}
    # Newest first, as `latest` put them.
    record.events = [EntityEvent(shown[i], roles[i]) for i in roles if i in shown]
    record.quotes = quotes_said(warehouse, speaker_ids=(entity_id,), limit=quotes)
    return record


def quotes_said(
    warehouse: Warehouse,
    *,
    speaker_ids: Sequence[str] = (),
    since: date | None = None,
    source: str | None = None,
    limit: int | None = None,
) -> list[QuoteRow]:
    """Quotes, newest article first (undated articles last)."""
    with warehouse.reader() as conn:
        rows = conn.execute(
            """
            SELECT a.published_at, coalesce(n.name, q.speaker_text, 'unattributed'), q.text,
                   q.partial, a.source, a.title, a.url, q.article_id
            FROM quotes q JOIN articles a USING (article_id)
            LEFT JOIN entities n ON n.entity_id = q.speaker_entity_id
            WHERE ($speakers::VARCHAR[] IS NULL OR list_contains($speakers, q.speaker_entity_id))
              AND ($since::DATE IS NULL OR a.published_at >= $since)
              AND ($source::VARCHAR IS NULL OR a.source = $source)
            ORDER BY a.published_at DESC NULLS LAST, q.article_id, q.paragraph_seq
            LIMIT $limit
            """,
            {
                "speakers": list(speaker_ids) or None,
                "since": since,
                "source": source,
                "limit": limit if limit is not None else 1 << 62,
            },
        ).fetchall()
    return [QuoteRow(*r) for r in rows]


def _used(sql: str, params: dict[str, object]) -> dict[str, object]:
    """The named parameters a statement mentions (DuckDB refuses unused ones)."""
    return {k: v for k, v in params.items() if f"${k}" in sql}
