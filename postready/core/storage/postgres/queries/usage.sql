-- name: used_since
SELECT COUNT(*) AS count FROM ai_usage
WHERE user_id = %(user_id)s AND kind = %(kind)s AND at >= %(since)s;

-- name: record
INSERT INTO ai_usage (user_id, session_id, kind, at)
VALUES (%(user_id)s, %(session_id)s, %(kind)s, %(now)s);

-- name: totals_since
SELECT kind, COUNT(*) AS count FROM ai_usage WHERE at >= %(since)s GROUP BY kind;

-- name: cost_since
SELECT COALESCE(SUM(cost_usd), 0) AS usd FROM processing_sessions
WHERE completed_at >= %(since)s AND cost_usd IS NOT NULL;

-- name: prune
DELETE FROM ai_usage WHERE at < %(before)s;
