-- name: job
SELECT * FROM job_details WHERE id = %(job_id)s;

-- name: jobs
-- ids: a JSON array of job ids.
SELECT * FROM job_details WHERE id IN (SELECT jsonb_array_elements_text(%(ids)s::jsonb)::bigint) ORDER BY id;

-- name: user_job_counts
-- A product photo waiting for its styles is in flight too: it becomes a job.
SELECT (SELECT COUNT(*) FROM job_details
        WHERE user_id = %(user_id)s AND status IN ('queued', 'running'))
     + (SELECT COUNT(*) FROM style_choices c
        JOIN users u ON u.platform = c.platform AND u.platform_user_id = c.platform_user_id
        WHERE u.id = %(user_id)s AND c.status = 'open') AS in_flight,
       (SELECT COUNT(*) FROM job_details
        WHERE user_id = %(user_id)s AND created_at > %(since)s) AS last_hour,
       (SELECT COUNT(*) FROM job_details
        WHERE user_id = %(user_id)s AND created_at >= %(day_start)s) AS today;

-- name: queued_count
SELECT COUNT(*) AS count FROM processing_sessions WHERE status = 'queued';

-- name: insert_session
INSERT INTO processing_sessions (id, user_id, chat_id, status, source_path, platforms,
                                 description, options, request_key, created_at, updated_at)
VALUES (%(session_id)s, %(user_id)s, %(chat_id)s, 'queued', %(source_path)s, %(platforms)s, %(description)s,
        %(options)s, %(request_key)s, %(now)s, %(now)s);

-- name: job_for_request
SELECT j.id FROM jobs j JOIN processing_sessions s ON s.id = j.session_id
WHERE s.request_key = %(request_key)s;

-- name: insert_job
INSERT INTO jobs (session_id, max_attempts, not_before, created_at)
VALUES (%(session_id)s, %(max_attempts)s, %(now)s, %(now)s)
RETURNING id;

-- name: insert_file
INSERT INTO generated_files (session_id, file_type, platform, file_path, file_url, file_size,
                             created_at)
VALUES (%(session_id)s, %(file_type)s, %(platform)s, %(file_path)s, %(file_url)s, %(file_size)s, %(now)s);

-- name: next_claimable
-- platforms: a JSON array of the platforms whose users' jobs may be taken, or NULL: any;
-- job_id: the one job to take, or NULL: the next.
-- Locked until the claim commits; a job another claim holds is skipped, not waited for. A
-- queued job has no lease owner: rechecked on the locked row, a job claimed meanwhile fails it.
SELECT j.id FROM jobs j
JOIN processing_sessions s ON s.id = j.session_id
JOIN users u ON u.id = s.user_id
WHERE s.status = 'queued' AND j.lease_owner IS NULL AND j.not_before <= %(now)s
  AND (%(platforms)s::jsonb IS NULL OR u.platform IN
       (SELECT jsonb_array_elements_text(%(platforms)s::jsonb)))
  AND (%(job_id)s::bigint IS NULL OR j.id = %(job_id)s::bigint)
ORDER BY j.id LIMIT 1
FOR UPDATE OF j SKIP LOCKED;

-- name: take_lease
UPDATE jobs SET attempts = attempts + 1, lease_owner = %(owner)s, lease_token = %(token)s,
                lease_expires_at = %(expires_at)s, heartbeat_at = %(now)s
WHERE id = %(job_id)s;

-- name: renew_lease
UPDATE jobs SET lease_expires_at = %(expires_at)s, heartbeat_at = %(now)s
WHERE id = %(job_id)s AND lease_owner = %(owner)s AND lease_token = %(token)s
  AND (SELECT status FROM processing_sessions s WHERE s.id = jobs.session_id) = 'running'
RETURNING cancel_requested;

-- name: holds_lease
SELECT 1 FROM job_details
WHERE id = %(job_id)s AND lease_owner = %(owner)s AND lease_token = %(token)s AND status = 'running';

