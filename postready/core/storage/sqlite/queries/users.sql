-- name: insert_user
INSERT INTO users (platform, platform_user_id, created_at)
VALUES (:platform, :platform_user_id, :now)
ON CONFLICT (platform, platform_user_id) DO NOTHING;

-- name: insert_default_settings
INSERT INTO user_settings (user_id, language, updated_at)
SELECT id, :language, :now FROM users WHERE platform = :platform AND platform_user_id = :platform_user_id
ON CONFLICT (user_id) DO NOTHING;

-- name: user_by_ref
SELECT * FROM users u JOIN user_settings st ON st.user_id = u.id
WHERE u.platform = :platform AND u.platform_user_id = :platform_user_id;

-- name: user_by_id
SELECT * FROM users u JOIN user_settings st ON st.user_id = u.id WHERE u.id = :user_id;

-- name: update_settings
UPDATE user_settings
SET default_platforms = :default_platforms, timezone = :timezone, language = :language,
    logo_path = :logo_path, logo_position = :logo_position, output_format = :output_format,
    send_as_files = :send_as_files, send_previews = :send_previews, album_carousel = :album_carousel,
    hashtag_language = :hashtag_language,
    account_name = :account_name, awaiting_logo = :awaiting_logo, updated_at = :now
WHERE user_id = :user_id;

-- name: block
INSERT INTO blocked_users (platform, platform_user_id, blocked_by, blocked_at)
VALUES (:platform, :platform_user_id, :by, :now)
ON CONFLICT (platform, platform_user_id) DO NOTHING;

-- name: unblock
DELETE FROM blocked_users WHERE platform = :platform AND platform_user_id = :platform_user_id;

-- name: is_blocked
SELECT 1 FROM blocked_users WHERE platform = :platform AND platform_user_id = :platform_user_id;

-- name: forget_user
-- Settings, sessions, jobs and their messages go with the user (ON DELETE CASCADE).
DELETE FROM users WHERE platform = :platform AND platform_user_id = :platform_user_id;

-- name: forget_chat_state
DELETE FROM style_choices WHERE platform = :platform AND platform_user_id = :platform_user_id;

-- name: forget_pending_commands
DELETE FROM pending_commands
WHERE platform = :platform AND platform_user_id = :platform_user_id;

-- name: forget_inbox
DELETE FROM inbox
WHERE platform = :platform AND json_extract(payload, '$.user_id') = :platform_user_id;
