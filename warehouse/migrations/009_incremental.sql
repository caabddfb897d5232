-- Incremental resolution: where each report (article event) was placed, what events are
-- looked up by, the articles waiting to be resolved, and the run that last changed an event.

-- Lineage: the run that last wrote the event's row.
ALTER TABLE events ADD COLUMN run_id VARCHAR;

-- Each report's turn in the placing order (kind, date rank, id) and its place: the key of
-- its event (the report that founded it) and the events the rule accepted on the way
-- (an undated report that accepted two stands alone).
CREATE TABLE resolution_reports (
    article_event_id  VARCHAR NOT NULL,
    article_id        VARCHAR NOT NULL,
    kind              VARCHAR NOT NULL,
    rank              TINYINT NOT NULL,   -- 3 day, 2 month, 1 year, 0 undated
    event_date        DATE,
    event_key         VARCHAR NOT NULL,
    accepted_first    VARCHAR,
    accepted_second   VARCHAR
);

-- What a report looks events up by (parsers.extraction.same_event.report_keys), kind
-- included, hashed: an event that changed finds the reports it could now fit by these.
CREATE TABLE resolution_report_keys (
    article_event_id  VARCHAR NOT NULL,
    h                 UBIGINT NOT NULL
);

-- Each event the resolver keeps: its key, its public id, and its founder's kind and date.
CREATE TABLE resolution_events (
    event_key   VARCHAR NOT NULL,
    event_id    VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,
    rank        TINYINT NOT NULL,
    event_date  DATE
);

-- What an event is found by (same_event.event_keys, kind included, hashed), with its
-- founder's date rank: candidates come in founding order.
CREATE TABLE resolution_event_keys (
    event_key  VARCHAR NOT NULL,
    rank       TINYINT NOT NULL,
    h          UBIGINT NOT NULL
);

-- Articles whose reports changed since they were last resolved.
CREATE TABLE resolution_queue (
    article_id  VARCHAR PRIMARY KEY
);

-- A warehouse from before: resolve every article once (the events keep their ids where
-- their reports are the same).
INSERT INTO resolution_queue SELECT DISTINCT article_id FROM article_events;

-- Views as grouped joins (the correlated subqueries of 004 ran out of memory at 20,000
-- articles), event_timeline in date order with each date at its precision, and
-- actor_activity without a NULL month for undated articles.
CREATE OR REPLACE VIEW event_timeline AS
-- Names and outlets are gathered as lists, deduplicated and sorted per event: half the
-- work of string_agg(DISTINCT ... ORDER BY ...), which sorts within every group.
WITH actor_names AS (
    SELECT x.event_id, array_to_string(list_sort(list_distinct(list(n.name))), '; ') AS actors
    FROM event_actors x JOIN entities n USING (entity_id)
    GROUP BY x.event_id
),
reported AS (
    SELECT m.event_id,
           array_to_string(list_sort(list_distinct(list(a.source))), ', ') AS sources,
           count(DISTINCT m.article_id) AS articles
    FROM event_mentions m
    JOIN articles a USING (article_id)
    GROUP BY m.event_id
)
SELECT
    e.event_id,
    e.event_date,
    e.date_precision,
    e.event_type,
    e.modality,
    e.summary,
    an.actors,
    p.name AS place,
    r.sources,
    coalesce(r.articles, 0) AS articles,
    -- The date as precisely as the reports give it: 2019-10-05, 2019-10, 2019.
    CASE e.date_precision
        WHEN 'day' THEN strftime(e.event_date, '%Y-%m-%d')
        WHEN 'month' THEN strftime(e.event_date, '%Y-%m')
        WHEN 'year' THEN strftime(e.event_date, '%Y')
    END AS event_when
FROM events e
LEFT JOIN actor_names an USING (event_id)
LEFT JOIN reported r USING (event_id)
LEFT JOIN entities p ON p.entity_id = e.place_entity_id
ORDER BY e.event_date NULLS LAST, e.event_type, e.event_id;

-- Per entity and month of publication: how often it was mentioned, in how many events it
-- took part, how many quotes it spoke (the month in the outlet's zone, 005). Articles
-- without a date are left out.
CREATE OR REPLACE VIEW actor_activity AS
WITH article_month AS (
    SELECT article_id, date_trunc('month', published_date)::DATE AS month
    FROM articles WHERE published_date IS NOT NULL
),
counted AS (
    SELECT m.entity_id, am.month, count(*) AS mentions, 0 AS events, 0 AS quotes
    FROM mentions m JOIN article_month am USING (article_id) GROUP BY ALL
    UNION ALL
    SELECT x.entity_id, am.month, 0, count(DISTINCT x.event_id), 0
    FROM event_actors x
    JOIN (SELECT DISTINCT event_id, article_id FROM event_mentions) em USING (event_id)
    JOIN article_month am ON am.article_id = em.article_id
    GROUP BY ALL
    UNION ALL
    SELECT q.speaker_entity_id, am.month, 0, 0, count(*)
    FROM quotes q JOIN article_month am USING (article_id)
    WHERE q.speaker_entity_id IS NOT NULL GROUP BY ALL
)
SELECT c.entity_id, n.name, n.entity_type, c.month,
       sum(c.mentions)::BIGINT AS mentions,
       sum(c.events)::BIGINT AS events,
       sum(c.quotes)::BIGINT AS quotes
FROM counted c JOIN entities n USING (entity_id)
GROUP BY c.entity_id, n.name, n.entity_type, c.month;

-- Per feed: when it last worked, how many failures in a row, and whether it went quiet.
CREATE OR REPLACE VIEW source_health AS
WITH counts AS (
    SELECT feed_url, count(*) AS entries, count(*) FILTER (WHERE status = 'pending') AS pending
    FROM feed_entries GROUP BY feed_url
)
SELECT
    f.source,
    f.feed_url,
    f.last_success_at,
    f.last_attempt_at,
    f.consecutive_failures,
    f.last_error,
    f.last_problem,
    f.next_poll_at,
    f.newest_entry_at,
    f.usual_interval_seconds,
    coalesce(
        f.newest_entry_at + to_seconds(4 * f.usual_interval_seconds) < now(), false
    ) AS stale,
    coalesce(c.entries, 0) AS entries,
    coalesce(c.pending, 0) AS pending
FROM feeds f LEFT JOIN counts c USING (feed_url);

-- Story links keep each version's earlier version, so that a new article links alone;
-- the links of before are made again (with it) by the next feed run.
ALTER TABLE story_links ADD COLUMN previous_article_id VARCHAR;
DELETE FROM story_links;
