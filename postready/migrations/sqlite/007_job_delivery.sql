-- When a job's end (its results, or why it failed) was handed to its chat. A job that ended
-- without it (the process died while sending) is told at the next start.

ALTER TABLE jobs ADD COLUMN delivered_at REAL;
UPDATE jobs SET delivered_at = created_at
    WHERE session_id IN (
        SELECT id FROM processing_sessions WHERE status IN ('completed', 'failed', 'cancelled')
    );
CREATE INDEX jobs_undelivered ON jobs (id) WHERE delivered_at IS NULL;
