-- Meetings in which both sides took part (here the United States and North Korea), with
-- the outlets that reported each.
SELECT t.event_date, t.date_precision, t.summary, t.place, t.sources
FROM event_timeline t
WHERE t.event_type = 'MEETING'
  AND t.event_id IN (SELECT event_id FROM event_actors WHERE entity_id = 'ref:united-states')
  AND t.event_id IN (SELECT event_id FROM event_actors WHERE entity_id = 'ref:north-korea')
ORDER BY t.event_date NULLS LAST;
