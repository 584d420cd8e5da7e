-- Files of a watched inbox already processed, so that scheduled runs take each file once.
-- A file is known by path, size and modification time: rewriting it makes it new again.
CREATE TABLE inbox_files (
    path VARCHAR NOT NULL,
    size BIGINT NOT NULL,
    mtime_ns BIGINT NOT NULL,
    run_id VARCHAR,
    processed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (path, size, mtime_ns)
);
