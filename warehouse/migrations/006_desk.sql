-- The analyst's desk: what full-text search indexes, when each item was first seen (for
-- the digest and the Atom feed of new events), and where each digest reader stopped.

-- The passages search ranks: article titles, paragraphs and quotes, kept in step with the
-- contract tables after every run (warehouse/search.py). DuckDB's fts extension indexes
-- this table in the schema fts_main_search_passages.
CREATE TABLE search_passages (
    passage_id  VARCHAR NOT NULL,   -- '<article_id>#title', '#p<seq>' or '#q<quote_id>'
    article_id  VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL CHECK (kind IN ('title', 'body', 'caption', 'subhead', 'quote')),
    seq         INTEGER,            -- the paragraph's seq (of a quote: where it starts)
    quote_id    VARCHAR,
    text        VARCHAR NOT NULL
);

-- Which version of each article the passages were taken from: an article whose row or
-- derivation changed since (another document, another run, another extractor) is
-- re-indexed; the others are left alone.
CREATE TABLE search_articles (
    article_id  VARCHAR NOT NULL,
    signature   UBIGINT NOT NULL
);

-- How the fts index was built (settings and extension): another build means a rebuild.
CREATE TABLE search_index (
    settings    VARCHAR NOT NULL,
    built_at    TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

-- When each event, quote and article was first seen, by sighting: one number per refresh
-- that found something new. The digest and the feed read "new since" from here.
CREATE TABLE first_seen (
    kind      VARCHAR NOT NULL CHECK (kind IN ('article', 'event', 'quote')),
    item_id   VARCHAR NOT NULL,
    sighting  BIGINT NOT NULL,
    seen_at   TIMESTAMPTZ NOT NULL
);

-- Where each reader of `peninsula digest --since-last` stopped.
CREATE TABLE digest_cursors (
    name      VARCHAR PRIMARY KEY,
    sighting  BIGINT NOT NULL,
    moved_at  TIMESTAMPTZ NOT NULL
);
