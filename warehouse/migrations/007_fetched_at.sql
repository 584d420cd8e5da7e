-- When the scraper fetched each page, as its input says (JSONL ``fetched_at``, WARC-Date),
-- in naive UTC like ``ingested_at``; NULL where the input does not say.
ALTER TABLE articles ADD COLUMN fetched_at TIMESTAMP;
