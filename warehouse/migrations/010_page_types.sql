-- What kind of page each article row is: article, listing, collection, forum, product,
-- service or documentation. Rows landed before page types were cleaned as articles, and are
-- marked so; from here on every landed row gives its type.
ALTER TABLE articles ADD COLUMN page_type VARCHAR DEFAULT 'article';
ALTER TABLE articles ALTER COLUMN page_type DROP DEFAULT;

-- Every page, the newest version of each source (what articles_latest was before).
CREATE VIEW pages_latest AS
SELECT *
FROM articles
QUALIFY row_number() OVER (PARTITION BY source ORDER BY ingested_at DESC, article_id DESC) = 1;

-- The analysts' default: articles only. `sites` reads this view, so it counts articles only.
CREATE OR REPLACE VIEW articles_latest AS
SELECT *
FROM pages_latest
WHERE page_type = 'article';
