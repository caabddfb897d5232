-- Live sources: the feeds and their polling state, the entries seen, the landing zone of
-- every HTTP response, and the versions of a story.

-- One row per feed of the sources file, with what the last polls said.
CREATE TABLE feeds (
    feed_url              VARCHAR PRIMARY KEY,
    source                VARCHAR NOT NULL,
    parser                VARCHAR NOT NULL,
    -- Sent back as If-None-Match / If-Modified-Since: an unchanged feed answers 304.
    etag                  VARCHAR,
    last_modified         VARCHAR,
    last_attempt_at       TIMESTAMPTZ,
    last_success_at       TIMESTAMPTZ,
    last_status           INTEGER,
    last_error            VARCHAR,
    consecutive_failures  INTEGER NOT NULL DEFAULT 0,
    -- Set while backing off after failures (or a Retry-After): not polled before then.
    next_poll_at          TIMESTAMPTZ,
    -- A malformed body that still gave entries: what was wrong with it.
    last_problem          VARCHAR,
    newest_entry_at       TIMESTAMPTZ,
    usual_interval_seconds DOUBLE
);

-- Every entry a feed has listed, once: an entry seen before is not fetched again.
CREATE TABLE feed_entries (
    source         VARCHAR NOT NULL,
    -- The guid, else the link, else a hash of the title and date.
    entry_id       VARCHAR NOT NULL,
    feed_url       VARCHAR NOT NULL,
    url            VARCHAR,
    title          VARCHAR,
    published_at   TIMESTAMPTZ,
    first_seen_at  TIMESTAMPTZ NOT NULL,
    -- pending: to fetch; fetched: its page is landed; failed: given up on; skipped: not to
    -- be fetched (robots.txt, no link).
    status         VARCHAR NOT NULL CHECK (status IN ('pending', 'fetched', 'failed', 'skipped')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    error          VARCHAR,
    PRIMARY KEY (source, entry_id)
);

-- The landing zone: every response fetched (feed, page, robots.txt), stored before it is
-- parsed. Bodies are kept once per content hash.
CREATE TABLE responses (
    response_id   VARCHAR PRIMARY KEY,
    run_id        VARCHAR,
    kind          VARCHAR NOT NULL CHECK (kind IN ('feed', 'page', 'robots')),
    source        VARCHAR,
    parser        VARCHAR,
    url           VARCHAR NOT NULL,
    final_url     VARCHAR,
    status        INTEGER,
    headers       VARCHAR,
    error         VARCHAR,
    fetched_at    TIMESTAMPTZ NOT NULL,
    elapsed_ms    INTEGER,
    content_hash  VARCHAR,
    byte_size     BIGINT,
    -- For a page: the document it was loaded as; NULL while it waits to be loaded.
    doc_id        VARCHAR
);

CREATE TABLE response_bodies (
    content_hash  VARCHAR PRIMARY KEY,
    content       BLOB NOT NULL
);

-- Yonhap's "(ATTN: ...)" note to editors: what a new version of a story changed.
ALTER TABLE articles ADD COLUMN editor_note VARCHAR;

-- Versions of one story (URGENT -> LEAD -> 2nd LD): each its own article. Recomputed after
-- every feed run; analysts read the views below.
CREATE TABLE story_links (
    article_id   VARCHAR PRIMARY KEY,
    story_id     VARCHAR NOT NULL,
    version_seq  INTEGER NOT NULL,
    is_latest    BOOLEAN NOT NULL
);

-- Every version of every story of more than one version, in order.
CREATE VIEW story_versions AS
SELECT s.story_id, s.version_seq, s.is_latest, a.article_id, a.label, a.editor_note,
       a.title, a.published_at, a.url, a.source
FROM story_links s JOIN articles a USING (article_id)
WHERE s.story_id IN (SELECT story_id FROM story_links WHERE version_seq > 1);

-- Each story once, in its newest version: what analysts read by default.
CREATE VIEW latest_articles AS
SELECT a.*, s.story_id, s.version_seq
FROM articles a LEFT JOIN story_links s USING (article_id)
WHERE s.is_latest IS NULL OR s.is_latest;
