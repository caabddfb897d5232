-- Stories published in several versions (URGENT, LEAD, 2nd LD...), each version in order.
SELECT story_id, version_seq, label, editor_note, title, published_at
FROM story_versions
ORDER BY story_id, version_seq;
