-- Who is involved, who said what, what happened when: the derived contract tables.
-- Every derived row carries the extractor version (rules + reference) that made it.

CREATE TABLE entities (
    entity_id          VARCHAR PRIMARY KEY,   -- 'ref:<reference id>' or 'txt:<name key>'
    name               VARCHAR NOT NULL,
    entity_type        VARCHAR NOT NULL CHECK (entity_type IN ('PERSON', 'ORG', 'GPE', 'LOC', 'FAC')),
    country_iso3       VARCHAR,
    wikidata_id        VARCHAR,
    origin             VARCHAR NOT NULL CHECK (origin IN ('reference', 'text')),
    extractor_version  VARCHAR NOT NULL
);

CREATE TABLE entity_aliases (
    entity_id  VARCHAR NOT NULL,
    alias      VARCHAR NOT NULL,
    PRIMARY KEY (entity_id, alias)
);

-- What an article says a person is: "professor of international politics at ...".
CREATE TABLE entity_roles (
    entity_id              VARCHAR NOT NULL,
    article_id             VARCHAR NOT NULL,
    role                   VARCHAR NOT NULL,
    affiliation_entity_id  VARCHAR,
    extractor_version      VARCHAR NOT NULL
);

CREATE TABLE mentions (
    article_id         VARCHAR NOT NULL,
    entity_id          VARCHAR NOT NULL,
    paragraph_seq      INTEGER NOT NULL,
    sentence           INTEGER NOT NULL,
    char_start         INTEGER NOT NULL,
    char_end           INTEGER NOT NULL,
    surface            VARCHAR NOT NULL,
    extractor_version  VARCHAR NOT NULL
);

CREATE TABLE quotes (
    quote_id           VARCHAR PRIMARY KEY,
    article_id         VARCHAR NOT NULL,
    speaker_entity_id  VARCHAR,
    speaker_text       VARCHAR,
    text               VARCHAR NOT NULL,
    paragraph_seq      INTEGER NOT NULL,
    partial            BOOLEAN NOT NULL,
    extractor_version  VARCHAR NOT NULL
);

-- Events as each article reports them; `events` below merges them across articles.
CREATE TABLE article_events (
    article_event_id   VARCHAR PRIMARY KEY,
    article_id         VARCHAR NOT NULL,
    event_type         VARCHAR NOT NULL,
    meeting_kind       VARCHAR,               -- 'summit' or 'talks' for meetings
    trigger            VARCHAR NOT NULL,
    modality           VARCHAR NOT NULL,
    event_date         DATE,
    date_precision     VARCHAR NOT NULL,
    month_hint         INTEGER,
    place_entity_id    VARCHAR,
    summary            VARCHAR NOT NULL,
    actors             STRUCT(entity_id VARCHAR, role VARCHAR)[] NOT NULL,
    sentences          STRUCT(paragraph_seq INTEGER, sentence INTEGER)[] NOT NULL,
    extractor_version  VARCHAR NOT NULL
);

CREATE TABLE events (
    event_id           VARCHAR PRIMARY KEY,
    event_type         VARCHAR NOT NULL,
    plover_type        VARCHAR,
    cameo_root         VARCHAR NOT NULL,
    event_date         DATE,
    date_precision     VARCHAR NOT NULL CHECK (date_precision IN ('day', 'month', 'year', 'unknown')),
    place_entity_id    VARCHAR,
    modality           VARCHAR NOT NULL
        CHECK (modality IN ('asserted', 'reported', 'planned', 'hypothetical', 'denied')),
    summary            VARCHAR NOT NULL,
    extractor_version  VARCHAR NOT NULL
);

CREATE TABLE event_actors (
    event_id   VARCHAR NOT NULL,
    entity_id  VARCHAR NOT NULL,
    role       VARCHAR NOT NULL CHECK (role IN ('source', 'target', 'participant')),
    PRIMARY KEY (event_id, entity_id)
);

CREATE TABLE event_mentions (
    event_id          VARCHAR NOT NULL,
    article_id        VARCHAR NOT NULL,
    paragraph_seq     INTEGER NOT NULL,
    sentence          INTEGER NOT NULL,
    article_event_id  VARCHAR NOT NULL
);

ALTER TABLE articles ADD COLUMN extractor_version VARCHAR;
