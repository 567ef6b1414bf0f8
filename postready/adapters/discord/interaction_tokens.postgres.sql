-- name: drop_expired
DELETE FROM interaction_tokens WHERE expires_at <= %(now)s;

-- name: save
INSERT INTO interaction_tokens (chat_id, token, file_limit, expires_at)
VALUES (%(chat_id)s, %(token)s, %(file_limit)s, %(expires_at)s)
ON CONFLICT (chat_id) DO UPDATE
SET token = excluded.token, file_limit = excluded.file_limit, expires_at = excluded.expires_at;

-- name: token
SELECT token, file_limit, expires_at FROM interaction_tokens
WHERE chat_id = %(chat_id)s AND expires_at > %(now)s;
