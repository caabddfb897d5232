-- The day an article was published, whenever its text gives the day, with or without a
-- time: what "on Thursday" is read against. With published_at, its date in the zone the
-- outlet printed it in.
ALTER TABLE articles ADD COLUMN published_date DATE;
UPDATE articles
SET published_date = CAST(
    CASE
        WHEN published_tz IS NULL THEN published_at AT TIME ZONE 'UTC'
        ELSE published_at AT TIME ZONE published_tz
    END AS DATE)
WHERE published_at IS NOT NULL;
-- A saved page may print no headline at all (it starts at the dateline): no title then,
-- rather than a made-up one.
ALTER TABLE articles ALTER COLUMN title DROP NOT NULL;
