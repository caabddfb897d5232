-- Pairs of actors are looked up apart for dated and undated events (same_event: a report
-- from an article of a known day reads undated events' pairs only). The stored lookup
-- keys were made the old way: resolution starts over once, as a rebuild that keeps each
-- event's id where its reports are the same (warehouse/resolution.py).
DELETE FROM resolution_events;
DELETE FROM resolution_event_keys;
DELETE FROM resolution_reports;
DELETE FROM resolution_report_keys;
INSERT OR IGNORE INTO resolution_queue SELECT DISTINCT article_id FROM article_events;
