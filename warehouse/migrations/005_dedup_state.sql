-- Near-duplicate detection state, kept so later runs find copies of earlier articles without
-- recomputing anything. `spec` names how a signature was made (shingles, permutations, hash,
-- datasketch scheme, e.g. 'w3-p128-xxh32-affine32'): signatures of different specs are never
-- compared. `hashvalues` are the MinHash values as little-endian bytes; `size` the number of
-- distinct shingles.
CREATE TABLE article_signatures (
    article_id VARCHAR PRIMARY KEY,
    spec VARCHAR NOT NULL,
    site VARCHAR,
    size INTEGER NOT NULL,
    hashvalues BLOB NOT NULL
);

CREATE TABLE passage_signatures (
    passage_id VARCHAR PRIMARY KEY,
    article_id VARCHAR NOT NULL,
    spec VARCHAR NOT NULL,
    size INTEGER NOT NULL,
    hashvalues BLOB NOT NULL
);

-- Per site, how many distinct articles each passage (by a hash of its case-folded, digits-as-0
-- key) appeared in; a passage in enough articles of one site is that site's chrome.
CREATE TABLE site_passages (
    site VARCHAR NOT NULL,
    passage_hash UBIGINT NOT NULL,
    article_count INTEGER NOT NULL,
    first_seen VARCHAR NOT NULL,
    PRIMARY KEY (site, passage_hash)
);
