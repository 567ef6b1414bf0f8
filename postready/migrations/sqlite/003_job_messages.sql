-- The chat message that shows a job's status (edited with its progress), so the job's updates
-- still reach the right message after a restart.

CREATE TABLE job_messages (
    job_id INTEGER PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
    chat_id TEXT NOT NULL,
    message_id TEXT NOT NULL
);
