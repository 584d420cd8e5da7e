-- How a near-duplicate relates to its duplicate_of: 'copy', 'contains' (its original is a
-- part of it) or 'contained_in' (it is a part of its original); NULL for an original.
ALTER TABLE articles ADD COLUMN duplicate_relation VARCHAR;
