"""Where PostReady keeps its state: a database and one repository per family of tables."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from postready.core.storage.api import ApiStore
from postready.core.storage.brands import BrandStore
from postready.core.storage.chat_state import ChatStateStore
from postready.core.storage.database import Database
from postready.core.storage.inbox import InboxStore
from postready.core.storage.instances import InstanceStore
from postready.core.storage.jobs import JobStore
from postready.core.storage.repositories import (
    ApiRepository,
    BrandRepository,
    ChatStateRepository,
    InboxRepository,
    InstanceRepository,
    JobRepository,
    UsageRepository,
    UserRepository,
)
from postready.core.storage.usage import UsageStore
from postready.core.storage.users import UserStore


@dataclass(frozen=True, slots=True)
class Storage:
    """The open database and its repositories; `async with` closes it."""

    database: Database
    users: UserRepository
    jobs: JobRepository
    chats: ChatStateRepository
    inbox: InboxRepository
    instances: InstanceRepository
    usage: UsageRepository
    api: ApiRepository
    brands: BrandRepository

    @classmethod
    async def open(cls, where: Path | str, clock: Callable[[], float] = time.time) -> Self:
        """Open (creating and migrating as needed) the database `where` names: a SQLite file's
        path, or a PostgreSQL URL (`StorageSection.database`)."""
        database = await open_database(where, clock)
        return cls(
            database,
            UserStore(database),
            JobStore(database, shares_uploads=database.engine == "postgres"),
            ChatStateStore(database),
            InboxStore(database),
            InstanceStore(database),
            UsageStore(database),
            ApiStore(database),
            BrandStore(database),
        )

    async def close(self) -> None:
        await self.database.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


async def upgrade_schema(where: Path | str) -> int:
    """Bring the schema of the database `where` names up to date (as `open` does); the schema
    version it is at."""
    if isinstance(where, Path):
        from postready.core.storage.sqlite import database as sqlite

        connection = await sqlite.connect(where)
        try:
            return await sqlite.migrate(connection)
        finally:
            await connection.close()
    from postready.core.storage.postgres import database as postgres

    return await postgres.migrate(where)


async def open_database(where: Path | str, clock: Callable[[], float]) -> Database:
    """The engine's database, its schema upgraded. Each engine's driver is imported only here,
    so a SQLite run never loads PostgreSQL's."""
    if isinstance(where, Path):
        from postready.core.storage.sqlite.database import SQLiteDatabase

        return await SQLiteDatabase.open(where, clock)
    from postready.core.storage.postgres.database import PostgresDatabase

    return await PostgresDatabase.open(where, clock)
