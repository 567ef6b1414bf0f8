-- name: beat
-- The first beat registers the instance (again, if its row was forgotten while it was silent).
INSERT INTO instances (id, host, pid, started_at, beat_at)
VALUES (:id, :host, :pid, :now, :now)
ON CONFLICT (id) DO UPDATE SET beat_at = excluded.beat_at;

-- name: stop
UPDATE instances SET stopped_at = :now WHERE id = :id;

-- name: all
SELECT id, host, pid, started_at, beat_at, stopped_at, :now - beat_at AS silent_for
FROM instances ORDER BY started_at, id;

-- name: forget
-- :ids is a JSON array of instance ids.
DELETE FROM instances
WHERE id IN (SELECT value FROM json_each(:ids))
  AND NOT EXISTS (SELECT 1 FROM jobs WHERE jobs.lease_owner = instances.id);
