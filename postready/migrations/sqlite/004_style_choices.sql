-- A product photo waiting for its owner to pick photography styles with chat buttons: the
-- request is kept here (its photo saved under the data directory) until Generate, Skip or the
-- timeout submits it as a job, so the buttons still work after a restart.

CREATE TABLE style_choices (
    id INTEGER PRIMARY KEY,                 -- in the buttons' callback data: short
    platform TEXT NOT NULL,
    platform_user_id TEXT NOT NULL,         -- only this user may press the buttons
    chat_id TEXT NOT NULL,
    message_id TEXT,                        -- the message holding the buttons
    source_path TEXT NOT NULL,
    source_name TEXT NOT NULL DEFAULT '',
    platforms TEXT NOT NULL,                -- JSON array of platform keys
    description TEXT NOT NULL DEFAULT '',
    chosen TEXT NOT NULL DEFAULT '[]',      -- JSON array of style keys
    colour TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_at REAL NOT NULL
);
CREATE INDEX style_choices_open ON style_choices (status) WHERE status = 'open';
