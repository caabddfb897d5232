-- A document's bytes move out of `documents` into pieces of at most 64 KiB (a quarter of
-- DuckDB's 256 KiB block). A value larger than a block is kept in overflow blocks that a
-- commit's checkpoint pins in memory all at once: stored 1 MB pages made every write fail
-- near the memory limit ("Failed to rollback transaction ... failed to pin block"), while
-- the same bytes in pieces kept loading past it (measured with DuckDB 1.5.5). Documents
-- are cut by warehouse/rows.py (PIECE_BYTES); the stored ones are moved by
-- warehouse/move_content.py after this file, a few at a time (one statement over all of
-- them ran out of memory on an 800 MB warehouse). Readers put a document together by seq.
CREATE TABLE document_pieces (
    doc_id  VARCHAR NOT NULL,
    seq     INTEGER NOT NULL,
    piece   BLOB NOT NULL,
    PRIMARY KEY (doc_id, seq)
);

-- A document's bytes whole, for SQL: `SELECT content FROM document_contents WHERE ...`.
-- (Joined through hex: DuckDB's string_agg reads a BLOB as text.)
CREATE VIEW document_contents AS
SELECT doc_id, unhex(string_agg(hex(piece), '' ORDER BY seq)) AS content
FROM document_pieces
GROUP BY doc_id;
