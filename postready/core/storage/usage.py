"""Paid calls per user (the daily AI quotas) and what sessions cost."""

from __future__ import annotations

from postready.core.quotas import day_start, quota_exceeded, usage_allowance
from postready.core.storage.database import Database, engine_queries
from postready.pipeline.providers.base import UsageKind


class UsageStore:
    """A `UsageRepository`."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._sql = engine_queries(db.engine, "usage.sql")
        self._locks = engine_queries(db.engine, "locks.sql")

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
            await sql.one(self._locks.lock_user, {"user_id": user_id})
            used = await sql.one(self._sql.used_since, params)
            assert used is not None  # an aggregate always has a row
            if limit is not None and used["count"] >= limit:
                raise quota_exceeded(usage_allowance(kind, limit), now, timezone)
            await sql.run(
                self._sql.record,
                {"user_id": user_id, "session_id": session_id, "kind": kind, "now": now},
            )
            return int(used["count"]) + 1

    async def totals(self, since: float) -> dict[UsageKind, int]:
        async with self._db.statements() as sql:
            found = await sql.all(self._sql.totals_since, {"since": since})
        return {row["kind"]: row["count"] for row in found}

    async def cost(self, since: float) -> float:
        async with self._db.statements() as sql:
            found = await sql.one(self._sql.cost_since, {"since": since})
        return float(found["usd"]) if found is not None else 0.0

    async def prune(self, before: float) -> int:
        async with self._db.statements() as sql:
            return await sql.run(self._sql.prune, {"before": before})
