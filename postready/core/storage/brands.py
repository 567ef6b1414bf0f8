"""Each user's brand kit, and the field of it their next message sets."""

from __future__ import annotations

import json
import logging

from postready.core.identity import UserRef
from postready.core.storage.database import Database, engine_queries
from postready.pipeline.brand import BrandKit, BrandKitError

log = logging.getLogger(__name__)


class BrandStore:
    """A `BrandRepository`."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._sql = engine_queries(db.engine, "brands.sql")

    async def get(self, user_id: int) -> BrandKit:
        async with self._db.statements() as sql:
            row = await sql.one(self._sql.kit, {"user_id": user_id})
        if row is None:
            return BrandKit()
        try:
            return BrandKit.from_json(json.loads(row["kit"]))
        except (BrandKitError, ValueError) as exc:  # saved by a version with other rules
            log.warning("brand_kit_unreadable user=%s reason=%s", user_id, exc)
            return BrandKit()

    async def save(self, user_id: int, kit: BrandKit) -> BrandKit:
        params = {
            "user_id": user_id,
            "kit": json.dumps(kit.to_json(), ensure_ascii=False),
            "now": self._db.clock(),
        }
        async with self._db.statements() as sql:
            await sql.run(self._sql.save_kit, params)
        return kit

    async def reset(self, user_id: int) -> None:
        async with self._db.statements() as sql:
            await sql.run(self._sql.reset, {"user_id": user_id})

    async def await_field(self, user_id: int, field: str) -> None:
        params = {"user_id": user_id, "awaiting": field, "now": self._db.clock()}
        async with self._db.statements() as sql:
            await sql.run(self._sql.await_field, params)

    async def awaits_words(self, ref: UserRef, max_age: float) -> bool:
        params = {"platform": ref.platform, "platform_user_id": ref.platform_user_id}
        async with self._db.statements() as sql:
            row = await sql.one(self._sql.awaiting_since, params)
        return row is not None and self._db.clock() - row["awaiting_at"] <= max_age

    async def take_awaiting(self, user_id: int, max_age: float) -> str | None:
        async with self._db.transaction() as sql:
            row = await sql.one(self._sql.kit, {"user_id": user_id})
            await sql.run(self._sql.stop_awaiting, {"user_id": user_id})
        if (
            row is None
            or row["awaiting"] is None
            or self._db.clock() - row["awaiting_at"] > max_age
        ):
            return None
        return str(row["awaiting"])
