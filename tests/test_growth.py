"""Issue 13 row 1: a warehouse whose stored documents grow past 1 GB keeps loading.

With DuckDB's memory capped, stored documents once grew into a wall: past the cap every
later load failed with "FATAL Error: Failed to rollback transaction" and the file could
no longer be written. Here big saved pages (1 MB each: a short story and an inline
image, as real pages carry) go into the warehouse in bounded batches through the store
itself, past 1 GB, and the seeds load after them through the file path.
"""

from __future__ import annotations

import base64
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from flows.pipeline import ingest_batch, parse_raw, scan_inputs
from tests.conftest import SEEDS
from tests.feed_site import yonhap_page
from warehouse import ParsedDocument, RawDocument, Warehouse

PAGE_BYTES = 1_000_000
BATCH_PAGES = 100  # 100 MB a batch
STORED_TARGET = 1_100_000_000


def big_page(number: int) -> bytes:
    """A page of PAGE_BYTES: the story, and an image of random bytes (no two alike)."""
    html = yonhap_page(number)
    image = base64.b64encode(os.urandom((PAGE_BYTES - len(html) - 60) * 3 // 4)).decode()
    return html.replace("<figure>", f'<figure><img src="data:image/jpeg;base64,{image}">').encode()


def parsed_big_page(number: int) -> ParsedDocument:
    """The big page as the file path would load it. Its article is parsed from the page
    without the image (the image is no part of the story; parsing a megabyte of base64
    costs ~70 ms, 80 s for the whole test), which the test checks once."""
    small = parse_raw(RawDocument(yonhap_page(number).encode(), f"/inbox/page-{number}.html"))
    document = RawDocument(big_page(number), f"/inbox/page-{number}.html")
    return ParsedDocument(document, article=small.article)


def test_the_image_is_no_part_of_the_article() -> None:
    whole = parse_raw(RawDocument(big_page(7), "/inbox/page-7.html"))
    assert whole.error is None
    assert whole.article == parsed_big_page(7).article


def test_stored_documents_past_1_gb_and_loading_goes_on(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "big.duckdb")
    stored, number = 0, 0
    try:
        while stored < STORED_TARGET:
            batch = [parsed_big_page(number + i) for i in range(BATCH_PAGES)]
            number += BATCH_PAGES
            try:
                counts = warehouse.load_batch(batch, f"grow-{number}")
            except duckdb.Error as exc:
                pytest.fail(f"the load at {stored:,} bytes stored failed: {exc}".split("\n")[0])
            assert (counts.new, counts.failed) == (BATCH_PAGES, 0), f"at {stored:,} bytes stored"
            stored += sum(len(p.document.content) for p in batch)
        _, rows = warehouse.query("SELECT count(*), sum(byte_size) FROM documents")
        assert rows == [(number, stored)]
        # Loading goes on, through the file path, and the file stays writable.
        found = scan_inputs([str(SEEDS)], warehouse)
        report = ingest_batch(found.todo, warehouse, "after-growth")
        assert (report.counts.new, report.failures) == (2, [])
        warehouse.check_writable()
        assert warehouse.table_counts()["articles"] == number + 2
    finally:
        shutil.rmtree(tmp_path, ignore_errors=True)  # a gigabyte and more: not left behind


if __name__ == "__main__":
    pytest.main([__file__, "-x", "-q"])