-- name: end_lease
UPDATE jobs SET lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
WHERE id = %(job_id)s;

-- name: set_status
-- Moves the job's session to its new status; the start time is kept from the first run, the
-- completion time set when it ends, and the error replaced (NULL clears it).
UPDATE processing_sessions
SET status = %(status)s, updated_at = %(now)s,
    started_at = CASE WHEN %(status)s::text = 'running' THEN coalesce(started_at, %(now)s)
                      ELSE started_at END,
    completed_at = CASE WHEN %(status)s::text IN ('completed', 'failed', 'cancelled') THEN %(now)s
                        ELSE completed_at END,
    error_code = %(error_code)s, error_message = %(error_message)s,
    error_fields = %(error_fields)s
WHERE id = (SELECT session_id FROM jobs WHERE id = %(job_id)s);

-- name: save_results
UPDATE processing_sessions
SET status = 'completed', results = %(results)s, cost_usd = %(cost_usd)s,
    completed_at = %(now)s, updated_at = %(now)s
WHERE id = %(session_id)s;

-- name: resave_results
UPDATE processing_sessions
SET results = %(results)s, description = coalesce(%(description)s, description),
    cost_usd = coalesce(%(cost_usd)s, cost_usd), updated_at = %(now)s
WHERE id = %(session_id)s;

-- name: resave_platform_result
UPDATE platform_results SET details = %(details)s
WHERE session_id = %(session_id)s AND platform = %(platform)s;

-- name: insert_platform_result
INSERT INTO platform_results (session_id, platform, status, processed_image_path,
                              processing_time, product_photography_used, error_code,
                              error_message, details, created_at)
VALUES (%(session_id)s, %(platform)s, %(status)s, %(processed_image_path)s, %(processing_time)s,
        %(product_photography_used)s, %(error_code)s, %(error_message)s, %(details)s, %(now)s);

-- name: give_back_attempt
-- A clean shutdown put the job back: that claim does not count as an attempt.
UPDATE jobs SET attempts = attempts - 1, not_before = %(now)s WHERE id = %(job_id)s;

-- name: expired_leases
-- alive: a JSON array of the ids of jobs the caller is running (not dead, however late).
-- Locked until they are re-queued: two processes recovering at once take each job once.
SELECT j.id, j.attempts, j.max_attempts, j.lease_owner FROM jobs j
JOIN processing_sessions s ON s.id = j.session_id
WHERE s.status = 'running' AND j.lease_expires_at < %(now)s
  AND j.id NOT IN (SELECT jsonb_array_elements_text(%(alive)s::jsonb)::bigint)
FOR UPDATE OF j SKIP LOCKED;

-- name: abandoned_leases
-- owners: a JSON array of the ids of dead instances.
SELECT j.id, j.attempts, j.max_attempts, j.lease_owner FROM jobs j
JOIN processing_sessions s ON s.id = j.session_id
WHERE s.status = 'running' AND j.lease_owner IN (SELECT jsonb_array_elements_text(%(owners)s::jsonb)::text)
FOR UPDATE OF j SKIP LOCKED;

-- name: delay
UPDATE jobs SET not_before = %(not_before)s WHERE id = %(job_id)s;

-- name: flag_cancel
UPDATE jobs SET cancel_requested = true WHERE id = %(job_id)s;

-- name: mark_delivered
UPDATE jobs SET delivered_at = %(now)s, delivering_owner = NULL, delivering_until = NULL
WHERE id = %(job_id)s;

-- name: take_delivery
-- The job's end is this owner's to deliver until :until, unless it was delivered or another
-- holds it still.
UPDATE jobs SET delivering_owner = %(owner)s, delivering_until = %(until)s
WHERE id = %(job_id)s AND delivered_at IS NULL
  AND (delivering_owner IS NULL OR delivering_owner = %(owner)s OR delivering_until < %(now)s);

