-- name: job
SELECT * FROM job_details WHERE id = :job_id;

-- name: jobs
-- :ids is a JSON array of job ids.
SELECT * FROM job_details WHERE id IN (SELECT value FROM json_each(:ids)) ORDER BY id;

-- name: user_job_counts
-- A product photo waiting for its styles is in flight too: it becomes a job.
SELECT (SELECT COUNT(*) FROM job_details
        WHERE user_id = :user_id AND status IN ('queued', 'running'))
     + (SELECT COUNT(*) FROM style_choices c
        JOIN users u ON u.platform = c.platform AND u.platform_user_id = c.platform_user_id
        WHERE u.id = :user_id AND c.status = 'open') AS in_flight,
       (SELECT COUNT(*) FROM job_details
        WHERE user_id = :user_id AND created_at > :since) AS last_hour,
       (SELECT COUNT(*) FROM job_details
        WHERE user_id = :user_id AND created_at >= :day_start) AS today;

-- name: queued_count
SELECT COUNT(*) AS count FROM processing_sessions WHERE status = 'queued';

-- name: insert_session
INSERT INTO processing_sessions (id, user_id, chat_id, status, source_path, platforms,
                                 description, options, request_key, created_at, updated_at)
VALUES (:session_id, :user_id, :chat_id, 'queued', :source_path, :platforms, :description,
        :options, :request_key, :now, :now);

-- name: job_for_request
SELECT j.id FROM jobs j JOIN processing_sessions s ON s.id = j.session_id
WHERE s.request_key = :request_key;

-- name: insert_job
INSERT INTO jobs (session_id, max_attempts, not_before, created_at)
VALUES (:session_id, :max_attempts, :now, :now);

-- name: insert_file
INSERT INTO generated_files (session_id, file_type, platform, file_path, file_url, file_size,
                             created_at)
VALUES (:session_id, :file_type, :platform, :file_path, :file_url, :file_size, :now);

-- name: next_claimable
-- :platforms is a JSON array of the platforms whose users' jobs may be taken, or NULL: any;
-- :job_id the one job to take, or NULL: the next.
SELECT id FROM job_details
WHERE status = 'queued' AND not_before <= :now
  AND (:platforms IS NULL OR platform IN (SELECT value FROM json_each(:platforms)))
  AND (:job_id IS NULL OR id = :job_id)
ORDER BY id LIMIT 1;

-- name: take_lease
UPDATE jobs SET attempts = attempts + 1, lease_owner = :owner, lease_token = :token,
                lease_expires_at = :expires_at, heartbeat_at = :now
WHERE id = :job_id;

-- name: renew_lease
UPDATE jobs SET lease_expires_at = :expires_at, heartbeat_at = :now
WHERE id = :job_id AND lease_owner = :owner AND lease_token = :token
  AND (SELECT status FROM processing_sessions s WHERE s.id = jobs.session_id) = 'running'
RETURNING cancel_requested;

-- name: holds_lease
SELECT 1 FROM job_details
WHERE id = :job_id AND lease_owner = :owner AND lease_token = :token AND status = 'running';

-- name: end_lease
UPDATE jobs SET lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
WHERE id = :job_id;

-- name: set_status
-- Moves the job's session to :status; the start time is kept from the first run, the
-- completion time set when it ends, and the error replaced (NULL clears it).
UPDATE processing_sessions
SET status = :status, updated_at = :now,
    started_at = CASE WHEN :status = 'running' THEN coalesce(started_at, :now)
                      ELSE started_at END,
    completed_at = CASE WHEN :status IN ('completed', 'failed', 'cancelled') THEN :now
                        ELSE completed_at END,
    error_code = :error_code, error_message = :error_message,
    error_fields = :error_fields
WHERE id = (SELECT session_id FROM jobs WHERE id = :job_id);

-- name: save_results
UPDATE processing_sessions
SET status = 'completed', results = :results, cost_usd = :cost_usd, completed_at = :now,
    updated_at = :now
WHERE id = :session_id;

-- name: resave_results
UPDATE processing_sessions
SET results = :results, description = coalesce(:description, description),
    cost_usd = coalesce(:cost_usd, cost_usd), updated_at = :now
WHERE id = :session_id;

-- name: resave_platform_result
UPDATE platform_results SET details = :details
WHERE session_id = :session_id AND platform = :platform;

-- name: insert_platform_result
INSERT INTO platform_results (session_id, platform, status, processed_image_path,
                              processing_time, product_photography_used, error_code,
                              error_message, details, created_at)
VALUES (:session_id, :platform, :status, :processed_image_path, :processing_time,
        :product_photography_used, :error_code, :error_message, :details, :now);

-- name: give_back_attempt
-- A clean shutdown put the job back: that claim does not count as an attempt.
UPDATE jobs SET attempts = attempts - 1, not_before = :now WHERE id = :job_id;

