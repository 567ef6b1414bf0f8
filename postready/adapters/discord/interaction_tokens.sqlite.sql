-- name: drop_expired
DELETE FROM interaction_tokens WHERE expires_at <= :now;

-- name: save
INSERT OR REPLACE INTO interaction_tokens (chat_id, token, file_limit, expires_at)
VALUES (:chat_id, :token, :file_limit, :expires_at);

-- name: token
SELECT token, file_limit, expires_at FROM interaction_tokens
WHERE chat_id = :chat_id AND expires_at > :now;
