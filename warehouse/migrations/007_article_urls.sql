-- Every address an article is known by: the one its page declares (articles.url) and the
-- ones it was fetched or saved under. One story found under two URLs is one article;
-- a feed entry linking to any of them is not fetched again.
CREATE TABLE article_urls (
    url         VARCHAR PRIMARY KEY,
    article_id  VARCHAR NOT NULL
);

INSERT INTO article_urls
SELECT DISTINCT ON (url) url, article_id FROM articles WHERE url IS NOT NULL
ORDER BY url, fetched_at DESC;
