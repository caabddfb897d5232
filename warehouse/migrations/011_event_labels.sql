-- The event_timeline view reads each event's actors, outlets and article count from the
-- event's own row, written with the event (warehouse/events.py): gathered at read time
-- they took every event's names before `LIMIT 5` could apply (1.1 s at 500,000 events).
-- Same meaning as 009's view: actor names and outlets distinct and sorted, the articles
-- that mention the event.
ALTER TABLE events ADD COLUMN actors VARCHAR;
ALTER TABLE events ADD COLUMN sources VARCHAR;
ALTER TABLE events ADD COLUMN articles BIGINT DEFAULT 0;

UPDATE events SET actors = an.actors
FROM (
    SELECT x.event_id, array_to_string(list_sort(list_distinct(list(n.name))), '; ') AS actors
    FROM event_actors x JOIN entities n USING (entity_id)
    GROUP BY x.event_id
) an
WHERE events.event_id = an.event_id;

UPDATE events SET sources = r.sources, articles = r.articles
FROM (
    SELECT m.event_id,
           array_to_string(list_sort(list_distinct(list(a.source))), ', ') AS sources,
           count(DISTINCT m.article_id) AS articles
    FROM event_mentions m JOIN articles a USING (article_id)
    GROUP BY m.event_id
) r
WHERE events.event_id = r.event_id;

CREATE OR REPLACE VIEW event_timeline AS
SELECT
    e.event_id,
    e.event_date,
    e.date_precision,
    e.event_type,
    e.modality,
    e.summary,
    e.actors,
    p.name AS place,
    e.sources,
    e.articles,
    -- The date as precisely as the reports give it: 2019-10-05, 2019-10, 2019.
    CASE e.date_precision
        WHEN 'day' THEN strftime(e.event_date, '%Y-%m-%d')
        WHEN 'month' THEN strftime(e.event_date, '%Y-%m')
        WHEN 'year' THEN strftime(e.event_date, '%Y')
    END AS event_when
FROM events e
LEFT JOIN entities p ON p.entity_id = e.place_entity_id
ORDER BY e.event_date NULLS LAST, e.event_type, e.event_id;
