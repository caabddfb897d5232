"""Row 1 of issue 13: stored documents growing large must not brick the warehouse.

With a 256 MB DuckDB memory cap, ~240 MB of stored pages made every later write fail
("Failed to rollback transaction"). Here the real `ingest` stores big saved pages in
several runs, then loads the seeds: every run must load, and the file stay writable.
The suite stays bounded (GROWTH_RUNS x GROWTH_PAGES x GROWTH_PAGE_BYTES); the test
tests/test_growth.py goes past 1 GB through the store itself.
"""

from __future__ import annotations

from bench.faults.common import (
    SEEDS,
    Context,
    Outcome,
    articles,
    compared,
    ingest,
    stored_bytes,
    summarize,
    write_pages,
)

GROWTH_RUNS = 2
GROWTH_PAGES = 150
GROWTH_PAGE_BYTES = 1_000_000


def stored_documents_grow(ctx: Context) -> list[Outcome]:
    base = ctx.folder("growth")
    db = base / "p.duckdb"
    rows = []
    for step in range(GROWTH_RUNS):
        first = 1 + step * GROWTH_PAGES
        folder = base / f"pages-{step}"
        size = write_pages(folder, range(first, first + GROWTH_PAGES), GROWTH_PAGE_BYTES)
        before = articles(db)
        run = ingest(ctx, [folder], db, base / f"ingest-{step}.log")
        case = (
            f"row 1: +{GROWTH_PAGES} pages, {size / 1e6:.0f} MB "
            f"(stored {stored_bytes(db) / 1e6:.0f} MB after)"
        )
        rows.append(compared(case, summarize(run, "failed"), run, before + GROWTH_PAGES, db))
    before = articles(db)
    run = ingest(ctx, [SEEDS], db, base / "ingest-seeds.log")
    case = f"row 1: the seeds after {stored_bytes(db) / 1e6:.0f} MB stored"
    rows.append(compared(case, summarize(run, "failed"), run, before + 2, db))
    return rows


CASES = [stored_documents_grow]
