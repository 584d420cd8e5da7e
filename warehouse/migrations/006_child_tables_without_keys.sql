-- Passages, removals and passage signatures lose their primary keys. Their rows are landed
-- with their article, in the same transaction and only when the article is new, and a batch
-- keeps one row per key before landing, so the keys only repeated that guarantee. They cost
-- a fifth of the landing time and an in-memory index that grew with every article landed
-- (113 MiB after 90,000 articles). The article tables keep theirs: landing looks articles up
-- by id.
CREATE TABLE passages_unkeyed (
    passage_id VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    position INTEGER NOT NULL CHECK (position >= 0),
    text VARCHAR NOT NULL,
    duplicate_of VARCHAR
);
INSERT INTO passages_unkeyed BY NAME SELECT * FROM passages;
DROP TABLE passages;
ALTER TABLE passages_unkeyed RENAME TO passages;

CREATE TABLE removals_unkeyed (
    article_id VARCHAR NOT NULL,
    position INTEGER NOT NULL CHECK (position >= 0),
    kind VARCHAR NOT NULL,
    rule VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    before_passage INTEGER
);
INSERT INTO removals_unkeyed BY NAME SELECT * FROM removals;
DROP TABLE removals;
ALTER TABLE removals_unkeyed RENAME TO removals;

CREATE TABLE passage_signatures_unkeyed (
    passage_id VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    spec VARCHAR NOT NULL,
    size INTEGER NOT NULL,
    hashvalues BLOB NOT NULL
);
INSERT INTO passage_signatures_unkeyed BY NAME SELECT * FROM passage_signatures;
DROP TABLE passage_signatures;
ALTER TABLE passage_signatures_unkeyed RENAME TO passage_signatures;
