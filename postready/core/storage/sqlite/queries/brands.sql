-- name: kit
SELECT kit, awaiting, awaiting_at FROM brand_kits WHERE user_id = :user_id;

-- name: awaiting_since
SELECT b.awaiting_at FROM brand_kits b JOIN users u ON u.id = b.user_id
WHERE u.platform = :platform AND u.platform_user_id = :platform_user_id
  AND b.awaiting IS NOT NULL;

-- name: save_kit
INSERT INTO brand_kits (user_id, kit, awaiting, awaiting_at, updated_at)
VALUES (:user_id, :kit, NULL, NULL, :now)
ON CONFLICT (user_id) DO UPDATE
SET kit = excluded.kit, awaiting = NULL, awaiting_at = NULL, updated_at = excluded.updated_at;

-- name: await_field
INSERT INTO brand_kits (user_id, awaiting, awaiting_at, updated_at)
VALUES (:user_id, :awaiting, :now, :now)
ON CONFLICT (user_id) DO UPDATE
SET awaiting = excluded.awaiting, awaiting_at = excluded.awaiting_at, updated_at = excluded.updated_at;

-- name: stop_awaiting
UPDATE brand_kits SET awaiting = NULL, awaiting_at = NULL WHERE user_id = :user_id;

-- name: reset
DELETE FROM brand_kits WHERE user_id = :user_id;
