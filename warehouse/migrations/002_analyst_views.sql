-- Views for analysts.

-- The newest version of each source: a re-scraped page with changed content lands as a new
-- article; this keeps the latest one (ties on ingested_at broken by article_id).
CREATE VIEW articles_latest AS
SELECT *
FROM articles
QUALIFY row_number() OVER (PARTITION BY source ORDER BY ingested_at DESC, article_id DESC) = 1;

-- How often each rule removed something, per site: the place to audit a rule.
CREATE VIEW removals_by_site AS
SELECT a.site, r.kind, r.rule, count(*) AS n
FROM removals AS r
JOIN articles AS a USING (article_id)
GROUP BY a.site, r.kind, r.rule;

-- Coverage per site over the latest version of each source.
CREATE VIEW sites AS
SELECT
    site,
    count(*) AS articles,
    count(duplicate_of) AS duplicates,
    sum(word_count)::BIGINT AS words,
    min(published) AS first_published,
    max(published) AS last_published
FROM articles_latest
GROUP BY site;
