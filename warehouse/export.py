"""Export for other tools: one file per dataset (Parquet or CSV) and a schema note beside it.

Each dataset is one row per row of its contract table (events, quotes, articles,
entities), with the names and counts an analyst would otherwise join for: an event's
actors and outlets, a quote's article, an article's body, an entity's aliases.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

import duckdb

from warehouse.store import Warehouse, WarehouseError

Format = Literal["parquet", "csv"]
FORMATS: tuple[Format, ...] = ("parquet", "csv")
# In CSV, list columns become one string, items joined by this.
CSV_LIST_SEPARATOR = "; "


@dataclass(frozen=True, slots=True)
class Dataset:
    name: str
    table: str  # the contract table it has one row per row of
    since_means: str
    sql: str  # takes $since (DATE or NULL)
    columns: dict[str, str]  # column -> what it holds, in output order


_EVENTS_SQL = """
WITH actors AS (
    SELECT x.event_id,
           list(n.name ORDER BY n.name) FILTER (WHERE x.role = 'source') AS source_actors,
           list(n.name ORDER BY n.name) FILTER (WHERE x.role = 'target') AS target_actors,
           list(n.name ORDER BY n.name) FILTER (WHERE x.role = 'participant') AS participants,
           list(x.entity_id ORDER BY x.entity_id) AS actor_ids
    FROM event_actors x JOIN entities n USING (entity_id) GROUP BY x.event_id
),
reports AS (
    SELECT m.event_id, list(DISTINCT a.source ORDER BY a.source) AS sources,
           list(DISTINCT m.article_id ORDER BY m.article_id) AS article_ids,
           count(DISTINCT m.article_id) AS articles, min(a.published_at) AS first_reported_at
    FROM event_mentions m JOIN articles a USING (article_id) GROUP BY m.event_id
)
SELECT e.event_id, e.event_date, e.date_precision, e.event_type, e.plover_type, e.cameo_root,
       e.modality, e.summary, e.place_entity_id, p.name AS place, p.country_iso3 AS place_country,
       coalesce(x.source_actors, []) AS source_actors,
       coalesce(x.target_actors, []) AS target_actors,
       coalesce(x.participants, []) AS participants,
       coalesce(x.actor_ids, []) AS actor_ids,
       coalesce(r.sources, []) AS sources, coalesce(r.article_ids, []) AS article_ids,
       coalesce(r.articles, 0) AS articles, r.first_reported_at, e.extractor_version
FROM events e
LEFT JOIN entities p ON p.entity_id = e.place_entity_id
LEFT JOIN actors x USING (event_id)
LEFT JOIN reports r USING (event_id)
WHERE $since::DATE IS NULL OR e.event_date >= $since
   OR (e.date_precision = 'month' AND last_day(e.event_date) >= $since)
   OR (e.date_precision = 'year' AND make_date(year(e.event_date), 12, 31) >= $since)
ORDER BY e.event_date NULLS LAST, e.event_id
"""

_QUOTES_SQL = """
SELECT q.quote_id, q.article_id, a.published_at, a.source, a.title, a.url,
       q.speaker_entity_id, n.name AS speaker, q.speaker_text, q.text, q.partial,
       q.paragraph_seq, q.extractor_version
FROM quotes q JOIN articles a USING (article_id)
LEFT JOIN entities n ON n.entity_id = q.speaker_entity_id
WHERE $since::DATE IS NULL OR a.published_at >= $since
ORDER BY a.published_at NULLS LAST, q.article_id, q.paragraph_seq, q.quote_id
"""

_ARTICLES_SQL = """
WITH body AS (
    SELECT article_id, count(*) AS paragraphs,
           string_agg(text, chr(10) || chr(10) ORDER BY seq) FILTER (WHERE kind = 'body') AS body
    FROM paragraphs GROUP BY article_id
)
SELECT a.article_id, a.source, a.url, a.title, a.label, a.section, a.byline, a.dateline,
       a.published_at, a.language, a.fetched_at, coalesce(b.paragraphs, 0) AS paragraphs,
       coalesce(b.body, '') AS body
