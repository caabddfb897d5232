"""Extractions as Arrow tables shaped like the derived warehouse tables."""

from __future__ import annotations

import hashlib

import pyarrow as pa

from parsers.extraction import Extraction
from parsers.extraction.reference import Reference

ACTOR_STRUCT = pa.struct([("entity_id", pa.string()), ("role", pa.string())])
SENTENCE_STRUCT = pa.struct([("paragraph_seq", pa.int32()), ("sentence", pa.int32())])

SCHEMAS = {
    "entities": pa.schema(
        [
            ("entity_id", pa.string()),
            ("name", pa.string()),
            ("entity_type", pa.string()),
            ("country_iso3", pa.string()),
            ("wikidata_id", pa.string()),
            ("origin", pa.string()),
            ("extractor_version", pa.string()),
        ]
    ),
    "entity_aliases": pa.schema([("entity_id", pa.string()), ("alias", pa.string())]),
    "entity_roles": pa.schema(
        [
            ("entity_id", pa.string()),
            ("article_id", pa.string()),
            ("role", pa.string()),
            ("affiliation_entity_id", pa.string()),
            ("extractor_version", pa.string()),
        ]
    ),
    "mentions": pa.schema(
        [
            ("article_id", pa.string()),
            ("entity_id", pa.string()),
            ("paragraph_seq", pa.int32()),
            ("sentence", pa.int32()),
            ("char_start", pa.int32()),
            ("char_end", pa.int32()),
            ("surface", pa.string()),
            ("extractor_version", pa.string()),
        ]
    ),
    "quotes": pa.schema(
        [
            ("quote_id", pa.string()),
            ("article_id", pa.string()),
            ("speaker_entity_id", pa.string()),
            ("speaker_text", pa.string()),
            ("text", pa.string()),
            ("paragraph_seq", pa.int32()),
            ("partial", pa.bool_()),
            ("extractor_version", pa.string()),
        ]
    ),
    "article_events": pa.schema(
        [
            ("article_event_id", pa.string()),
            ("article_id", pa.string()),
            ("event_type", pa.string()),
            ("meeting_kind", pa.string()),
            ("trigger", pa.string()),
            ("modality", pa.string()),
            ("event_date", pa.date32()),
            ("date_precision", pa.string()),
            ("month_hint", pa.int32()),
            ("place_entity_id", pa.string()),
            ("summary", pa.string()),
            ("actors", pa.list_(ACTOR_STRUCT)),
            ("sentences", pa.list_(SENTENCE_STRUCT)),
            ("extractor_version", pa.string()),
        ]
    ),
}
# Derived tables keyed by article: an article's rows are replaced as a whole.
PER_ARTICLE_TABLES = ("entity_roles", "mentions", "quotes", "article_events")


def derived_tables(
    items: list[tuple[str, Extraction]], reference: Reference, version: str
) -> dict[str, pa.Table]:
    rows: dict[str, list[dict]] = {name: [] for name in SCHEMAS}
    seen_entities: set[str] = set()
    for article_id, extraction in items:
        for entity in extraction.entities.values():
            if entity.key not in seen_entities:
                seen_entities.add(entity.key)
                rows["entities"].append(
                    {
                        "entity_id": entity.key,
                        "name": entity.name,
                        "entity_type": entity.type,
                        "country_iso3": entity.country,
                        "wikidata_id": entity.wikidata,
                        "origin": "reference" if entity.key.startswith("ref:") else "text",
                        "extractor_version": version,
                    }
                )
            aliases = set(entity.surfaces)
            if entity.key.startswith("ref:"):
                actor = reference.actors.get(entity.key[4:])
                if actor:
                    aliases.update(actor.surface_forms)
            rows["entity_aliases"].extend(
                {"entity_id": entity.key, "alias": alias} for alias in sorted(aliases)
            )
            if entity.role:
                rows["entity_roles"].append(
                    {
                        "entity_id": entity.key,
                        "article_id": article_id,
                        "role": entity.role,
                        "affiliation_entity_id": entity.affiliation,
                        "extractor_version": version,
                    }
                )
        rows["mentions"].extend(
            {
                "article_id": article_id,
                "entity_id": m.entity,
                "paragraph_seq": m.paragraph_seq,
                "sentence": m.sentence,
                "char_start": m.start,
                "char_end": m.end,
                "surface": m.surface,
                "extractor_version": version,
            }
            for m in extraction.mentions
        )
        rows["quotes"].extend(
            {
                "quote_id": _id(article_id, "q", index),
                "article_id": article_id,
                "speaker_entity_id": q.speaker,
                "speaker_text": q.speaker_text,
                "text": q.text,
                "paragraph_seq": q.paragraph_seq,
                "partial": q.partial,
                "extractor_version": version,
            }
            for index, q in enumerate(extraction.quotes)
        )
        for index, event in enumerate(extraction.events):
            rows["article_events"].append(
                {
                    "article_event_id": _id(article_id, "e", index),
                    "article_id": article_id,
                    "event_type": event.event_type,
                    "meeting_kind": event.kind,
                    "trigger": event.trigger,
                    "modality": event.modality,
                    "event_date": event.date.value,
                    "date_precision": event.date.precision,
                    "month_hint": event.date.month_hint,
                    "place_entity_id": event.place,
                    "summary": event.summary,
                    "actors": [{"entity_id": k, "role": r} for k, r in event.actors.items()],
                    "sentences": [{"paragraph_seq": p, "sentence": s} for p, s in event.mentions],
                    "extractor_version": version,
                }
            )
    return {name: pa.Table.from_pylist(rows[name], schema=SCHEMAS[name]) for name in SCHEMAS}


def _id(article_id: str, kind: str, index: int) -> str:
    return hashlib.sha256(f"{article_id}\0{kind}\0{index}".encode()).hexdigest()[:20]
