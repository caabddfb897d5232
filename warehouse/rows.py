"""Parsed documents as Arrow tables shaped like the warehouse tables (set-based loads)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pyarrow as pa

from warehouse.batch import ParsedDocument, article_id_for, article_url

_TIMESTAMP = pa.timestamp("us", tz="UTC")

DOCUMENT_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("content_hash", pa.string()),
        ("byte_size", pa.int64()),
        ("origin", pa.string()),
        ("meta", pa.string()),
        ("status", pa.string()),
        ("error", pa.string()),
        ("parser", pa.string()),
        ("parser_version", pa.string()),
        ("article_id", pa.string()),
    ]
)

# A document's bytes are stored in pieces of at most this size: below DuckDB's 256 KiB
# block, so that no stored value needs overflow blocks, which a checkpoint pins in
# memory all at once (migration 012 says more). 64 KiB measured best of 64, 128 and
# 240 KiB for time and peak memory loading 1.2 GB of 1 MB pages.
PIECE_BYTES = 65_536

PIECE_SCHEMA = pa.schema([("doc_id", pa.string()), ("seq", pa.int32()), ("piece", pa.binary())])

ARTICLE_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("doc_id", pa.string()),
        ("source", pa.string()),
        ("url", pa.string()),
        ("title", pa.string()),
        ("label", pa.string()),
        ("section", pa.string()),
        ("byline", pa.string()),
        ("dateline", pa.string()),
        ("dateline_place", pa.string()),
        ("editor_note", pa.string()),
        ("published_at", _TIMESTAMP),
        ("published_tz", pa.string()),
        ("published_date", pa.date32()),
        ("language", pa.string()),
        ("replacement_chars", pa.int32()),
        ("repairs", pa.list_(pa.string())),
        ("parser", pa.string()),
        ("parser_version", pa.string()),
    ]
)

ARTICLE_URL_SCHEMA = pa.schema([("url", pa.string()), ("article_id", pa.string())])

FILE_INDEX_SCHEMA = pa.schema(
    [("path", pa.string()), ("signature", pa.string()), ("doc_id", pa.string())]
)

PARAGRAPH_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("seq", pa.int32()),
        ("kind", pa.string()),
        ("text", pa.string()),
    ]
)


def documents_table(batch: list[ParsedDocument]) -> pa.Table:
    rows = []
    for parsed in batch:
        doc, article = parsed.document, parsed.article
        rows.append(
            {
                "doc_id": doc.doc_id,
                "content_hash": doc.content_hash,
                "byte_size": len(doc.content),
                "origin": doc.origin,
                "meta": doc.meta,
                "status": "failed" if article is None else "parsed",
                "error": parsed.error,
                "parser": article.parser if article else None,
                "parser_version": article.parser_version if article else None,
                "article_id": article_id_for(parsed),
            }
        )
    return pa.Table.from_pylist(rows, schema=DOCUMENT_SCHEMA)


def document_pieces_table(batch: list[ParsedDocument]) -> pa.Table:
    """The batch's bytes as (doc_id, seq, piece) rows (pieces_table)."""
    return pieces_table([(p.document.doc_id, p.document.content) for p in batch])


def pieces_table(documents: list[tuple[str, bytes]]) -> pa.Table:
    """(doc_id, bytes) as (doc_id, seq, piece) rows; every document has at least one
    piece. The pieces are views of the documents' own bytes (Arrow offsets into each
    document's buffer), not copies: a batch of big pages is not held twice."""
    ids: list[str] = []
    seqs: list[int] = []
    chunks: list[pa.Array] = []
    for doc_id, content in documents:
        count = max(1, -(-len(content) // PIECE_BYTES))
        offsets = [min(i * PIECE_BYTES, len(content)) for i in range(count + 1)]
        chunks.append(
            pa.Array.from_buffers(
                pa.binary(),
                count,
                [None, pa.array(offsets, pa.int32()).buffers()[1], pa.py_buffer(content)],
            )
        )
        ids.extend([doc_id] * count)
        seqs.extend(range(count))
    return pa.Table.from_arrays(
        [
            pa.array(ids, pa.string()),
            pa.array(seqs, pa.int32()),
            pa.chunked_array(chunks, pa.binary()),
        ],
        schema=PIECE_SCHEMA,
    )


def article_tables(batch: list[ParsedDocument]) -> tuple[pa.Table, pa.Table]:
    articles, paragraphs = [], []
    for parsed in batch:
        article = parsed.article
        if article is None:
            continue
        article_id = article_id_for(parsed)
        articles.append(
            {
                "article_id": article_id,
                "doc_id": parsed.document.doc_id,
                "source": article.source,
                "url": article_url(article),
                "title": article.title,
                "label": article.label,
                "section": article.section,
                "byline": article.byline,
                "dateline": article.dateline,
                "dateline_place": article.dateline_place,
                "editor_note": article.editor_note,
                "published_at": article.published_at,
                "published_tz": _zone_name(article.published_at),
                "published_date": article.published_date,
                "language": article.language,
                "replacement_chars": article.replacement_chars,
                "repairs": list(article.repairs),
                "parser": article.parser,
                "parser_version": article.parser_version,
            }
        )
        paragraphs.extend(
            {"article_id": article_id, "seq": seq, "kind": p.kind, "text": p.text}
            for seq, p in enumerate(article.paragraphs, start=1)
        )
    return (
        pa.Table.from_pylist(articles, schema=ARTICLE_SCHEMA),
        pa.Table.from_pylist(paragraphs, schema=PARAGRAPH_SCHEMA),
    )


def _zone_name(instant: datetime | None) -> str | None:
    if instant is None or instant.tzinfo is None:
        return None
    if isinstance(instant.tzinfo, ZoneInfo):
        return instant.tzinfo.key
    offset = instant.utcoffset()
    if offset is None:
        return None
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    # DuckDB's AT TIME ZONE reads "UTC+09:00" (an offset of a zone-less timestamp).
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def file_index_table(batch: list[ParsedDocument]) -> pa.Table:
    """Files whose article is loaded; failed ones stay out so that they are read again."""
    rows = [
        {"path": p.document.origin, "signature": p.document.signature, "doc_id": p.document.doc_id}
        for p in batch
        if p.article is not None and p.document.signature is not None
    ]
    return pa.Table.from_pylist(rows, schema=FILE_INDEX_SCHEMA)


def article_urls_table(batch: list[ParsedDocument]) -> pa.Table:
    """Every address each parsed document's article is known by: the one its page
    declares and the one it was found under (kept as an alias)."""
    rows = {}
    for parsed in batch:
        article = parsed.article
        if article is None:
            continue
        article_id = article_id_for(parsed)
        for url in (article.canonical_url, article.url):
            if url:
                rows[url] = article_id
    return pa.Table.from_pylist(
        [{"url": url, "article_id": article_id} for url, article_id in rows.items()],
        schema=ARTICLE_URL_SCHEMA,
    )
