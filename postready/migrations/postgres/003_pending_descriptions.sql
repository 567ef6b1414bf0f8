-- SQLite's 017: "Change description" pressed in a chat that asks in the conversation
-- (Telegram): the job whose posts the user's next message in that chat describes again.

CREATE TABLE pending_descriptions (
    chat_id text NOT NULL,
    platform text NOT NULL,
    platform_user_id text NOT NULL,
    job_id bigint NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    created_at double precision NOT NULL,
    PRIMARY KEY (chat_id, platform, platform_user_id)
);
