"""The PostgreSQL database: a psycopg connection pool, its migrations, and statements.

Connections are in autocommit mode: a statement commits on its own, and `transaction()` runs
several on one connection between BEGIN and COMMIT. Any number of processes on any number of
machines share the database; the queue's claims lock the rows they take (`FOR UPDATE SKIP
LOCKED`) and an enqueue locks its user (an advisory lock), as SQLite's single writer does.

JSON columns are `jsonb`, read back as their text: the engines share the row mapping, which
decodes it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from typing import Self

import psycopg
from psycopg import AsyncConnection
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import DictRow, dict_row
from psycopg.types.string import TextLoader
from psycopg_pool import AsyncConnectionPool

from postready.core.errors import AppErrorCode
from postready.core.storage.database import Engine, Params, Row
from postready.migrations import Migration, numbered
from postready.pipeline.errors import PostReadyError
from postready.pipeline.marking import N_

log = logging.getLogger(__name__)
# Held while migrating: processes starting together migrate one after the other, and each
# finds the work done by the one before.
MIGRATION_LOCK = 0x706F_7374_7265_6479  # "postredy"
_POOL_SIZE = 10

Connection = AsyncConnection[DictRow]


def migrations() -> list[Migration]:
    """The packaged PostgreSQL migrations in order."""
    return numbered("postgres")


async def connect(url: str) -> Connection:
    """One connection with the settings every PostReady connection has; DATABASE_UNAVAILABLE
    when the server cannot be reached (the error names where, never the password)."""
    try:
        connection = await AsyncConnection.connect(url, autocommit=True, row_factory=dict_row)
    except psycopg.OperationalError as exc:
        raise PostReadyError(
            AppErrorCode.DATABASE_UNAVAILABLE,
            N_("cannot reach PostgreSQL at {address} (POSTREADY_DATABASE_URL)"),
            address=where(url),
        ) from exc
    await configure(connection)
    return connection


def where(url: str) -> str:
    """The server and database `url` names, without its user and password."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "the configured address"
    host = parts.get("host") or "localhost"
    return f"{host}:{parts.get('port') or 5432}/{parts.get('dbname') or ''}"


async def configure(connection: Connection) -> None:
    for json_type in ("json", "jsonb"):
        connection.adapters.register_loader(json_type, TextLoader)


async def schema_version(connection: Connection) -> int:
    """The newest migration applied; 0 for an empty database."""
    cursor = await connection.execute("SELECT to_regclass('schema_migrations') AS found")
    found = await cursor.fetchone()
    if found is None or found["found"] is None:
        return 0
    cursor = await connection.execute(
        "SELECT coalesce(max(version), 0) AS version FROM schema_migrations"
    )
    row = await cursor.fetchone()
    return int(row["version"]) if row else 0


async def migrate(url: str, upto: int | None = None) -> int:
    """Apply the migrations newer than the database, each atomically with its record, under an
    advisory lock; the schema version reached."""
    known = migrations()
    async with await connect(url) as connection:
        await connection.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        try:
            return await _apply(connection, known, upto)
        finally:
            await connection.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))


async def _apply(connection: Connection, known: list[Migration], upto: int | None) -> int:
    current = await schema_version(connection)
    if current > len(known):
        raise RuntimeError(
            f"the database is at schema {current}, newer than this PostReady knows "
            f"({len(known)}); upgrade PostReady"
        )
    for migration in known[current:]:
        if upto is not None and migration.version > upto:
            break
        async with connection.transaction():
            await connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version integer PRIMARY KEY, name text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now())"
            )
            await connection.execute(migration.sql)
            await connection.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                (migration.version, migration.name),
            )
        log.info("migration_applied engine=postgres name=%s", migration.name)
    await _install_task_queue(connection)
    return await schema_version(connection)


async def _install_task_queue(connection: Connection) -> None:
    """Create procrastinate's tables and functions (the job queue's) in a database that has
    none yet; upgrading them to a newer procrastinate is its own migrations' job (README)."""
    cursor = await connection.execute("SELECT to_regclass('procrastinate_jobs') AS found")
    found = await cursor.fetchone()
    if found is not None and found["found"] is not None:
        return
    from procrastinate.schema import SchemaManager

    async with connection.transaction():
        await connection.execute(SchemaManager.get_schema())
    log.info("migration_applied engine=postgres name=procrastinate")


class PostgresStatements:
    """Statements on one connection of the pool."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    @property
    def connection(self) -> Connection:
        """The connection, for a library that joins its transaction (procrastinate's defer)."""
        return self._connection

    async def one(self, sql: str, params: Params | None = None) -> Row | None:
        cursor = await self._connection.execute(sql, params)
        return await cursor.fetchone()

    async def all(self, sql: str, params: Params | None = None) -> list[Row]:
        cursor = await self._connection.execute(sql, params)
        return list(await cursor.fetchall())

    async def run(self, sql: str, params: Params | None = None) -> int:
        cursor = await self._connection.execute(sql, params)
        return cursor.rowcount

    async def insert(self, sql: str, params: Params) -> int:
        """Run an INSERT ... RETURNING id; the new row's id."""
        cursor = await self._connection.execute(sql, params)
        row = await cursor.fetchone()
        if row is None:
            raise RuntimeError("the INSERT added no row")
        return int(row["id"])

    async def run_many(self, sql: str, rows: Iterable[Params]) -> None:
        async with self._connection.cursor() as cursor:
            await cursor.executemany(sql, list(rows))


class PostgresDatabase:
    """The pool, its migrations and its clock (see `storage.database.Database`)."""

    engine: Engine = "postgres"

    def __init__(
        self,
        pool: AsyncConnectionPool[Connection],
        url: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.clock = clock
        self.url = url
        self._pool = pool

    @classmethod
    async def open(cls, url: str, clock: Callable[[], float] = time.time) -> Self:
        """Migrate to the newest schema and open the pool."""
        await migrate(url)
        pool = AsyncConnectionPool(
            url,
            connection_class=AsyncConnection[DictRow],
            kwargs={"autocommit": True, "row_factory": dict_row},
            configure=configure,
            min_size=1,
            max_size=_POOL_SIZE,
            open=False,
        )
        await pool.open(wait=True)
        return cls(pool, url, clock)

    async def close(self) -> None:
        await self._pool.close()

    @asynccontextmanager
    async def statements(self) -> AsyncIterator[PostgresStatements]:
        async with self._pool.connection() as connection:
            yield PostgresStatements(connection)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PostgresStatements]:
        async with self._pool.connection() as connection, connection.transaction():
            yield PostgresStatements(connection)
