-- name: insert_key
INSERT INTO api_keys (name, prefix, key_hash, webhook_secret, user_id, created_at)
VALUES (:name, :prefix, :key_hash, :webhook_secret, :user_id, :now);

-- name: key_by_id
SELECT * FROM api_keys WHERE id = :id;

-- name: active_key_by_hash
SELECT * FROM api_keys WHERE key_hash = :key_hash AND revoked_at IS NULL;

-- name: keys
SELECT * FROM api_keys ORDER BY id;

-- name: active_key_by_name_or_prefix
SELECT * FROM api_keys WHERE (name = :name OR prefix = :name) AND revoked_at IS NULL;

-- name: revoke
UPDATE api_keys SET revoked_at = :now WHERE id = :id;

-- name: insert_job
INSERT INTO api_jobs (session_id, key_id, webhook_url, base_url)
VALUES (:session_id, :key_id, :webhook_url, :base_url);

-- name: set_job_id
UPDATE api_jobs SET job_id = :job_id WHERE session_id = :session_id;

-- name: delete_job
DELETE FROM api_jobs WHERE session_id = :session_id;

-- name: job
SELECT * FROM api_jobs WHERE session_id = :session_id;

-- name: active_key_by_name
SELECT id FROM api_keys WHERE name = :name AND revoked_at IS NULL;

-- name: forget_requests_before
DELETE FROM api_requests WHERE key_id = :key_id AND at <= :before;

-- name: recent_requests
SELECT COUNT(*) AS count, MIN(at) AS first FROM api_requests WHERE key_id = :key_id;

-- name: record_request
INSERT INTO api_requests (key_id, at) VALUES (:key_id, :now);
