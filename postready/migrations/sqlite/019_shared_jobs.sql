-- Uploaded photos (and logos) kept in the database until their job ends (used with
-- PostgreSQL, where workers run on other machines; the table exists on both engines).
CREATE TABLE upload_blobs (
    session_id TEXT NOT NULL REFERENCES processing_sessions(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (session_id, name)
);

-- A finished job's delivery is taken by one process at a time (any process can deliver): the
-- taker's id and until when it holds it.
ALTER TABLE jobs ADD COLUMN delivering_owner TEXT;
ALTER TABLE jobs ADD COLUMN delivering_until REAL;
