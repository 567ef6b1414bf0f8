-- The HTTP API: its keys (each one a user of its own, on the platform 'api'), and the jobs
-- submitted through it with the completion webhook each asked for.

CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL UNIQUE,          -- the token's public part; the key's user id
    key_hash TEXT NOT NULL UNIQUE,        -- SHA-256 of the whole token, hex
    webhook_secret TEXT NOT NULL,         -- signs its webhooks, so it is kept as it is
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at REAL NOT NULL,
    revoked_at REAL
);
CREATE UNIQUE INDEX api_keys_active_name ON api_keys (name) WHERE revoked_at IS NULL;

-- Written before its session (so a job that ends at once still finds its webhook): no foreign
-- key to the session; the trigger forgets the row with the session.
CREATE TABLE api_jobs (
    session_id TEXT PRIMARY KEY,
    job_id INTEGER,                       -- NULL until the job is queued
    key_id INTEGER NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    webhook_url TEXT,
    base_url TEXT NOT NULL                -- the server's address as the client reached it
);
CREATE TRIGGER api_jobs_forget AFTER DELETE ON processing_sessions BEGIN
    DELETE FROM api_jobs WHERE session_id = OLD.id;
END;
