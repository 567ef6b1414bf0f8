-- name: lock_user
-- The user's lock, held until the transaction ends (see PostgreSQL's). BEGIN IMMEDIATE holds
-- SQLite's one write lock already: nothing more to take.
SELECT :user_id;
