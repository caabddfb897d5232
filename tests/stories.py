"""Articles written in the tests: body paragraphs of the test's own sentences."""

from __future__ import annotations

from datetime import date

from parsers import Article, Paragraph


def story(*paragraphs: str, day: date | None = None, title: str = "Test story") -> Article:
    """An article of these body paragraphs, published on `day` (None: undated)."""
    return Article(
        source="test",
        title=title,
        paragraphs=tuple(Paragraph("body", p) for p in paragraphs),
        parser="test",
        parser_version="0",
        published_date=day,
    )
