-- Where in its container each reject was (a JSONL line number, a WARC record's byte offset;
-- NULL for a whole file), so that two rejects of one source with one reason stay two rows.
ALTER TABLE rejects ADD COLUMN position BIGINT;

-- Which process ran each run (pid and host), so that a later run can tell a run that was
-- killed from one still going, and a status for the killed ones: 'interrupted'.
CREATE TABLE runs_owned (
    run_id VARCHAR PRIMARY KEY,
    status VARCHAR NOT NULL DEFAULT 'running'
        CHECK (status IN ('running', 'ok', 'failed', 'interrupted')),
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    inputs INTEGER NOT NULL,
    landed INTEGER,
    duplicates INTEGER,
    near_duplicates INTEGER,
    rejected INTEGER,
    removals_by_kind MAP(VARCHAR, INTEGER),
    pid INTEGER,
    host VARCHAR
);
INSERT INTO runs_owned BY NAME SELECT * FROM runs;
DROP TABLE runs;
ALTER TABLE runs_owned RENAME TO runs;
