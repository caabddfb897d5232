-- Inputs that did not become articles, and why: files and fetched pages alike.
SELECT origin, error, received_at
FROM documents
WHERE status = 'failed'
ORDER BY received_at DESC;
