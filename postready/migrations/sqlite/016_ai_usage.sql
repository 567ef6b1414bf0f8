-- Paid calls per user: a row for each call to an AI text service and each style rendered by
-- the image API, which the daily quotas count; and each session's estimated cost, priced
-- from the usage its services reported.

CREATE TABLE ai_usage (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session_id TEXT REFERENCES processing_sessions (id) ON DELETE SET NULL,
    kind TEXT NOT NULL CHECK (kind IN ('ai_call', 'image_render')),
    at REAL NOT NULL
);
CREATE INDEX ai_usage_user ON ai_usage (user_id, kind, at);
CREATE INDEX ai_usage_at ON ai_usage (at);

ALTER TABLE processing_sessions ADD COLUMN cost_usd REAL;  -- NULL: not known (not completed)
