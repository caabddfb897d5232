-- The model's reading of each article (a spaCy DocBin: tokens, lemmas, parse, entities),
-- kept so that a change of rules re-derives without running the model again. A row is
-- valid while its model and the hash of the text it read match the article's; otherwise
-- the article is analysed again and the row replaced.
CREATE TABLE article_analyses (
    article_id   VARCHAR PRIMARY KEY,
    model        VARCHAR NOT NULL,   -- spaCy model name and version
    text_hash    VARCHAR NOT NULL,   -- of the paragraphs the model read
    analysis     BLOB NOT NULL,
    analysed_at  TIMESTAMPTZ NOT NULL
);
