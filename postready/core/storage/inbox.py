"""The durable inbox: chat updates from their arrival until they are handled."""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any, cast

from postready.core.storage.database import Database, Row, engine_queries
from postready.core.storage.models import InboxEntry, InboxKind


class InboxStore:
    """An `InboxRepository`."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._sql = engine_queries(db.engine, "inbox.sql")

    async def receive(
        self, platform: str, update_key: str, kind: InboxKind, payload: dict[str, Any]
    ) -> InboxEntry | None:
        params = {
            "platform": platform,
            "update_key": update_key,
            "kind": kind,
            "payload": json.dumps(payload),
            "now": self._db.clock(),
        }
        async with self._db.transaction() as sql:
            row = await sql.one(self._sql.receive, params)
        return _entry(row) if row else None

    async def acknowledge(self, entry_id: int, index: int, message_id: str) -> None:
        async with self._db.statements() as sql:
            await sql.run(
                self._sql.acknowledge,
                {"entry_id": entry_id, "index": index, "message_id": message_id},
            )

    async def handled(self, entry_ids: Collection[int]) -> None:
        async with self._db.statements() as sql:
            await sql.run(
                self._sql.handled,
                {"entry_ids": json.dumps(list(entry_ids)), "now": self._db.clock()},
            )

    async def unhandled(self, platform: str) -> list[InboxEntry]:
        async with self._db.statements() as sql:
            found = await sql.all(self._sql.unhandled, {"platform": platform})
        return [_entry(row) for row in found]

    async def prune(self, max_age: float) -> int:
        async with self._db.statements() as sql:
            return await sql.run(self._sql.prune, {"before": self._db.clock() - max_age})


def _entry(row: Row) -> InboxEntry:
    acks = json.loads(row["acks"])
    return InboxEntry(
        id=row["id"],
        platform=row["platform"],
        update_key=row["update_key"],
        kind=cast(InboxKind, row["kind"]),
        payload=json.loads(row["payload"]),
        acks={int(index): str(message_id) for index, message_id in acks.items()},
        received_at=row["received_at"],
    )
