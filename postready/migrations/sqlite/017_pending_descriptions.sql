-- "Change description" pressed in a chat that asks in the conversation (Telegram): the job
-- whose posts the user's next message in that chat describes again. The newest press wins.

CREATE TABLE pending_descriptions (
    chat_id TEXT NOT NULL,
    platform TEXT NOT NULL,
    platform_user_id TEXT NOT NULL,
    job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    created_at REAL NOT NULL,
    PRIMARY KEY (chat_id, platform, platform_user_id)
);
