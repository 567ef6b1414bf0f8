"""The PostgreSQL database: migrations from empty and from the previous version, processes
starting together, a schema newer than the code."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import psycopg
import pytest

from postready.core.errors import AppErrorCode
from postready.core.identity import UserRef
from postready.core.storage import Storage
from postready.core.storage.postgres.database import connect, migrate, migrations, schema_version
from postready.pipeline.errors import PostReadyError
from tests.postgres import SessionDatabases

LATEST = len(migrations())


async def tables(url: str) -> set[str]:
    async with await connect(url) as connection:
        cursor = await connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        )
        return {row["tablename"] for row in await cursor.fetchall()}


async def version(url: str) -> int:
    async with await connect(url) as connection:
        return await schema_version(connection)


async def test_migrates_an_empty_database(postgres_databases: SessionDatabases) -> None:
    url = postgres_databases.create("empty")
    assert await version(url) == 0
    assert await migrate(url) == LATEST >= 1
    assert {"users", "jobs", "inbox", "instances", "schema_migrations"} <= await tables(url)
    assert await migrate(url) == LATEST  # idempotent


async def test_opening_a_database_at_the_previous_version_upgrades_it(
    postgres_databases: SessionDatabases,
) -> None:
    url = postgres_databases.create("previous")
    assert await migrate(url, upto=LATEST - 1) == LATEST - 1
    async with await Storage.open(url) as store:
        user = await store.users.get_or_create(UserRef("telegram", "7"))
        assert user.id == 1
    assert await version(url) == LATEST


def test_processes_starting_together_migrate_once(postgres_databases: SessionDatabases) -> None:
    """Three processes open the new database at the same moment: one applies each migration,
    the others wait for its advisory lock and find the schema up to date."""
    url = postgres_databases.create("race")
    script = (
        "import asyncio, logging, sys\n"
        "from postready.core.storage import Storage\n"
        "logging.basicConfig(level=logging.INFO, format='%(message)s', stream=sys.stdout)\n"
        "async def main():\n"
        "    async with await Storage.open(sys.argv[1]) as store:\n"
        "        await store.users.get_or_create(__import__('postready.core.identity',"
        " fromlist=['UserRef']).UserRef('cli', sys.argv[2]))\n"
        "asyncio.run(main())\n"
    )
    starts = [
        subprocess.Popen(
            [sys.executable, "-c", script, url, str(n)], stdout=subprocess.PIPE, text=True
        )
        for n in range(3)
    ]
    outputs = [start.communicate(timeout=60)[0] for start in starts]
    assert [start.returncode for start in starts] == [0, 0, 0]
    applied = [line for out in outputs for line in out.splitlines() if "migration_applied" in line]
    assert len(applied) == LATEST + 1  # and procrastinate's schema, once
    assert sum("name=procrastinate" in line for line in applied) == 1
    with psycopg.connect(url) as connection:
        recorded = connection.execute("SELECT count(*) FROM schema_migrations").fetchone()
        users = connection.execute("SELECT count(*) FROM users").fetchone()
    assert recorded == (LATEST,) and users == (3,)


async def test_a_database_newer_than_the_code_is_refused(
    postgres_databases: SessionDatabases,
) -> None:
    url = postgres_databases.create("future")
    await migrate(url)
    async with await connect(url) as connection:
        await connection.execute(
            "INSERT INTO schema_migrations (version, name) VALUES (%s, 'future.sql')",
            (LATEST + 1,),
        )
    with pytest.raises(RuntimeError, match="newer than this PostReady"):
        await Storage.open(url)


async def test_enqueues_of_one_user_from_two_pools_respect_the_limit(
    postgres_url: str, tmp_path
) -> None:
    """Two processes' enqueues at once: the user's advisory lock lets the limit hold."""
    from postready.core.errors import QueueLimitExceeded
    from tests.conftest import LIMITS, new_job

    async with await Storage.open(postgres_url) as one, await Storage.open(postgres_url) as two:
        user = await one.users.get_or_create(UserRef("telegram", "1"))
        results = await asyncio.gather(
            *(
                store.jobs.enqueue(user, new_job(tmp_path, n), LIMITS)
                for n, store in enumerate((one, two, one, two))
            ),
            return_exceptions=True,
        )
    assert sum(not isinstance(r, BaseException) for r in results) == LIMITS.in_flight
    assert all(isinstance(r, QueueLimitExceeded) for r in results if isinstance(r, BaseException))


async def test_a_server_that_does_not_answer_is_one_clear_error_without_the_password(
    unused_tcp_port: int,
) -> None:
    url = f"postgresql://shop:s3cret@127.0.0.1:{unused_tcp_port}/shopdb"
    with pytest.raises(PostReadyError) as refused:
        await Storage.open(url)
    assert refused.value.code == AppErrorCode.DATABASE_UNAVAILABLE
    assert refused.value.message == (
        f"cannot reach PostgreSQL at 127.0.0.1:{unused_tcp_port}/shopdb (POSTREADY_DATABASE_URL)"
    )
