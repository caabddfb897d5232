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
        # Stored in pieces, read back whole: the last page, byte for byte.
        last = batch[-1].document
        _, rows = warehouse.query(
            f"SELECT content FROM document_contents WHERE doc_id = '{last.doc_id}'"
        )
        assert rows == [(last.content,)]
        # Loading goes on, through the file path, and the file stays writable.
        found = scan_inputs([str(SEEDS)], warehouse)
        report = ingest_batch(found.todo, warehouse, "after-growth")
        assert (report.counts.new, report.failures) == (2, [])
        warehouse.check_writable()
        assert warehouse.table_counts()["articles"] == number + 2
    finally:
        shutil.rmtree(tmp_path, ignore_errors=True)  # a gigabyte and more: not left behind


def test_big_files_load_in_batches_bounded_by_bytes(tmp_path: Path) -> None:
    """A folder of big pages is not read into memory as one batch of up to 1,000 files:
    a batch ends before its bytes pass the bound, and a file larger than the bound is a
    batch of its own (it still loads)."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    for number in range(5):
        (folder / f"page-{number}.html").write_bytes(big_page(number))  # 1 MB each
    (folder / "page-9.html").write_bytes(big_page(9) + b" " * 2_000_000)  # 3 MB
    warehouse = Warehouse(tmp_path / "w.duckdb")
    found = scan_inputs([str(folder)], warehouse, max_bytes=4_000_000)
    batches = [batch.paths for batch in found.batches(1000, 4_000_000, batch_bytes=2_500_000)]
    assert [len(paths) for paths in batches] == [2, 2, 1, 1]
    assert [p for paths in batches for p in paths] == found.todo
    assert [len(b) for b in found.batches(3, 4_000_000)] == [3, 3]  # the count still bounds
    assert [len(b) for b in found.batches(1000, 4_000_000)] == [6]  # 8 MB: under the default
    reports = [ingest_batch(paths, warehouse, "bounded") for paths in batches]
    assert sum(r.counts.new for r in reports) == 6


if __name__ == "__main__":
    pytest.main([__file__, "-x", "-q"])
