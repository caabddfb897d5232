-- Response bodies move out of `response_bodies` into pieces of at most 64 KiB, as
-- documents did in migration 012, for the same reason: a body larger than DuckDB's
-- 256 KiB block sits in overflow blocks that a commit's checkpoint pins all at once, so
-- stored feed bodies (up to fetch.max_response_bytes, 5 MB, and a changed feed is a new
-- body every run) grew into a wall: with DuckDB's memory at 256 MB, landing 5 MB bodies
-- failed at 250 MB stored ("Failed to rollback transaction ... failed to pin block"), and
-- at every later run. Bodies are cut by warehouse/rows.py (pieces_table); the stored ones
-- are moved by warehouse/move_content.py after this file, which then drops the old table.
CREATE TABLE response_body_pieces (
    content_hash  VARCHAR NOT NULL,
    seq           INTEGER NOT NULL,
    piece         BLOB NOT NULL,
    PRIMARY KEY (content_hash, seq)
);

-- A body whole, for SQL: `SELECT content FROM response_contents WHERE content_hash = ...`.
CREATE VIEW response_contents AS
SELECT content_hash, unhex(string_agg(hex(piece), '' ORDER BY seq)) AS content
FROM response_body_pieces
GROUP BY content_hash;
