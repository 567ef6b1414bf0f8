-- A failed job's error as a chat fills it in the user's language: the English template and
-- its fields, as JSON ({"template": ..., "fields": {...}}); `error_message` keeps the English
-- line. Older rows have none and show their English message.

ALTER TABLE processing_sessions ADD COLUMN error_fields TEXT;

DROP VIEW job_details;
CREATE VIEW job_details AS
SELECT j.id, j.session_id, j.attempts, j.max_attempts, j.not_before, j.lease_owner,
       j.lease_token, j.lease_expires_at, j.heartbeat_at, j.cancel_requested, j.created_at,
       j.delivered_at,
       s.user_id, s.chat_id, s.status, s.source_path, s.platforms, s.description, s.options,
       s.error_code, s.error_message, s.error_fields, s.results,
       s.created_at AS session_created_at, s.started_at, s.completed_at,
       s.updated_at AS session_updated_at,
       u.platform, u.platform_user_id
FROM jobs j
JOIN processing_sessions s ON s.id = j.session_id
JOIN users u ON u.id = s.user_id;
