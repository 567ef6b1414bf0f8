-- The durable inbox: every chat update that may start or steer a job (a photo, a command, a
-- button) is written here the moment it arrives, before any download or decode, and marked
-- handled once its effects are stored. A restart handles what is left; the chat's own id of the
-- update makes a redelivered one a no-op.

CREATE TABLE inbox (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    update_key TEXT NOT NULL,               -- Telegram's update id, Discord's interaction id
    kind TEXT NOT NULL CHECK (kind IN ('message', 'action')),
    payload TEXT NOT NULL,                  -- JSON: the message or the press, as the chat said it
    acks TEXT NOT NULL DEFAULT '{}',        -- JSON: photo index -> the status message sent for it
    received_at REAL NOT NULL,
    handled_at REAL,
    UNIQUE (platform, update_key)
);
CREATE INDEX inbox_unhandled ON inbox (platform, id) WHERE handled_at IS NULL;

-- A job submitted for an inbox entry's photo carries its key (`<entry id>:<photo index>`), so
-- handling the entry again after a crash finds the job instead of queueing a second one.
ALTER TABLE processing_sessions ADD COLUMN request_key TEXT;
CREATE UNIQUE INDEX processing_sessions_request_key ON processing_sessions (request_key)
    WHERE request_key IS NOT NULL;

-- The same for a product photo waiting for its styles: handled again, it finds its choice.
ALTER TABLE style_choices ADD COLUMN request_key TEXT;
CREATE UNIQUE INDEX style_choices_request_key ON style_choices (request_key)
    WHERE request_key IS NOT NULL;
