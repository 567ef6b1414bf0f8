-- name: insert_key
INSERT INTO api_keys (name, prefix, key_hash, webhook_secret, user_id, created_at)
VALUES (%(name)s, %(prefix)s, %(key_hash)s, %(webhook_secret)s, %(user_id)s, %(now)s)
RETURNING id;

-- name: key_by_id
SELECT * FROM api_keys WHERE id = %(id)s;

-- name: active_key_by_hash
SELECT * FROM api_keys WHERE key_hash = %(key_hash)s AND revoked_at IS NULL;

-- name: keys
SELECT * FROM api_keys ORDER BY id;

-- name: active_key_by_name_or_prefix
SELECT * FROM api_keys WHERE (name = %(name)s OR prefix = %(name)s) AND revoked_at IS NULL;

-- name: revoke
UPDATE api_keys SET revoked_at = %(now)s WHERE id = %(id)s;

-- name: insert_job
INSERT INTO api_jobs (session_id, key_id, webhook_url, base_url)
VALUES (%(session_id)s, %(key_id)s, %(webhook_url)s, %(base_url)s);

-- name: set_job_id
UPDATE api_jobs SET job_id = %(job_id)s WHERE session_id = %(session_id)s;

-- name: delete_job
DELETE FROM api_jobs WHERE session_id = %(session_id)s;

-- name: job
SELECT * FROM api_jobs WHERE session_id = %(session_id)s;

-- name: active_key_by_name
SELECT id FROM api_keys WHERE name = %(name)s AND revoked_at IS NULL;

-- name: forget_requests_before
DELETE FROM api_requests WHERE key_id = %(key_id)s AND at <= %(before)s;

-- name: recent_requests
SELECT COUNT(*) AS count, MIN(at) AS first FROM api_requests WHERE key_id = %(key_id)s;

-- name: record_request
INSERT INTO api_requests (key_id, at) VALUES (%(key_id)s, %(now)s);
