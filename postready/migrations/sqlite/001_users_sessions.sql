-- Users, their settings, and the pipeline's sessions, per-platform results and files,
-- adapted to SQLite: UUIDs as text, arrays and JSONB as JSON text, timestamps as Unix seconds.

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,                 -- telegram, discord, cli
    platform_user_id TEXT NOT NULL,
    created_at REAL NOT NULL,
    UNIQUE (platform, platform_user_id)
);

CREATE TABLE user_settings (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    default_platforms TEXT NOT NULL DEFAULT '[]',   -- JSON array of platform keys; [] = all
    timezone TEXT NOT NULL DEFAULT 'UTC',
    language TEXT NOT NULL DEFAULT 'en',
    logo_path TEXT,
    logo_position TEXT NOT NULL DEFAULT 'bottom-right',
    output_format TEXT NOT NULL DEFAULT 'jpeg' CHECK (output_format IN ('jpeg', 'png', 'webp')),
    send_as_files INTEGER NOT NULL DEFAULT 0 CHECK (send_as_files IN (0, 1)),
    awaiting_logo INTEGER NOT NULL DEFAULT 0 CHECK (awaiting_logo IN (0, 1)),
    updated_at REAL NOT NULL
);

CREATE TABLE processing_sessions (
    id TEXT PRIMARY KEY,                    -- the session UUID, also its output folder's name
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    chat_id TEXT,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'queued', 'running', 'completed', 'failed', 'cancelled')),
    source_path TEXT,
    platforms TEXT NOT NULL DEFAULT '[]',  -- JSON array of platform keys
    description TEXT NOT NULL DEFAULT '',
    options TEXT NOT NULL DEFAULT '{}',    -- JSON: format, variants, logo, timezone, language
    error_code TEXT,
    error_message TEXT,
    results TEXT,                           -- JSON: the session's results.json
    created_at REAL NOT NULL,
    started_at REAL,
    completed_at REAL,
    updated_at REAL NOT NULL
);
CREATE INDEX processing_sessions_user ON processing_sessions (user_id, created_at);

CREATE TABLE platform_results (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES processing_sessions (id) ON DELETE CASCADE,
    platform TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('success', 'failed')),
    processed_image_path TEXT,
    processing_time REAL NOT NULL,
    product_photography_used INTEGER NOT NULL DEFAULT 0,
    error_code TEXT,
    error_message TEXT,
    details TEXT NOT NULL DEFAULT '{}',    -- JSON: the platform's entry in results.json
    created_at REAL NOT NULL,
    UNIQUE (session_id, platform)
);

CREATE TABLE generated_files (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES processing_sessions (id) ON DELETE CASCADE,
    file_type TEXT NOT NULL
        CHECK (file_type IN ('source', 'json', 'caption', 'image', 'product_photo')),
    platform TEXT,
    file_path TEXT,                         -- NULL when the file was only uploaded
    file_url TEXT,
    file_size INTEGER,
    created_at REAL NOT NULL,
    CHECK (file_path IS NOT NULL OR file_url IS NOT NULL)
);
CREATE INDEX generated_files_session ON generated_files (session_id);
