-- Clusters of near-duplicates joined when an article matched members of both (copies of one
-- story that landed before their original and do not match each other): every article that
-- had merged_root as its duplicate_of (merged_root included) now has into_root, the older.
CREATE TABLE cluster_merges (
    merged_root VARCHAR NOT NULL,
    into_root VARCHAR NOT NULL,
    articles INTEGER NOT NULL,
    run_id VARCHAR,
    merged_at TIMESTAMP NOT NULL
);