-- name: expired_leases
-- :alive is a JSON array of the ids of jobs the caller is running (not dead, however late).
SELECT id, attempts, max_attempts, lease_owner FROM job_details
WHERE status = 'running' AND lease_expires_at < :now
  AND id NOT IN (SELECT value FROM json_each(:alive));

-- name: abandoned_leases
-- :owners is a JSON array of the ids of dead instances.
SELECT id, attempts, max_attempts, lease_owner FROM job_details
WHERE status = 'running' AND lease_owner IN (SELECT value FROM json_each(:owners));

-- name: delay
UPDATE jobs SET not_before = :not_before WHERE id = :job_id;

-- name: flag_cancel
UPDATE jobs SET cancel_requested = 1 WHERE id = :job_id;

-- name: mark_delivered
UPDATE jobs SET delivered_at = :now, delivering_owner = NULL, delivering_until = NULL
WHERE id = :job_id;

-- name: take_delivery
-- The job's end is this owner's to deliver until :until, unless it was delivered or another
-- holds it still.
UPDATE jobs SET delivering_owner = :owner, delivering_until = :until
WHERE id = :job_id AND delivered_at IS NULL
  AND (delivering_owner IS NULL OR delivering_owner = :owner OR delivering_until < :now);

-- name: release_delivery
-- The owner gave the delivery up (some replies failed): anyone may take it now.
UPDATE jobs SET delivering_owner = NULL, delivering_until = NULL
WHERE id = :job_id AND delivering_owner = :owner;

-- name: undelivered
SELECT * FROM job_details
WHERE delivered_at IS NULL AND status IN ('completed', 'failed', 'cancelled')
  AND session_updated_at >= :since
  AND platform IN (SELECT value FROM json_each(:platforms))
ORDER BY id;

-- name: latest_active
SELECT * FROM job_details WHERE user_id = :user_id AND status IN ('queued', 'running')
ORDER BY id DESC LIMIT 1;

-- name: queue_position
-- How many queued jobs start before this one, itself included; 0 when it is not queued.
SELECT COUNT(*) AS position FROM job_details
WHERE status = 'queued' AND id <= :job_id
  AND EXISTS (SELECT 1 FROM job_details me WHERE me.id = :job_id AND me.status = 'queued');

-- name: show_position
-- The job's chat is to be told its place, unless it was told that place already (by any
-- process).
UPDATE jobs SET shown_position = :position
WHERE id = :job_id AND shown_position IS NOT :position;

-- name: queued
SELECT * FROM job_details WHERE status = 'queued' ORDER BY id LIMIT :limit;

-- name: recent
SELECT * FROM job_details WHERE :user_id IS NULL OR user_id = :user_id
ORDER BY id DESC LIMIT :limit;

-- name: session
SELECT * FROM session_details WHERE id = :session_id;

-- name: session_files
SELECT file_type, file_path, file_size, platform, file_url FROM generated_files
WHERE session_id = :session_id ORDER BY id;

-- name: add_progress
INSERT INTO job_progress (job_id, stage, done, total, message, created_at)
VALUES (:job_id, :stage, :done, :total, :message, :now);

-- name: latest_progress
SELECT stage, done, total, message FROM job_progress WHERE job_id = :job_id
ORDER BY id DESC LIMIT 1;

-- name: expired_sessions
-- Ended sessions whose files are still recorded; a session ends when it is completed.
SELECT id FROM processing_sessions s
WHERE status IN ('completed', 'failed', 'cancelled')
  AND COALESCE(completed_at, updated_at) < :before
  AND EXISTS (SELECT 1 FROM generated_files f WHERE f.session_id = s.id)
ORDER BY created_at;

-- name: forget_files
DELETE FROM generated_files WHERE session_id IN (SELECT value FROM json_each(:session_ids));

-- name: prune_sessions
DELETE FROM processing_sessions
WHERE status IN ('completed', 'failed', 'cancelled')
  AND COALESCE(completed_at, updated_at) < :before;

-- name: user_sessions
SELECT id FROM processing_sessions WHERE user_id = :user_id;

-- name: status_counts
SELECT status, COUNT(*) AS count FROM processing_sessions GROUP BY status;

-- name: statuses_since
SELECT status, COUNT(*) AS count FROM processing_sessions WHERE created_at >= :since
GROUP BY status;

-- name: failures_since
SELECT error_code, COUNT(*) AS count FROM processing_sessions
WHERE created_at >= :since AND status = 'failed' AND error_code IS NOT NULL
GROUP BY error_code ORDER BY count DESC, error_code;

-- name: keep_upload
INSERT INTO upload_blobs (session_id, name, data) VALUES (:session_id, :name, :data);

-- name: kept_uploads
SELECT name, data FROM upload_blobs WHERE session_id = :session_id ORDER BY name;

-- name: drop_uploads
DELETE FROM upload_blobs WHERE session_id = :session_id;
