"""Where PostReady keeps its state: a database and one repository per family of tables."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from postready.core.storage.repositories import (
    ChatStateRepository,
    InboxRepository,
    InstanceRepository,
    JobRepository,
    UsageRepository,
    UserRepository,
)
from postready.core.storage.sqlite.chat_state import SQLiteChatState
from postready.core.storage.sqlite.database import Database
from postready.core.storage.sqlite.inbox import SQLiteInbox
from postready.core.storage.sqlite.instances import SQLiteInstances
from postready.core.storage.sqlite.jobs import SQLiteJobs
from postready.core.storage.sqlite.usage import SQLiteUsage
from postready.core.storage.sqlite.users import SQLiteUsers


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

    @classmethod
    async def open(cls, path: Path, clock: Callable[[], float] = time.time) -> Self:
        """Open (creating and migrating as needed) the SQLite database at `path`."""
        database = await Database.open(path, clock)
        return cls(
            database,
            SQLiteUsers(database),
            SQLiteJobs(database),
            SQLiteChatState(database),
            SQLiteInbox(database),
            SQLiteInstances(database),
            SQLiteUsage(database),
        )

    async def close(self) -> None:
        await self.database.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
