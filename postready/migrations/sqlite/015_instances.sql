-- Processes running workers and their heartbeats: the jobs of a process that stopped, fell
-- silent or (on the same machine) is gone are re-queued at once instead of when their leases
-- run out. Each claim of a job gets its own token: a worker whose job was taken back and
-- claimed again, even by its own process, can no longer renew, complete or release it.

CREATE TABLE instances (
    id TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    started_at REAL NOT NULL,
    beat_at REAL NOT NULL,
    stopped_at REAL                         -- set on a clean shutdown
);

ALTER TABLE jobs ADD COLUMN lease_token TEXT;
CREATE INDEX jobs_lease_owner ON jobs (lease_owner) WHERE lease_owner IS NOT NULL;

DROP VIEW job_details;
CREATE VIEW job_details AS
SELECT j.id, j.session_id, j.attempts, j.max_attempts, j.not_before, j.lease_owner,
       j.lease_token, j.lease_expires_at, j.heartbeat_at, j.cancel_requested, j.created_at,
       j.delivered_at,
       s.user_id, s.chat_id, s.status, s.source_path, s.platforms, s.description, s.options,
       s.error_code, s.error_message, s.results, s.created_at AS session_created_at,
       s.started_at, s.completed_at, s.updated_at AS session_updated_at,
       u.platform, u.platform_user_id
FROM jobs j
JOIN processing_sessions s ON s.id = j.session_id
JOIN users u ON u.id = s.user_id;
