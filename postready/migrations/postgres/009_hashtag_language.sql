-- Which hashtags a post in the user's language gets (when it is not English): the language's
-- own ('mine', English where a niche has none), English ones, or both mixed (the default).

ALTER TABLE user_settings ADD COLUMN hashtag_language text NOT NULL DEFAULT 'both'
    CHECK (hashtag_language IN ('mine', 'english', 'both'));
