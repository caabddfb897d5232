-- The landing zone, the article contract and the run log.

-- One row per ingestion flow run, written when it ends. run_id is Prefect's flow run id.
CREATE TABLE ingest_runs (
    run_id       VARCHAR PRIMARY KEY,
    flow_name    VARCHAR NOT NULL,
    inputs       VARCHAR[] NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ NOT NULL,
    -- completed: every input loaded; failed: some did not; crashed: the run broke off.
    status       VARCHAR NOT NULL CHECK (status IN ('completed', 'failed', 'crashed')),
    n_seen       INTEGER NOT NULL DEFAULT 0,
    n_new        INTEGER NOT NULL DEFAULT 0,
    n_updated    INTEGER NOT NULL DEFAULT 0,
    n_unchanged  INTEGER NOT NULL DEFAULT 0,
    n_failed     INTEGER NOT NULL DEFAULT 0,
    message      VARCHAR
);

-- Every input exactly as received, kept before parsing so nothing is lost and a better
-- parser can re-derive everything. doc_id hashes the bytes and any sidecar metadata.
CREATE TABLE documents (
    doc_id          VARCHAR PRIMARY KEY,
    content_hash    VARCHAR NOT NULL,
    content         BLOB NOT NULL,
    byte_size       BIGINT NOT NULL,
    origin          VARCHAR NOT NULL,
    meta            VARCHAR,
    received_at     TIMESTAMPTZ NOT NULL,
    first_run_id    VARCHAR NOT NULL,
    last_run_id     VARCHAR NOT NULL,
    status          VARCHAR NOT NULL CHECK (status IN ('parsed', 'failed')),
    error           VARCHAR,
    parser          VARCHAR,
    parser_version  VARCHAR,
    article_id      VARCHAR
);

CREATE TABLE articles (
    article_id         VARCHAR PRIMARY KEY,
    doc_id             VARCHAR NOT NULL,
    source             VARCHAR NOT NULL,
    url                VARCHAR,
    title              VARCHAR NOT NULL,
    label              VARCHAR,
    section            VARCHAR,
    byline             VARCHAR,
    dateline           VARCHAR,
    dateline_place     VARCHAR,
    published_at       TIMESTAMPTZ,
    -- The zone the outlet printed the time in, to show it as the outlet did.
    published_tz       VARCHAR,
    language           VARCHAR NOT NULL,
    fetched_at         TIMESTAMPTZ NOT NULL,
    replacement_chars  INTEGER NOT NULL,
    repairs            VARCHAR[] NOT NULL,
    parser             VARCHAR NOT NULL,
    parser_version     VARCHAR NOT NULL,
    run_id             VARCHAR NOT NULL
);

CREATE TABLE paragraphs (
    article_id  VARCHAR NOT NULL,
    seq         INTEGER NOT NULL,
    kind        VARCHAR NOT NULL CHECK (kind IN ('body', 'caption', 'subhead')),
    text        VARCHAR NOT NULL,
    PRIMARY KEY (article_id, seq)
);

-- Where each loaded file was seen and its size and modification time then (like git's
-- index): a rerun skips files whose signature is unchanged without reading them.
CREATE TABLE file_index (
    path        VARCHAR PRIMARY KEY,
    signature   VARCHAR NOT NULL,
    doc_id      VARCHAR NOT NULL,
    indexed_at  TIMESTAMPTZ NOT NULL
);
