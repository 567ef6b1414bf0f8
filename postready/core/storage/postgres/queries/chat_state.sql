-- name: set_job_message
INSERT INTO job_messages (job_id, chat_id, message_id) VALUES (%(job_id)s, %(chat_id)s, %(message_id)s)
ON CONFLICT (job_id) DO UPDATE SET chat_id = excluded.chat_id, message_id = excluded.message_id;

-- name: job_message
SELECT chat_id, message_id FROM job_messages WHERE job_id = %(job_id)s;

-- name: record_reply
-- The first outcome stands: a reply is recorded once, when the chat answered for it.
INSERT INTO job_replies (job_id, part, outcome, message_id, recorded_at)
VALUES (%(job_id)s, %(part)s, %(outcome)s, %(message_id)s, %(now)s)
ON CONFLICT (job_id, part) DO NOTHING;

-- name: recorded_replies
SELECT part FROM job_replies WHERE job_id = %(job_id)s;

-- name: reply_messages
-- The message each reply of the job was sent as (the last, when it took several).
SELECT part, message_id FROM job_replies
WHERE job_id = %(job_id)s AND outcome = 'sent' AND message_id IS NOT NULL;

-- name: set_pending_command
-- The newest `/optimize` waiting for its photo replaces an older one.
INSERT INTO pending_commands (chat_id, platform, platform_user_id, command, created_at)
VALUES (%(chat_id)s, %(platform)s, %(platform_user_id)s, %(command)s, %(now)s)
ON CONFLICT (chat_id, platform, platform_user_id)
DO UPDATE SET command = excluded.command, created_at = excluded.created_at;

-- name: take_pending_command
DELETE FROM pending_commands
WHERE chat_id = %(chat_id)s AND platform = %(platform)s AND platform_user_id = %(platform_user_id)s
RETURNING command, created_at;

-- name: pending_command
SELECT created_at FROM pending_commands
WHERE chat_id = %(chat_id)s AND platform = %(platform)s AND platform_user_id = %(platform_user_id)s;

-- name: insert_style_choice
INSERT INTO style_choices (platform, platform_user_id, chat_id, source_path, source_name,
                           platforms, description, colour, album_index, request_key, created_at)
VALUES (%(platform)s, %(platform_user_id)s, %(chat_id)s, %(source_path)s, %(source_name)s, %(platforms)s,
        %(description)s, %(colour)s, %(album_index)s, %(request_key)s, %(now)s)
RETURNING id;

-- name: style_choice_for_request
SELECT * FROM style_choices WHERE request_key = %(request_key)s;

-- name: style_choice
SELECT * FROM style_choices WHERE id = %(choice_id)s;

-- name: open_style_choice
SELECT * FROM style_choices WHERE id = %(choice_id)s AND status = 'open';

-- name: open_style_choices
SELECT * FROM style_choices WHERE status = 'open' ORDER BY id;

-- name: update_style_choice
UPDATE style_choices SET chosen = %(chosen)s, colour = %(colour)s, message_id = %(message_id)s
WHERE id = %(choice_id)s AND status = 'open';

-- name: close_style_choice
UPDATE style_choices SET status = 'closed' WHERE id = %(choice_id)s AND status = 'open';

-- name: set_pending_description
INSERT INTO pending_descriptions (chat_id, platform, platform_user_id, job_id, created_at)
VALUES (%(chat_id)s, %(platform)s, %(platform_user_id)s, %(job_id)s, %(now)s)
ON CONFLICT (chat_id, platform, platform_user_id)
DO UPDATE SET job_id = excluded.job_id, created_at = excluded.created_at;

-- name: take_pending_description
DELETE FROM pending_descriptions
WHERE chat_id = %(chat_id)s AND platform = %(platform)s AND platform_user_id = %(platform_user_id)s
RETURNING job_id, created_at;

-- name: pending_description
SELECT created_at FROM pending_descriptions
WHERE chat_id = %(chat_id)s AND platform = %(platform)s AND platform_user_id = %(platform_user_id)s;
