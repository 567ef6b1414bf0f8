"""Paid calls per user (the daily AI quotas) and what sessions cost, in SQLite."""

from __future__ import annotations

from postready.core.quotas import USAGE_NAMES, day_start, quota_exceeded
from postready.core.storage.named_queries import load_queries
from postready.core.storage.sqlite.database import Database
from postready.pipeline.providers.base import UsageKind

SQL = load_queries("postready.core.storage.sqlite.queries", "usage.sql")


class SQLiteUsage:
    """A `UsageRepository`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def take(
        self,
        user_id: int,
        session_id: str | None,
        kind: UsageKind,
        limit: int | None,
        timezone: str,
    ) -> int:
        now = self._db.clock()
        params = {"user_id": user_id, "kind": kind, "since": day_start(now, timezone).timestamp()}
        async with self._db.transaction() as sql:
            used = await sql.one(SQL.used_since, params)
            assert used is not None  # an aggregate always has a row
            if limit is not None and used[0] >= limit:
                raise quota_exceeded(USAGE_NAMES[kind], limit, now, timezone)
            await sql.run(
                SQL.record, {"user_id": user_id, "session_id": session_id, "kind": kind, "now": now}
            )
            return int(used[0]) + 1

    async def totals(self, since: float) -> dict[UsageKind, int]:
        async with self._db.statements() as sql:
            found = await sql.all(SQL.totals_since, {"since": since})
        return {row["kind"]: row["count"] for row in found}

    async def cost(self, since: float) -> float:
        async with self._db.statements() as sql:
            found = await sql.one(SQL.cost_since, {"since": since})
        return float(found["usd"]) if found is not None else 0.0

    async def prune(self, before: float) -> int:
        async with self._db.statements() as sql:
            return await sql.run(SQL.prune, {"before": before})
