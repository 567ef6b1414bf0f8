-- The durable job queue: one job per queued session. The session's status is the job's state;
-- this table holds the queue's bookkeeping, and job_progress the progress events.

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,                 -- the short id users see (/status 12, /cancel 12)
    session_id TEXT NOT NULL UNIQUE REFERENCES processing_sessions (id) ON DELETE CASCADE,
    attempts INTEGER NOT NULL DEFAULT 0,    -- claims so far
    max_attempts INTEGER NOT NULL,
    not_before REAL NOT NULL,               -- not claimed before this time (retry back-off)
    lease_owner TEXT,                       -- the worker holding it while running
    lease_expires_at REAL,
    heartbeat_at REAL,
    cancel_requested INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1)),
    created_at REAL NOT NULL
);
CREATE INDEX jobs_lease ON jobs (lease_expires_at) WHERE lease_owner IS NOT NULL;

CREATE TABLE job_progress (
    id INTEGER PRIMARY KEY,
    job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    stage TEXT NOT NULL,
    done INTEGER NOT NULL,
    total INTEGER NOT NULL,
    message TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE INDEX job_progress_job ON job_progress (job_id, id);
CREATE INDEX processing_sessions_status ON processing_sessions (status);