-- name: release_delivery
-- The owner gave the delivery up (some replies failed): anyone may take it now.
UPDATE jobs SET delivering_owner = NULL, delivering_until = NULL
WHERE id = %(job_id)s AND delivering_owner = %(owner)s;

-- name: undelivered
SELECT * FROM job_details
WHERE delivered_at IS NULL AND status IN ('completed', 'failed', 'cancelled')
  AND session_updated_at >= %(since)s
  AND platform IN (SELECT jsonb_array_elements_text(%(platforms)s::jsonb))
ORDER BY id;

-- name: latest_active
SELECT * FROM job_details WHERE user_id = %(user_id)s AND status IN ('queued', 'running')
ORDER BY id DESC LIMIT 1;

-- name: queue_position
-- How many queued jobs start before this one, itself included; 0 when it is not queued.
SELECT COUNT(*) AS position FROM job_details
WHERE status = 'queued' AND id <= %(job_id)s
  AND EXISTS (SELECT 1 FROM job_details me WHERE me.id = %(job_id)s AND me.status = 'queued');

-- name: show_position
-- The job's chat is to be told its place, unless it was told that place already (by any
-- process).
UPDATE jobs SET shown_position = %(position)s
WHERE id = %(job_id)s AND shown_position IS DISTINCT FROM %(position)s;

-- name: queued
SELECT * FROM job_details WHERE status = 'queued' ORDER BY id LIMIT %(limit)s;

-- name: recent
SELECT * FROM job_details WHERE %(user_id)s::bigint IS NULL OR user_id = %(user_id)s
ORDER BY id DESC LIMIT %(limit)s;

-- name: session
SELECT * FROM session_details WHERE id = %(session_id)s;

-- name: session_files
SELECT file_type, file_path, file_size, platform, file_url FROM generated_files
WHERE session_id = %(session_id)s ORDER BY id;

-- name: add_progress
INSERT INTO job_progress (job_id, stage, done, total, message, created_at)
VALUES (%(job_id)s, %(stage)s, %(done)s, %(total)s, %(message)s, %(now)s);

-- name: latest_progress
SELECT stage, done, total, message FROM job_progress WHERE job_id = %(job_id)s
ORDER BY id DESC LIMIT 1;

-- name: expired_sessions
-- Ended sessions whose files are still recorded; a session ends when it is completed.
SELECT id FROM processing_sessions s
WHERE status IN ('completed', 'failed', 'cancelled')
  AND COALESCE(completed_at, updated_at) < %(before)s
  AND EXISTS (SELECT 1 FROM generated_files f WHERE f.session_id = s.id)
ORDER BY created_at;

-- name: forget_files
DELETE FROM generated_files WHERE session_id IN (SELECT jsonb_array_elements_text(%(session_ids)s::jsonb)::text);

-- name: prune_sessions
DELETE FROM processing_sessions
WHERE status IN ('completed', 'failed', 'cancelled')
  AND COALESCE(completed_at, updated_at) < %(before)s;

-- name: user_sessions
SELECT id FROM processing_sessions WHERE user_id = %(user_id)s;

-- name: status_counts
SELECT status, COUNT(*) AS count FROM processing_sessions GROUP BY status;

-- name: statuses_since
SELECT status, COUNT(*) AS count FROM processing_sessions WHERE created_at >= %(since)s
GROUP BY status;

-- name: failures_since
SELECT error_code, COUNT(*) AS count FROM processing_sessions
WHERE created_at >= %(since)s AND status = 'failed' AND error_code IS NOT NULL
GROUP BY error_code ORDER BY count DESC, error_code;

-- name: keep_upload
INSERT INTO upload_blobs (session_id, name, data) VALUES (%(session_id)s, %(name)s, %(data)s);

-- name: kept_uploads
SELECT name, data FROM upload_blobs WHERE session_id = %(session_id)s ORDER BY name;

-- name: drop_uploads
DELETE FROM upload_blobs WHERE session_id = %(session_id)s;
