-- Uploaded photos (and logos) kept in the database until their job ends, so that a worker on
-- any machine can run the job: the submitting process's disk is not shared.
CREATE TABLE upload_blobs (
    session_id text NOT NULL REFERENCES processing_sessions(id) ON DELETE CASCADE,
    name text NOT NULL,
    data bytea NOT NULL,
    PRIMARY KEY (session_id, name)
);
