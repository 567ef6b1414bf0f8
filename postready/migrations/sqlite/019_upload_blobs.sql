-- Uploaded photos (and logos) kept in the database until their job ends (used with
-- PostgreSQL, where workers run on other machines; the table exists on both engines).
CREATE TABLE upload_blobs (
    session_id TEXT NOT NULL REFERENCES processing_sessions(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (session_id, name)
);
