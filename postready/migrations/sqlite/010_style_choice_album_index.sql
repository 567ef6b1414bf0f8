-- A product photo's place in the album it came in: an album counts as one request against the
-- in-flight limit, also for the photos that waited for their styles.

ALTER TABLE style_choices ADD COLUMN album_index INTEGER NOT NULL DEFAULT 0;
