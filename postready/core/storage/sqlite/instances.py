"""Processes running workers and their heartbeats, in SQLite."""

from __future__ import annotations

from collections.abc import Collection

from postready.core.storage.models import Instance
from postready.core.storage.named_queries import load_queries
from postready.core.storage.sqlite import rows
from postready.core.storage.sqlite.database import Database

SQL = load_queries("postready.core.storage.sqlite.queries", "instances.sql")


class SQLiteInstances:
    """An `InstanceRepository`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def beat(self, instance_id: str, host: str, pid: int) -> None:
        params = {"id": instance_id, "host": host, "pid": pid, "now": self._db.clock()}
        async with self._db.statements() as sql:
            await sql.run(SQL.beat, params)

    async def stop(self, instance_id: str) -> None:
        async with self._db.statements() as sql:
            await sql.run(SQL.stop, {"id": instance_id, "now": self._db.clock()})

    async def all(self) -> list[Instance]:
        async with self._db.statements() as sql:
            found = await sql.all(SQL.all, {"now": self._db.clock()})
        return [rows.instance(row) for row in found]

    async def forget(self, instance_ids: Collection[str]) -> None:
        async with self._db.statements() as sql:
            await sql.run(SQL.forget, {"ids": rows.json_list(instance_ids)})
