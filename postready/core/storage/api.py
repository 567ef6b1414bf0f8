"""The HTTP API's keys and the jobs submitted with them."""

from __future__ import annotations

from postready.core.storage import rows
from postready.core.storage.database import Database, engine_queries
from postready.core.storage.models import ApiJob, ApiKey

REQUEST_WINDOW = 60.0  # seconds: the API's rate limit counts requests per minute


class ApiStore:
    """An `ApiRepository`."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._sql = engine_queries(db.engine, "api.sql")
        self._locks = engine_queries(db.engine, "locks.sql")

    async def add_key(
        self, name: str, prefix: str, key_hash: str, webhook_secret: str, user_id: int
    ) -> ApiKey:
        params = {
            "name": name,
            "prefix": prefix,
            "key_hash": key_hash,
            "webhook_secret": webhook_secret,
            "user_id": user_id,
            "now": self._db.clock(),
        }
        async with self._db.transaction() as sql:
            if await sql.one(self._sql.active_key_by_name, params) is not None:
                raise ValueError(f"an API key named '{name}' exists already")
            key_id = await sql.insert(self._sql.insert_key, params)
            row = await sql.one(self._sql.key_by_id, {"id": key_id})
        assert row is not None  # inserted just above, in the same transaction
        return rows.api_key(row)

    async def key_by_hash(self, key_hash: str) -> ApiKey | None:
        async with self._db.statements() as sql:
            row = await sql.one(self._sql.active_key_by_hash, {"key_hash": key_hash})
        return rows.api_key(row) if row is not None else None

    async def keys(self) -> list[ApiKey]:
        async with self._db.statements() as sql:
            return [rows.api_key(row) for row in await sql.all(self._sql.keys)]

    async def revoke(self, name_or_prefix: str) -> ApiKey | None:
        async with self._db.transaction() as sql:
            row = await sql.one(self._sql.active_key_by_name_or_prefix, {"name": name_or_prefix})
            if row is None:
                return None
            await sql.run(self._sql.revoke, {"id": row["id"], "now": self._db.clock()})
            revoked = await sql.one(self._sql.key_by_id, {"id": row["id"]})
        assert revoked is not None
        return rows.api_key(revoked)

    async def key(self, key_id: int) -> ApiKey | None:
        async with self._db.statements() as sql:
            row = await sql.one(self._sql.key_by_id, {"id": key_id})
        return rows.api_key(row) if row is not None else None

    async def add_job(self, job: ApiJob) -> None:
        params = {
            "session_id": job.session_id,
            "key_id": job.key_id,
            "webhook_url": job.webhook_url,
            "base_url": job.base_url,
        }
        async with self._db.statements() as sql:
            await sql.run(self._sql.insert_job, params)

    async def set_job_id(self, session_id: str, job_id: int) -> None:
        async with self._db.statements() as sql:
            await sql.run(self._sql.set_job_id, {"session_id": session_id, "job_id": job_id})

    async def drop_job(self, session_id: str) -> None:
        async with self._db.statements() as sql:
            await sql.run(self._sql.delete_job, {"session_id": session_id})

    async def job(self, session_id: str) -> ApiJob | None:
        async with self._db.statements() as sql:
            row = await sql.one(self._sql.job, {"session_id": session_id})
        if row is None:
            return None
        return ApiJob(
            row["session_id"], row["job_id"], row["key_id"], row["webhook_url"], row["base_url"]
        )

    async def take_request(self, key: ApiKey, per_minute: int) -> float | None:
        now = self._db.clock()
        params = {"key_id": key.id, "now": now, "before": now - REQUEST_WINDOW}
        async with self._db.transaction() as sql:
            # The key's user is locked, so that two processes cannot both take the last request.
            await sql.one(self._locks.lock_user, {"user_id": key.user_id})
            await sql.run(self._sql.forget_requests_before, params)
            recent = await sql.one(self._sql.recent_requests, params)
            assert recent is not None  # an aggregate always has a row
            if recent["count"] >= per_minute:
                return float(recent["first"]) + REQUEST_WINDOW - now
            await sql.run(self._sql.record_request, params)
        return None
