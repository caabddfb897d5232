-- Views for the questions analysts ask first. Each reads the contract tables only.

-- What happened, when, who was involved, where, and which outlets reported it.
CREATE VIEW event_timeline AS
SELECT
    e.event_id,
    e.event_date,
    e.date_precision,
    e.event_type,
    e.modality,
    e.summary,
    (SELECT string_agg(DISTINCT n.name, '; ' ORDER BY n.name)
       FROM event_actors x JOIN entities n USING (entity_id)
      WHERE x.event_id = e.event_id) AS actors,
    p.name AS place,
    (SELECT string_agg(DISTINCT a.source, ', ' ORDER BY a.source)
       FROM event_mentions m JOIN articles a USING (article_id)
      WHERE m.event_id = e.event_id) AS sources,
    (SELECT count(DISTINCT m.article_id) FROM event_mentions m
      WHERE m.event_id = e.event_id) AS articles
FROM events e
LEFT JOIN entities p ON p.entity_id = e.place_entity_id;

-- Per entity and month of publication: how often it was mentioned, in how many events it
-- took part, how many quotes it spoke. Undated articles fall under a NULL month.
CREATE VIEW actor_activity AS
WITH article_month AS (
    SELECT article_id, date_trunc('month', published_at)::DATE AS month FROM articles
),
m AS (
    SELECT mentions.entity_id, am.month, count(*) AS mentions
    FROM mentions JOIN article_month am USING (article_id) GROUP BY ALL
),
ev AS (
    SELECT x.entity_id, am.month, count(DISTINCT x.event_id) AS events
    FROM event_actors x
    JOIN event_mentions em USING (event_id)
    JOIN article_month am ON am.article_id = em.article_id
    GROUP BY ALL
),
q AS (
    SELECT quotes.speaker_entity_id AS entity_id, am.month, count(*) AS quotes
    FROM quotes JOIN article_month am USING (article_id)
    WHERE quotes.speaker_entity_id IS NOT NULL GROUP BY ALL
),
keys AS (
    SELECT entity_id, month FROM m UNION SELECT entity_id, month FROM ev
    UNION SELECT entity_id, month FROM q
)
SELECT k.entity_id, n.name, n.entity_type, k.month,
       coalesce(m.mentions, 0) AS mentions,
       coalesce(ev.events, 0) AS events,
       coalesce(q.quotes, 0) AS quotes
FROM keys k
JOIN entities n USING (entity_id)
LEFT JOIN m ON m.entity_id = k.entity_id AND m.month IS NOT DISTINCT FROM k.month
LEFT JOIN ev ON ev.entity_id = k.entity_id AND ev.month IS NOT DISTINCT FROM k.month
LEFT JOIN q ON q.entity_id = k.entity_id AND q.month IS NOT DISTINCT FROM k.month;

-- Who said what, where and when.
CREATE VIEW quotes_by_speaker AS
SELECT
    q.speaker_entity_id,
    coalesce(n.name, q.speaker_text) AS speaker,
    q.text,
    q.partial,
    a.source,
    a.title,
    a.published_at,
    a.url,
    q.article_id,
    q.paragraph_seq
FROM quotes q
JOIN articles a USING (article_id)
LEFT JOIN entities n ON n.entity_id = q.speaker_entity_id;

-- Per feed: when it last worked, how many failures in a row, and whether it went quiet
-- (nothing new for four times its usual interval, the default of the sources file).
CREATE VIEW source_health AS
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
    (SELECT count(*) FROM feed_entries e WHERE e.feed_url = f.feed_url) AS entries,
    (SELECT count(*) FROM feed_entries e
      WHERE e.feed_url = f.feed_url AND e.status = 'pending') AS pending
FROM feeds f;
