-- Every full quote with its speaker, newest first (partial quotes of a few words left out).
SELECT speaker, text, source, published_at, url
FROM quotes_by_speaker
WHERE NOT partial AND speaker IS NOT NULL
ORDER BY published_at DESC NULLS LAST, speaker;
