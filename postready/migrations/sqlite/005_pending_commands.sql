-- An `/optimize` sent before its photo, so that a restart in between does not forget it.

CREATE TABLE pending_commands (
    chat_id TEXT NOT NULL,
    user_key TEXT NOT NULL,
    command TEXT NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (chat_id, user_key)
);
