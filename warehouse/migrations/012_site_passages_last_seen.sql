-- When each remembered passage of a site was last counted. The dedup index on disk beside the
-- warehouse (DB.index) holds the counts as of its writing; a run restores into memory only
-- the rows counted since. Rows counted before this column existed stay NULL (older than any
-- segment).
ALTER TABLE site_passages ADD COLUMN last_seen TIMESTAMP;
