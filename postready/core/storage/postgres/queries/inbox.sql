-- name: receive
INSERT INTO inbox (platform, update_key, kind, payload, received_at)
VALUES (%(platform)s, %(update_key)s, %(kind)s, %(payload)s, %(now)s)
ON CONFLICT (platform, update_key) DO NOTHING
RETURNING *;

-- name: acknowledge
UPDATE inbox SET acks = jsonb_set(acks, ARRAY[%(index)s::text], to_jsonb(%(message_id)s::text))
WHERE id = %(entry_id)s;

-- name: handled
UPDATE inbox SET handled_at = %(now)s
WHERE handled_at IS NULL AND id IN (SELECT jsonb_array_elements_text(%(entry_ids)s::jsonb)::bigint);

-- name: unhandled
SELECT * FROM inbox WHERE platform = %(platform)s AND handled_at IS NULL ORDER BY id;

-- name: prune
DELETE FROM inbox WHERE handled_at IS NOT NULL AND handled_at < %(before)s;
