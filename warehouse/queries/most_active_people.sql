-- The people most present in the coverage, per month of publication.
SELECT month, name, mentions, events, quotes
FROM actor_activity
WHERE entity_type = 'PERSON'
ORDER BY month DESC NULLS LAST, mentions DESC, name
LIMIT 20;
