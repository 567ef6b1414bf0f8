-- Each reply of a finished job (an album, the previews sheet, a platform's post), recorded once
-- the chat has taken it ('sent') or refused it for good ('refused'): delivery after a restart
-- sends only the replies without a row, and a job is delivered once all of them have one.

CREATE TABLE job_replies (
    job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    part TEXT NOT NULL,  -- the reply's key within its job: 'album:1', 'previews', 'post:x'
    outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'refused')),
    message_id TEXT,  -- the chat's id of its (last) message, when sent
    recorded_at REAL NOT NULL,
    PRIMARY KEY (job_id, part)
) WITHOUT ROWID;
