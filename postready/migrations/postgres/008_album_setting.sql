-- Albums: several photos sent together make one carousel post (the default), or a post each.
ALTER TABLE user_settings ADD COLUMN album_carousel boolean NOT NULL DEFAULT true;
