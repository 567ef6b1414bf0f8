"""The SQLite database: one aiosqlite connection per process, its migrations, and statements
run one at a time.

The connection is in autocommit mode: every write is a single statement or an explicit
`BEGIN IMMEDIATE` transaction, so several processes (bots, workers) share the file in WAL
mode and a write never fails half-way on a lock it could have waited for. An asyncio lock
keeps one coroutine's transaction from interleaving with another's statements.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Self

import aiosqlite

from postready.core.storage.database import Engine, Params, Row
from postready.migrations import Migration, numbered

log = logging.getLogger(__name__)
_BUSY_TIMEOUT_MS = 10_000


def migrations() -> list[Migration]:
    """The packaged SQLite migrations in order."""
    return numbered("sqlite")


async def schema_version(db: aiosqlite.Connection) -> int:
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def migrate(db: aiosqlite.Connection, upto: int | None = None) -> int:
    """Apply the migrations newer than the database, each atomically with its version bump.

    Safe when two processes start at once: the loser's transaction fails, rolls back, and it
    finds the version already moved past that migration.
    """
    known = migrations()
    if await schema_version(db) > len(known):
        raise RuntimeError(
            f"the database is at schema {await schema_version(db)}, newer than this PostReady "
            f"knows ({len(known)}); upgrade PostReady"
        )
    for migration in known:
        if upto is not None and migration.version > upto:
            break
        if await schema_version(db) >= migration.version:
            continue
        script = (
            f"BEGIN IMMEDIATE;\n{migration.sql}\n"
            f"PRAGMA user_version = {migration.version};\nCOMMIT;"
        )
        try:
            await db.executescript(script)
        except sqlite3.Error:
            if db.in_transaction:
                await db.rollback()
            if await schema_version(db) < migration.version:
                raise
        else:
            log.info("migration_applied name=%s", migration.name)
    return await schema_version(db)


async def connect(path: Path) -> aiosqlite.Connection:
    """A connection with the settings every PostReady process uses."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = await aiosqlite.connect(path, isolation_level=None)
    try:
        db.row_factory = sqlite3.Row
        await db.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        await _use_wal(db)
        await db.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        await db.close()  # its thread would otherwise keep the process from exiting
        raise
    return db


async def _use_wal(db: aiosqlite.Connection) -> None:
    """Two processes switching a new database to WAL at once: SQLite tells the loser the
    database is locked without waiting (busy_timeout does not apply there), so wait here."""
    deadline = time.monotonic() + _BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            await db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
        await asyncio.sleep(0.01)


class Statements:
    """Statements on the connection, run by one coroutine at a time (see `SQLiteDatabase`)."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    async def one(self, sql: str, params: Params | None = None) -> Row | None:
        async with self._connection.execute(sql, params or {}) as cursor:
            row: Row | None = await cursor.fetchone()
        return row

    async def all(self, sql: str, params: Params | None = None) -> list[Row]:
        async with self._connection.execute(sql, params or {}) as cursor:
            return list(await cursor.fetchall())

    async def run(self, sql: str, params: Params | None = None) -> int:
        """Run a write; the number of rows it changed."""
        async with self._connection.execute(sql, params or {}) as cursor:
            return cursor.rowcount

    async def insert(self, sql: str, params: Params) -> int:
        """Run an INSERT; the new row's id."""
        async with self._connection.execute(sql, params) as cursor:
            if cursor.lastrowid is None:
                raise RuntimeError("the INSERT added no row")
            return cursor.lastrowid

    async def run_many(self, sql: str, rows: Iterable[Params]) -> None:
        cursor = await self._connection.executemany(sql, rows)
        await cursor.close()  # an open statement would keep the transaction from committing


class SQLiteDatabase:
    """The connection, its migrations and its clock; repositories run their SQL through
    `statements()` (one statement at a time) or `transaction()` (several, atomically)."""

    engine: Engine = "sqlite"
    url: str | None = None  # a file only this machine opens

    def __init__(
        self, connection: aiosqlite.Connection, clock: Callable[[], float] = time.time
    ) -> None:
        self.clock = clock
        self._connection = connection
        self._statements = Statements(connection)
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path, clock: Callable[[], float] = time.time) -> Self:
        """Connect and migrate to the newest schema."""
        connection = await connect(path)
        try:
            await migrate(connection)
        except BaseException:
            await connection.close()
            raise
        return cls(connection, clock)

    async def close(self) -> None:
        await self._connection.close()

    @asynccontextmanager
    async def statements(self) -> AsyncIterator[Statements]:
        async with self._lock:
            yield self._statements

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Statements]:
        async with self._lock:
            try:
                # Inside the try: a caller cancelled while BEGIN is on its way still rolls back,
                # rather than leaving the connection in a transaction no one ends.
                await self._connection.execute("BEGIN IMMEDIATE")
                yield self._statements
            except BaseException:
                await self._connection.rollback()
                raise
            try:
                await self._connection.commit()
            except BaseException:
                # A commit that failed (or was cancelled) must not leave the connection inside
                # the transaction: every later BEGIN would fail.
                await self._connection.rollback()
                raise
