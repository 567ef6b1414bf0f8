-- The token of a chat interaction that answers for a while after it is sent (Discord: 15
-- minutes), so that a job resumed after a restart still answers in its conversation.

CREATE TABLE interaction_tokens (
    chat_id TEXT PRIMARY KEY,
    token TEXT NOT NULL,
    file_limit INTEGER NOT NULL,
    expires_at REAL NOT NULL
);
