-- Users an admin stopped from using PostReady (`/block`), on their chat platform.

CREATE TABLE blocked_users (
    platform TEXT NOT NULL,
    platform_user_id TEXT NOT NULL,
    blocked_by TEXT NOT NULL,               -- the admin's platform user id
    blocked_at REAL NOT NULL,
    PRIMARY KEY (platform, platform_user_id)
);
