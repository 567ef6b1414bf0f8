-- name: receive
INSERT INTO inbox (platform, update_key, kind, payload, received_at)
VALUES (:platform, :update_key, :kind, :payload, :now)
ON CONFLICT (platform, update_key) DO NOTHING
RETURNING *;

-- name: acknowledge
UPDATE inbox SET acks = json_set(acks, '$.' || :index, :message_id) WHERE id = :entry_id;

-- name: handled
UPDATE inbox SET handled_at = :now
WHERE handled_at IS NULL AND id IN (SELECT value FROM json_each(:entry_ids));

-- name: unhandled
SELECT * FROM inbox WHERE platform = :platform AND handled_at IS NULL ORDER BY id;

-- name: prune
DELETE FROM inbox WHERE handled_at IS NOT NULL AND handled_at < :before;
