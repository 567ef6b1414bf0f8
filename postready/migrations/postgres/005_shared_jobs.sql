-- Uploaded photos (and logos) kept in the database until their job ends, so that a worker on
-- any machine can run the job: the submitting process's disk is not shared.
CREATE TABLE upload_blobs (
    session_id text NOT NULL REFERENCES processing_sessions(id) ON DELETE CASCADE,
    name text NOT NULL,
    data bytea NOT NULL,
    PRIMARY KEY (session_id, name)
);

-- A finished job's delivery is taken by one process at a time (any process can deliver): the
-- taker's id and until when it holds it.
ALTER TABLE jobs ADD COLUMN delivering_owner text;
ALTER TABLE jobs ADD COLUMN delivering_until double precision;
