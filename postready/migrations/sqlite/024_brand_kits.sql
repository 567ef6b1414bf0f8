-- Brand kits: each user's (an API key's user included) tone, emoji, signature, brand
-- hashtags, words to avoid, call to action and own handles, as the kit's JSON; `awaiting`:
-- the kit's field the user's next message sets (a chat without forms asked for it), since
-- `awaiting_at`. The kit goes with its user (/forget).

CREATE TABLE brand_kits (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    kit TEXT NOT NULL DEFAULT '{}',
    awaiting TEXT,
    awaiting_at REAL,
    updated_at REAL NOT NULL
);
