-- What happened, in order: events that were reported as having happened, with who took
-- part, where, and which outlets reported each.
SELECT event_date, date_precision, event_type, summary, actors, place, sources
FROM event_timeline
WHERE event_date IS NOT NULL AND modality IN ('asserted', 'reported')
ORDER BY event_date, event_type;
