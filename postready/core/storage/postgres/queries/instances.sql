-- name: beat
-- The first beat registers the instance (again, if its row was forgotten while it was silent).
INSERT INTO instances (id, host, pid, started_at, beat_at)
VALUES (%(id)s, %(host)s, %(pid)s, %(now)s, %(now)s)
ON CONFLICT (id) DO UPDATE SET beat_at = excluded.beat_at;

-- name: stop
UPDATE instances SET stopped_at = %(now)s WHERE id = %(id)s;

-- name: all
SELECT id, host, pid, started_at, beat_at, stopped_at, %(now)s - beat_at AS silent_for
FROM instances ORDER BY started_at, id;

-- name: forget
-- ids: a JSON array of instance ids.
DELETE FROM instances
WHERE id IN (SELECT jsonb_array_elements_text(%(ids)s::jsonb)::text)
  AND NOT EXISTS (SELECT 1 FROM jobs WHERE jobs.lease_owner = instances.id);
