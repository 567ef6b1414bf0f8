"""Processes running workers and their heartbeats."""

from __future__ import annotations

from collections.abc import Collection

from postready.core.storage import rows
from postready.core.storage.database import Database, engine_queries
from postready.core.storage.models import Instance


class InstanceStore:
    """An `InstanceRepository`."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._sql = engine_queries(db.engine, "instances.sql")

    async def beat(self, instance_id: str, host: str, pid: int) -> None:
        params = {"id": instance_id, "host": host, "pid": pid, "now": self._db.clock()}
        async with self._db.statements() as sql:
            await sql.run(self._sql.beat, params)

    async def stop(self, instance_id: str) -> None:
        async with self._db.statements() as sql:
            await sql.run(self._sql.stop, {"id": instance_id, "now": self._db.clock()})

    async def all(self) -> list[Instance]:
        async with self._db.statements() as sql:
            found = await sql.all(self._sql.all, {"now": self._db.clock()})
        return [rows.instance(row) for row in found]

    async def forget(self, instance_ids: Collection[str]) -> None:
        async with self._db.statements() as sql:
            await sql.run(self._sql.forget, {"ids": rows.json_list(instance_ids)})
