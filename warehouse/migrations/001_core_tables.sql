-- Core tables: one row per run, landed article, body passage, removed piece and reject.
-- Timestamps are UTC without a zone.

CREATE TABLE runs (
    run_id VARCHAR PRIMARY KEY,
    status VARCHAR NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'ok', 'failed')),
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    inputs INTEGER NOT NULL,
    landed INTEGER,
    duplicates INTEGER,
    near_duplicates INTEGER,
    rejected INTEGER,
    removals_by_kind MAP(VARCHAR, INTEGER)
);

-- article_id is derived by the caller from source + raw content, so a changed page is a new row
-- (a new version of the same source) and re-landing the same page is a no-op.
CREATE TABLE articles (
    article_id VARCHAR PRIMARY KEY,
    source VARCHAR NOT NULL,
    url VARCHAR,
    title VARCHAR,
    site VARCHAR,
    published DATE,
    authors VARCHAR[] NOT NULL,
    body VARCHAR NOT NULL,
    word_count INTEGER NOT NULL CHECK (word_count >= 0),
    duplicate_of VARCHAR,
    run_id VARCHAR,
    ingested_at TIMESTAMP NOT NULL,
    content_sha256 VARCHAR,
    encoding VARCHAR,
    input_format VARCHAR CHECK (input_format IN ('text', 'html'))
);

-- passage_id = article_id || ':' || position, stored so that duplicate_of can point at one.
CREATE TABLE passages (
    passage_id VARCHAR PRIMARY KEY,
    article_id VARCHAR NOT NULL,
    position INTEGER NOT NULL CHECK (position >= 0),
    text VARCHAR NOT NULL,
    duplicate_of VARCHAR
);

CREATE TABLE removals (
    article_id VARCHAR NOT NULL,
    position INTEGER NOT NULL CHECK (position >= 0),
    kind VARCHAR NOT NULL,
    rule VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    PRIMARY KEY (article_id, position)
);

CREATE TABLE rejects (
    source VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    run_id VARCHAR,
    rejected_at TIMESTAMP NOT NULL
);
