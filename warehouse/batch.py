"""What the pipeline hands the warehouse: raw documents and what parsing made of them.

No duckdb here: flows build these values, the loader turns them into rows.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from parsers import Article


@dataclass(frozen=True, slots=True)
class RawDocument:
    content: bytes
    origin: str
    # Sidecar metadata exactly as received (JSON text), part of the document's identity.
    meta: str | None = None
    # Size and mtime of the file (and sidecar) when read; not part of the identity.
    signature: str | None = field(default=None, compare=False)
    content_hash: str = field(init=False)
    doc_id: str = field(init=False)

    def __post_init__(self) -> None:
        content_hash = hashlib.sha256(self.content).hexdigest()
        object.__setattr__(self, "content_hash", content_hash)
        if self.meta is None:
            doc_id = content_hash
        else:
            doc_id = hashlib.sha256(
                content_hash.encode() + b"\0" + self.meta.encode("utf-8")
            ).hexdigest()
        object.__setattr__(self, "doc_id", doc_id)


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    """A raw document and either its article or the reason it could not be parsed."""

    document: RawDocument
    article: Article | None = None
    error: str | None = None

    def __post_init__(self) -> None:
        if (self.article is None) == (self.error is None):
            raise ValueError("a parsed document has an article or an error, not both or neither")


def article_url(article: Article) -> str | None:
    """The address an article is known by: the one its page declares, else where it was
    found. A page fetched from a feed and the same page saved to disk share it."""
    return article.canonical_url or article.url


def article_id_for(parsed: ParsedDocument) -> str | None:
    """Stable identity of the story: its URL when known, else the bytes it came from.

    With a URL, a corrected version of a page replaces the article instead of adding a
    second one; without, identical bytes are the only sure sign of the same article.
    """
    if parsed.article is None:
        return None
    if url := article_url(parsed.article):
        return hashlib.sha256(b"url\0" + url.encode("utf-8")).hexdigest()[:20]
    return parsed.document.content_hash[:20]


@dataclass(slots=True)
class LoadCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0

    def add(self, other: LoadCounts) -> None:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.failed += other.failed

    @property
    def seen(self) -> int:
        return self.new + self.updated + self.unchanged + self.failed
