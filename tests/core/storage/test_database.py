"""The SQLite database: migrations from every version, concurrent start-ups, constraints."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from postready.core.identity import UserRef
from postready.core.storage import Storage
from postready.core.storage.models import UserSettings
from postready.core.storage.sqlite import database as sqlite_database
from postready.core.storage.sqlite.database import connect, migrate, migrations, schema_version
from postready.migrations import Migration
from tests.conftest import make_user, rows_of

LATEST = len(migrations())


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """SQLite's own behaviour: its file alone (PostgreSQL's is in test_postgres.py)."""
    return tmp_path / "postready.db"


TABLES = {
    "users",
    "user_settings",
    "processing_sessions",
    "platform_results",
    "generated_files",
    "jobs",
    "job_messages",
    "job_replies",
    "ai_usage",
    "pending_descriptions",
    "style_choices",
    "pending_commands",
    "interaction_tokens",
    "job_progress",
    "inbox",
    "blocked_users",
    "instances",
    "api_keys",
    "api_jobs",
    "api_requests",
    "upload_blobs",
    "brand_kits",
}


async def table_names(db) -> set[str]:
    rows = await db.execute_fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {row[0] for row in rows}


async def test_migrates_an_empty_database(tmp_path: Path) -> None:
    db = await connect(tmp_path / "new.db")
    try:
        assert await schema_version(db) == 0
        assert await migrate(db) == LATEST >= 2
        assert await table_names(db) == TABLES
        assert (await (await db.execute("PRAGMA journal_mode")).fetchone())[0] == "wal"
        assert (await (await db.execute("PRAGMA foreign_keys")).fetchone())[0] == 1
        assert await migrate(db) == LATEST  # idempotent
    finally:
        await db.close()


@pytest.mark.parametrize("start", range(1, LATEST))
async def test_migrates_from_each_older_version_keeping_data(tmp_path: Path, start: int) -> None:
    path = tmp_path / "old.db"
    db = await connect(path)
    try:
        await migrate(db, upto=start)
        assert await schema_version(db) == start
        await db.execute(
            "INSERT INTO users (platform, platform_user_id, created_at) VALUES ('discord', '7', 0)"
        )
    finally:
        await db.close()

    async with await Storage.open(path) as store:
        user = await store.users.get_or_create(UserRef("discord", "7"))
        assert user.id == 1 and user.settings == UserSettings()
        assert (await rows_of(store, "PRAGMA user_version"))[0][0] == LATEST


async def test_two_processes_starting_together_both_migrate(tmp_path: Path) -> None:
    path = tmp_path / "race.db"
    first, second = await asyncio.gather(connect(path), connect(path))
    try:
        assert await asyncio.gather(migrate(first), migrate(second)) == [LATEST, LATEST]
    finally:
        await first.close()
        await second.close()


async def test_a_failed_migration_leaves_no_trace(tmp_path: Path, monkeypatch) -> None:
    broken = [*migrations()[:1], Migration(2, "002_broken.sql", "CREATE TABLE x (;")]
    monkeypatch.setattr(sqlite_database, "migrations", lambda: broken)
    db = await connect(tmp_path / "broken.db")
    try:
        with pytest.raises(sqlite3.OperationalError):
            await migrate(db)
        assert await schema_version(db) == 1
        assert "x" not in await table_names(db)
    finally:
        await db.close()


async def test_foreign_keys_are_enforced(store: Storage) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        await rows_of(
            store,
            "INSERT INTO jobs (session_id, max_attempts, not_before, created_at)"
            " VALUES ('nothing', 3, 0, 0)",
        )


async def test_a_transaction_cancelled_as_it_begins_leaves_the_connection_usable(
    store: Storage,
) -> None:
    recovering = asyncio.create_task(store.jobs.recover_expired(0))
    await asyncio.sleep(0)  # its BEGIN is on its way to the database thread
    recovering.cancel()
    await asyncio.gather(recovering, return_exceptions=True)
    assert (await make_user(store)).id == 1  # a transaction of its own


async def test_a_commit_that_fails_leaves_the_connection_usable(store: Storage) -> None:
    async with store.database.statements() as sql:
        await sql.run("CREATE TEMP TABLE parent (id INTEGER PRIMARY KEY)")
        await sql.run(
            "CREATE TEMP TABLE child (parent REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)"
        )
    with pytest.raises(sqlite3.IntegrityError):  # the deferred check fails at COMMIT
        async with store.database.transaction() as sql:
            await sql.run("INSERT INTO child VALUES (5)")
    assert (await make_user(store)).id == 1  # a transaction of its own
    assert await rows_of(store, "SELECT * FROM child") == []


async def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    db = await connect(path)
    try:
        await db.execute(f"PRAGMA user_version = {LATEST + 1}")
    finally:
        await db.close()
    with pytest.raises(RuntimeError, match="newer than this PostReady"):
        await Storage.open(path)
