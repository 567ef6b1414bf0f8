-- name: insert_user
INSERT INTO users (platform, platform_user_id, created_at)
VALUES (%(platform)s, %(platform_user_id)s, %(now)s)
ON CONFLICT (platform, platform_user_id) DO NOTHING;

-- name: insert_default_settings
INSERT INTO user_settings (user_id, language, updated_at)
SELECT id, %(language)s, %(now)s FROM users WHERE platform = %(platform)s AND platform_user_id = %(platform_user_id)s
ON CONFLICT (user_id) DO NOTHING;

-- name: user_by_ref
SELECT * FROM users u JOIN user_settings st ON st.user_id = u.id
WHERE u.platform = %(platform)s AND u.platform_user_id = %(platform_user_id)s;

-- name: user_by_id
SELECT * FROM users u JOIN user_settings st ON st.user_id = u.id WHERE u.id = %(user_id)s;

-- name: update_settings
UPDATE user_settings
SET default_platforms = %(default_platforms)s, timezone = %(timezone)s, language = %(language)s,
    logo_path = %(logo_path)s, logo_position = %(logo_position)s, output_format = %(output_format)s,
    send_as_files = %(send_as_files)s, send_previews = %(send_previews)s, album_carousel = %(album_carousel)s,
    hashtag_language = %(hashtag_language)s,
    account_name = %(account_name)s, awaiting_logo = %(awaiting_logo)s, updated_at = %(now)s
WHERE user_id = %(user_id)s;

-- name: block
INSERT INTO blocked_users (platform, platform_user_id, blocked_by, blocked_at)
VALUES (%(platform)s, %(platform_user_id)s, %(by)s, %(now)s)
ON CONFLICT (platform, platform_user_id) DO NOTHING;

-- name: unblock
DELETE FROM blocked_users WHERE platform = %(platform)s AND platform_user_id = %(platform_user_id)s;

-- name: is_blocked
SELECT 1 FROM blocked_users WHERE platform = %(platform)s AND platform_user_id = %(platform_user_id)s;

-- name: forget_user
-- Settings, sessions, jobs and their messages go with the user (ON DELETE CASCADE).
DELETE FROM users WHERE platform = %(platform)s AND platform_user_id = %(platform_user_id)s;

-- name: forget_chat_state
DELETE FROM style_choices WHERE platform = %(platform)s AND platform_user_id = %(platform_user_id)s;

-- name: forget_pending_commands
DELETE FROM pending_commands
WHERE platform = %(platform)s AND platform_user_id = %(platform_user_id)s;

-- name: forget_inbox
DELETE FROM inbox
WHERE platform = %(platform)s AND payload ->> 'user_id' = %(platform_user_id)s;
