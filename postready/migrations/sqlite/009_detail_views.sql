-- A job with its session and user, and a session with its user: what the repositories read,
-- named once here instead of a join repeated in every query.

CREATE VIEW job_details AS
SELECT j.id, j.session_id, j.attempts, j.max_attempts, j.not_before, j.lease_owner,
       j.lease_expires_at, j.heartbeat_at, j.cancel_requested, j.created_at, j.delivered_at,
       s.user_id, s.chat_id, s.status, s.source_path, s.platforms, s.description, s.options,
       s.error_code, s.error_message, s.results, s.created_at AS session_created_at,
       s.started_at, s.completed_at, s.updated_at AS session_updated_at,
       u.platform, u.platform_user_id
FROM jobs j
JOIN processing_sessions s ON s.id = j.session_id
JOIN users u ON u.id = s.user_id;

CREATE VIEW session_details AS
SELECT s.*, u.platform, u.platform_user_id
FROM processing_sessions s
JOIN users u ON u.id = s.user_id;
