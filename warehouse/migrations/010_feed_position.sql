-- Where an entry stood in its feed when first listed (0 = top). A run fetches a feed's
-- newest entries first: by published_at when the feed gives it, else by this (feeds list
-- newest first), so an entry without a date still has its turn.
ALTER TABLE feed_entries ADD COLUMN feed_position INTEGER;
