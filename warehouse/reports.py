"""What one run changed, for its report on the dashboard."""

from __future__ import annotations

from dataclasses import dataclass

from warehouse.store import Warehouse


@dataclass(frozen=True, slots=True)
class ChangedArticle:
    source: str
    title: str
    url: str | None
    # "new": first seen in this run; "updated": an article known before, in new text.
    change: str


def run_articles(warehouse: Warehouse, run_id: str) -> list[ChangedArticle]:
    """The articles a run wrote (new or updated), by source, newest first."""
    if not warehouse.path.exists():
        return []
    with warehouse.reader() as conn:
        rows = conn.execute(
            """
            SELECT a.source, a.title, a.url,
                   CASE WHEN EXISTS (
                       SELECT 1 FROM documents d
                       WHERE d.article_id = a.article_id AND d.doc_id <> a.doc_id
                         AND d.first_run_id <> ?
                   ) THEN 'updated' ELSE 'new' END
            FROM articles a
            WHERE a.run_id = ?
            ORDER BY a.source, a.published_at DESC NULLS LAST, a.title
            """,
            [run_id, run_id],
        ).fetchall()
    return [ChangedArticle(*row) for row in rows]
