-- The queue place a waiting job's chat was last told, so that of all the processes that see
-- the queue move, one tells it its new place, once.
ALTER TABLE jobs ADD COLUMN shown_position INTEGER;