FROM articles a LEFT JOIN body b USING (article_id)
WHERE $since::DATE IS NULL OR a.published_at >= $since
ORDER BY a.published_at NULLS LAST, a.article_id
"""

_ENTITIES_SQL = """
WITH seen AS (
    SELECT m.entity_id, count(*) AS mentions, count(DISTINCT m.article_id) AS articles,
           min(a.published_at) AS first_mentioned_at, max(a.published_at) AS last_mentioned_at
    FROM mentions m JOIN articles a USING (article_id)
    WHERE $since::DATE IS NULL OR a.published_at >= $since
    GROUP BY m.entity_id
),
aliases AS (
    SELECT entity_id, list(alias ORDER BY alias) AS aliases FROM entity_aliases GROUP BY entity_id
)
SELECT e.entity_id, e.name, e.entity_type, e.country_iso3, e.wikidata_id, e.origin,
       coalesce(al.aliases, []) AS aliases, coalesce(s.mentions, 0) AS mentions,
       coalesce(s.articles, 0) AS articles, s.first_mentioned_at, s.last_mentioned_at
FROM entities e
LEFT JOIN aliases al USING (entity_id)
LEFT JOIN seen s USING (entity_id)
WHERE $since::DATE IS NULL OR s.entity_id IS NOT NULL
ORDER BY e.entity_id
"""

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset(
            "events",
            "events",
            "events whose date (or month, or year, for coarser dates) falls on or after it",
            _EVENTS_SQL,
            {
                "event_id": "stable id of the event, merged across the articles reporting it",
                "event_date": "when it happened (the first day of the month or year when "
                "only that is known); empty when no article said",
                "date_precision": "day, month, year or unknown",
                "event_type": "MEETING, STATEMENT, ACCUSE, REQUEST, THREATEN, REJECT, AGREE, "
                "PROPOSE, WEAPONS_TEST, MILITARY_EXERCISE, SANCTION, EASE_SANCTIONS, AID, "
                "COOPERATE, PROTEST or ASSAULT",
                "plover_type": "the PLOVER event type it maps to (empty for STATEMENT)",
                "cameo_root": "the CAMEO root code it maps to",
                "modality": "asserted, reported, planned, hypothetical or denied",
                "summary": "what happened, in one line",
                "place_entity_id": "entity id of where it happened",
                "place": "name of where it happened",
                "place_country": "ISO 3166-1 alpha-3 code of the place's country",
                "source_actors": "names of who did it",
                "target_actors": "names of whom it was done to",
                "participants": "names of others taking part (a meeting's parties)",
                "actor_ids": "entity ids of every actor (join entities on entity_id)",
                "sources": "outlets that reported it",
                "article_ids": "articles that reported it (join articles on article_id)",
                "articles": "how many articles reported it",
                "first_reported_at": "publication time of the earliest dated report",
                "extractor_version": "the rules and reference version that made it",
            },
        ),
        Dataset(
            "quotes",
            "quotes",
            "quotes from articles published on or after it (undated articles left out)",
            _QUOTES_SQL,
            {
                "quote_id": "stable id of the quote",
                "article_id": "the article quoting it",
                "published_at": "when that article was published (UTC; empty if unknown)",
                "source": "the outlet",
                "title": "the article's title",
                "url": "the article's URL",
                "speaker_entity_id": "entity id of who said it (empty when not resolved)",
                "speaker": "name of who said it",
                "speaker_text": "the speaker as the article wrote it",
                "text": "the words quoted",
                "partial": "true for a fragment quoted inside a sentence",
                "paragraph_seq": "the paragraph of the article it starts in",
                "extractor_version": "the rules and reference version that found it",
            },
        ),
        Dataset(
            "articles",
            "articles",
            "articles published on or after it (undated articles left out)",
            _ARTICLES_SQL,
            {
                "article_id": "stable id of the article",
                "source": "the outlet",
                "url": "where it was published",
                "title": "headline without series or version labels",
                "label": "series or version label ((LEAD), (News Focus) ...)",
                "section": "the outlet's section",
                "byline": "the reporters",
                "dateline": "the dateline as printed",
                "published_at": "publication time (UTC; empty if unknown)",
                "language": "language code",
                "fetched_at": "when peninsula received it",
                "paragraphs": "paragraphs stored (body, captions, subheads)",
                "body": "body paragraphs, separated by blank lines",
            },
        ),
        Dataset(
            "entities",
            "entities",
            "entities mentioned in articles published on or after it, counted there",
            _ENTITIES_SQL,
            {
                "entity_id": "'ref:<id>' for actors of the reference, 'txt:<key>' otherwise",
                "name": "canonical name",
                "entity_type": "PERSON, ORG, GPE, LOC or FAC",
                "country_iso3": "ISO 3166-1 alpha-3 code of its country",
                "wikidata_id": "Wikidata id, where checked",
                "origin": "reference (from the actor reference) or text (found in articles)",
                "aliases": "other ways it is written",
                "mentions": "times mentioned",
                "articles": "articles mentioning it",
                "first_mentioned_at": "publication time of the first dated article mentioning it",
                "last_mentioned_at": "publication time of the last dated article mentioning it",
            },
        ),
    )
}


@dataclass(frozen=True, slots=True)
class Exported:
    dataset: str
    path: Path
    note: Path
    rows: int
    table_rows: int  # rows of the contract table, for comparison
    columns: list[tuple[str, str]]  # (name, DuckDB type) as written


def export(
    warehouse: Warehouse,
    name: str,
    fmt: Format,
    out_dir: Path,
    *,
    since: date | None = None,
) -> Exported:
    """Write `out_dir/<name>.<fmt>` and `out_dir/<name>.schema.md`; returns what was
    written, with the row count read back from the file."""
    dataset = DATASETS.get(name)
    if dataset is None:
        raise WarehouseError(f"no dataset {name!r}: expected one of {', '.join(DATASETS)}")
    if fmt not in FORMATS:
        raise WarehouseError(f"format {fmt!r}: expected one of {', '.join(FORMATS)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.{fmt}"
    partial = out_dir / f".{name}.{fmt}.partial"
    with warehouse.reader() as conn:
        relation = conn.sql(dataset.sql, params={"since": since})
        if fmt == "csv":
            relation = _csv_ready(relation)
        columns = [(c, str(t)) for c, t in zip(relation.columns, relation.types, strict=True)]
        if list(dataset.columns) != [c for c, _ in columns]:
            raise WarehouseError(f"the {name} export and its column notes disagree")
        try:
            if fmt == "parquet":
                relation.write_parquet(str(partial), compression="zstd")
            else:
                relation.write_csv(str(partial), header=True)
        except duckdb.Error as exc:
            partial.unlink(missing_ok=True)
            raise WarehouseError(f"{path}: could not write the export: {exc}") from None
        reader = "read_parquet" if fmt == "parquet" else "read_csv"
        rows = conn.execute(f"SELECT count(*) FROM {reader}(?)", [str(partial)]).fetchone()
        table_rows = conn.execute(f"SELECT count(*) FROM {dataset.table}").fetchone()
    os.replace(partial, path)
    note = out_dir / f"{name}.schema.md"
    written = Exported(
        name,
        path,
        note,
        int(rows[0]) if rows else 0,
        int(table_rows[0]) if table_rows else 0,
        columns,
    )
    note.write_text(schema_note(dataset, written, fmt, warehouse.path, since), encoding="utf-8")
    return written


def _csv_ready(relation: duckdb.DuckDBPyRelation) -> duckdb.DuckDBPyRelation:
    """Lists as one string each (CSV has no lists)."""
    lists = [
        c for c, t in zip(relation.columns, relation.types, strict=True) if str(t).endswith("[]")
    ]
    if not lists:
        return relation
    replaced = ", ".join(
        f"array_to_string({_quoted(c)}, '{CSV_LIST_SEPARATOR}') AS {_quoted(c)}" for c in lists
    )
    return relation.project(f"* REPLACE ({replaced})")


def schema_note(dataset: Dataset, written: Exported, fmt: str, db: Path, since: date | None) -> str:
    lines = [
        f"# {written.path.name}",
        "",
        f"Exported by peninsula on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC from `{db}`: "
        f"{written.rows} rows, one per row of the `{dataset.table}` table"
        + (f", {dataset.since_means} ({since})." if since else "."),
        "",
    ]
    if fmt == "csv":
        lines += [
            f"CSV with a header row; list columns hold their items joined by "
            f"`{CSV_LIST_SEPARATOR}`; times are ISO 8601 with their offset.",
            "",
        ]
    lines += ["| column | type | meaning |", "| --- | --- | --- |"]
    for column, kind in written.columns:
        lines.append(f"| {column} | {kind} | {dataset.columns[column]} |")
    return "\n".join(lines) + "\n"


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
