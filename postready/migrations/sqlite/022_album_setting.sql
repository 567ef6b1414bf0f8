-- Albums: several photos sent together make one carousel post (the default), or a post each.

ALTER TABLE user_settings ADD COLUMN album_carousel INTEGER NOT NULL DEFAULT 1
    CHECK (album_carousel IN (0, 1));
