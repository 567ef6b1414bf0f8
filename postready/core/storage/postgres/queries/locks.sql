-- name: lock_user
-- The user's lock, held until the transaction ends: two transactions of one user, from any
-- processes, take turns, so a check of the user's limits (jobs, paid calls) sees the other's
-- rows before it adds its own.
SELECT pg_advisory_xact_lock(%(user_id)s);
