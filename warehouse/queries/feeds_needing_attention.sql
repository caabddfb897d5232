-- Feeds that are failing, stale or sent a malformed body last time.
SELECT source, feed_url, consecutive_failures, last_error, last_problem, stale,
       last_success_at
FROM source_health
WHERE consecutive_failures > 0 OR stale OR last_problem IS NOT NULL
ORDER BY consecutive_failures DESC, source;
