"""The SQLite store: schema migrations and a repository of typed methods. All SQL lives here.

One aiosqlite connection per process, in autocommit mode: every write is a single statement or
an explicit `BEGIN IMMEDIATE` transaction, so several processes (bot, workers) can share the
file in WAL mode, and a write never fails half-way on a lock it could have waited for. An
asyncio lock keeps one coroutine's transaction from interleaving with another's statements.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Collection, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Literal, Self, cast

import aiosqlite

from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.models import ErrorInfo, OptimizeResult, ProgressEvent

log = logging.getLogger(__name__)

SessionStatus = Literal["pending", "queued", "running", "completed", "failed", "cancelled"]
FileType = Literal["source", "json", "caption", "image", "product_photo"]
ACTIVE_STATUSES: tuple[SessionStatus, ...] = ("queued", "running")
ENDED_STATUSES: tuple[SessionStatus, ...] = ("completed", "failed", "cancelled")
_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
_BUSY_TIMEOUT_MS = 10_000
_HOUR = 3600.0


@dataclass(frozen=True, slots=True)
class InteractionToken:
    """What answers a chat interaction until `expires_at` (Unix seconds)."""

    token: str
    file_limit: int  # bytes of attachments per message
    expires_at: float


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """The packaged migrations in order; their numbers must run 1, 2, 3, ... without gaps."""
    found = []
    for entry in resources.files("postready.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), entry.name, entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 001, 002, ...: {[m.name for m in found]}")
    return found


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
    db.row_factory = sqlite3.Row
    await db.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
    await db.execute("PRAGMA journal_mode = WAL")
    await db.execute("PRAGMA foreign_keys = ON")
    return db


def _dt(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


@dataclass(frozen=True, slots=True)
class UserSettings:
    default_platforms: tuple[str, ...] = ()  # empty: every platform
    timezone: str = "UTC"
    language: str = "en"
    logo_path: str | None = None
    logo_position: str = "bottom-right"
    output_format: str = "jpeg"
    send_as_files: bool = False
    awaiting_logo: bool = False  # /logo was sent: the next image is the logo


@dataclass(frozen=True, slots=True)
class User:
    id: int
    platform: str  # telegram, discord, cli
    platform_user_id: str
    settings: UserSettings

    @property
    def key(self) -> str:
        """The user's id across PostReady, e.g. "telegram:1234"."""
        return f"{self.platform}:{self.platform_user_id}"


@dataclass(frozen=True, slots=True)
class Session:
    id: str
    user_id: int
    user_key: str
    chat_id: str | None
    status: SessionStatus
    source_path: str | None
    platforms: tuple[str, ...]
    description: str
    options: dict[str, Any]
    error: ErrorInfo | None
    results: dict[str, Any] | None
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    session: Session
    attempts: int
    max_attempts: int
    not_before: datetime
    lease_owner: str | None
    lease_expires_at: datetime | None
    heartbeat_at: datetime | None
    cancel_requested: bool
    created_at: datetime

    @property
    def status(self) -> SessionStatus:
        return self.session.status


@dataclass(frozen=True, slots=True)
class NewJob:
    """What `enqueue` stores: the session's request, its uploaded source already on disk."""

    session_id: str
    source_path: Path
    source_size: int
    platforms: tuple[str, ...]
    description: str
    options: dict[str, Any]
    chat_id: str | None


@dataclass(frozen=True, slots=True)
class QueueLimits:
    in_flight: int  # per user, queued + running
    per_hour: int  # per user
    queued: int  # all users
    max_attempts: int


@dataclass(frozen=True, slots=True)
class GeneratedFile:
    file_type: FileType
    path: Path | None  # None: only uploaded, at `url`
    size: int | None = None  # bytes
    platform: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class StyleChoice:
    """A product photo waiting for its owner's choice of photography styles."""

    id: int
    platform: str
    platform_user_id: str
    chat_id: str
    message_id: str | None
    source_path: Path
    source_name: str
    platforms: tuple[str, ...]
    description: str
    chosen: tuple[str, ...]
    colour: str
    open: bool
    created_at: float  # Unix seconds


@dataclass(frozen=True, slots=True)
class Heartbeat:
    held: bool  # False: the lease was lost (expired and re-queued, or the job was cancelled)
    cancel_requested: bool


_JOB_SELECT = """
SELECT j.*, s.id AS s_id, s.user_id, s.chat_id, s.status, s.source_path, s.platforms,
       s.description, s.options, s.error_code, s.error_message, s.results,
       s.created_at AS s_created_at, s.started_at, s.completed_at,
       u.platform AS u_platform, u.platform_user_id
FROM jobs j
JOIN processing_sessions s ON s.id = j.session_id
JOIN users u ON u.id = s.user_id
"""
_SESSION_SELECT = """
SELECT s.*, u.platform AS u_platform, u.platform_user_id
FROM processing_sessions s JOIN users u ON u.id = s.user_id
"""


class Store:
    """The repository: typed methods over one SQLite database."""

    def __init__(self, db: aiosqlite.Connection, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path, clock: Callable[[], float] = time.time) -> Self:
        """Connect, migrate to the newest schema, and return the store."""
        db = await connect(path)
        try:
            await migrate(db)
        except BaseException:
            await db.close()
            raise
        return cls(db, clock)

    async def close(self) -> None:
        await self._db.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # Users and settings

    async def get_or_create_user(self, platform: str, platform_user_id: str) -> User:
        now = self._clock()
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO users (platform, platform_user_id, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT (platform, platform_user_id) DO NOTHING",
                (platform, platform_user_id, now),
            )
            await db.execute(
                "INSERT INTO user_settings (user_id, updated_at)"
                " SELECT id, ? FROM users WHERE platform = ? AND platform_user_id = ?"
                " ON CONFLICT (user_id) DO NOTHING",
                (now, platform, platform_user_id),
            )
            row = await _one(
                db,
                "SELECT * FROM users u JOIN user_settings st ON st.user_id = u.id"
                " WHERE u.platform = ? AND u.platform_user_id = ?",
                (platform, platform_user_id),
            )
        return _user(row)

    async def save_settings(self, user_id: int, settings: UserSettings) -> User:
        async with self._lock:
            await self._db.execute(
                "UPDATE user_settings SET default_platforms = ?, timezone = ?, language = ?,"
                " logo_path = ?, logo_position = ?, output_format = ?, send_as_files = ?,"
                " awaiting_logo = ?, updated_at = ? WHERE user_id = ?",
                (
                    json.dumps(list(settings.default_platforms)),
                    settings.timezone,
                    settings.language,
                    settings.logo_path,
                    settings.logo_position,
                    settings.output_format,
                    settings.send_as_files,
                    settings.awaiting_logo,
                    self._clock(),
                    user_id,
                ),
            )
            row = await _one(
                self._db,
                "SELECT * FROM users u JOIN user_settings st ON st.user_id = u.id WHERE u.id = ?",
                (user_id,),
            )
        if row is None:
            raise LookupError(f"no user with id {user_id}")
        return _user(row)

    # Sessions

    async def get_session(self, session_id: str) -> Session | None:
        async with self._lock:
            row = await _one(self._db, _SESSION_SELECT + " WHERE s.id = ?", (session_id,))
        return _session(row) if row else None

    async def session_files(self, session_id: str) -> list[GeneratedFile]:
        async with self._lock:
            rows = await self._db.execute_fetchall(
                "SELECT file_type, file_path, file_size, platform, file_url FROM generated_files"
                " WHERE session_id = ? ORDER BY id",
                (session_id,),
            )
        return [
            GeneratedFile(row[0], row[1] and Path(row[1]), row[2], row[3], row[4]) for row in rows
        ]

    # Chat messages

    async def set_job_message(self, job_id: int, chat_id: str, message_id: str) -> None:
        """Remember the chat message that shows the job's status."""
        async with self._lock:
            await self._db.execute(
                "INSERT INTO job_messages (job_id, chat_id, message_id) VALUES (?, ?, ?)"
                " ON CONFLICT (job_id) DO UPDATE SET chat_id = excluded.chat_id,"
                " message_id = excluded.message_id",
                (job_id, chat_id, message_id),
            )

    async def set_pending_command(self, chat_id: str, user_key: str, command: str) -> None:
        """Remember an `/optimize` that waits for its photo (the newest replaces older ones)."""
        async with self._lock:
            await self._db.execute(
                "INSERT INTO pending_commands (chat_id, user_key, command, created_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (chat_id, user_key) DO UPDATE SET"
                " command = excluded.command, created_at = excluded.created_at",
                (chat_id, user_key, command, self._clock()),
            )

    async def take_pending_command(self, chat_id: str, user_key: str, max_age: float) -> str | None:
        """The waiting `/optimize`, if one was sent at most `max_age` seconds ago; it is used
        up either way."""
        async with self._lock:
            row = await _one(
                self._db,
                "DELETE FROM pending_commands WHERE chat_id = ? AND user_key = ?"
                " RETURNING command, created_at",
                (chat_id, user_key),
            )
        if row is None or self._clock() - row[1] > max_age:
            return None
        return row[0]

    async def job_message(self, job_id: int) -> tuple[str, str] | None:
        """(chat id, message id) of the job's status message, if one was recorded."""
        async with self._lock:
            row = await _one(
                self._db, "SELECT chat_id, message_id FROM job_messages WHERE job_id = ?", (job_id,)
            )
        return (row[0], row[1]) if row else None

    async def save_interaction_token(self, chat_id: str, token: InteractionToken) -> None:
        """Keep the token that answers the conversation `chat_id`; expired ones are dropped."""
        async with self._lock:
            await self._db.execute(
                "DELETE FROM interaction_tokens WHERE expires_at <= ?", (self._clock(),)
            )
            await self._db.execute(
                "INSERT OR REPLACE INTO interaction_tokens (chat_id, token, file_limit, expires_at)"
                " VALUES (?, ?, ?, ?)",
                (chat_id, token.token, token.file_limit, token.expires_at),
            )

    async def interaction_token(self, chat_id: str) -> InteractionToken | None:
        """The conversation's token, unless it has expired."""
        async with self._lock:
            row = await _one(
                self._db,
                "SELECT token, file_limit, expires_at FROM interaction_tokens"
                " WHERE chat_id = ? AND expires_at > ?",
                (chat_id, self._clock()),
            )
        return InteractionToken(row[0], row[1], row[2]) if row else None

    # Style choices

    async def add_style_choice(self, choice: StyleChoice) -> StyleChoice:
        """Store `choice` (its id and creation time are assigned here)."""
        async with self._transaction() as db:
            cursor = await db.execute(
                "INSERT INTO style_choices (platform, platform_user_id, chat_id, message_id,"
                " source_path, source_name, platforms, description, chosen, colour, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    choice.platform,
                    choice.platform_user_id,
                    choice.chat_id,
                    choice.message_id,
                    str(choice.source_path),
                    choice.source_name,
                    json.dumps(list(choice.platforms)),
                    choice.description,
                    json.dumps(list(choice.chosen)),
                    choice.colour,
                    self._clock(),
                ),
            )
            row = await _one(db, "SELECT * FROM style_choices WHERE id = ?", (cursor.lastrowid,))
        return _style_choice(row)

    async def get_style_choice(self, choice_id: int) -> StyleChoice | None:
        async with self._lock:
            row = await _one(self._db, "SELECT * FROM style_choices WHERE id = ?", (choice_id,))
        return _style_choice(row) if row else None

    async def open_style_choices(self) -> list[StyleChoice]:
        async with self._lock:
            rows = await self._db.execute_fetchall(
                "SELECT * FROM style_choices WHERE status = 'open' ORDER BY id"
            )
        return [_style_choice(row) for row in rows]

    async def update_style_choice(
        self, choice_id: int, chosen: tuple[str, ...], colour: str, message_id: str | None
    ) -> StyleChoice | None:
        """Change an open choice; None when it is closed (or gone)."""
        async with self._transaction() as db:
            await db.execute(
                "UPDATE style_choices SET chosen = ?, colour = ?, message_id = ?"
                " WHERE id = ? AND status = 'open'",
                (json.dumps(list(chosen)), colour, message_id, choice_id),
            )
            row = await _one(
                db, "SELECT * FROM style_choices WHERE id = ? AND status = 'open'", (choice_id,)
            )
        return _style_choice(row) if row else None

    async def close_style_choice(self, choice_id: int) -> StyleChoice | None:
        """Close an open choice and return it; None when it was already closed: of two
        presses (or a press and the timeout) exactly one gets it."""
        async with self._transaction() as db:
            cursor = await db.execute(
                "UPDATE style_choices SET status = 'closed' WHERE id = ? AND status = 'open'",
                (choice_id,),
            )
            if cursor.rowcount != 1:
                return None
            row = await _one(db, "SELECT * FROM style_choices WHERE id = ?", (choice_id,))
        return _style_choice(row)

    # The job queue

    async def enqueue(self, user: User, job: NewJob, limits: QueueLimits) -> Job:
        """Commit a queued session and its job, or raise the limit it would break.

        The limits are checked inside the write transaction, so two submissions cannot both
        squeeze under the same limit.
        """
        now = self._clock()
        async with self._transaction() as db:
            in_flight, last_hour = await _one(
                db,
                "SELECT COUNT(*) FILTER (WHERE status IN ('queued', 'running')),"
                " COUNT(*) FILTER (WHERE j.created_at > ?)"
                " FROM processing_sessions s JOIN jobs j ON j.session_id = s.id"
                " WHERE s.user_id = ?",
                (now - _HOUR, user.id),
            )
            if in_flight >= limits.in_flight:
                raise PostReadyError(
                    ErrorCode.TOO_MANY_JOBS,
                    f"you already have {in_flight} photos in progress; wait for one to finish "
                    "or /cancel it",
                )
            if last_hour >= limits.per_hour:
                raise PostReadyError(
                    ErrorCode.RATE_LIMITED,
                    f"you have sent {last_hour} photos in the last hour, the most allowed; "
                    "please try again later",
                )
            (queued,) = await _one(
                db, "SELECT COUNT(*) FROM processing_sessions WHERE status = 'queued'", ()
            )
            if queued >= limits.queued:
                raise PostReadyError(
                    ErrorCode.QUEUE_FULL, "PostReady is very busy right now; please try again soon"
                )
            await db.execute(
                "INSERT INTO processing_sessions (id, user_id, chat_id, status, source_path,"
                " platforms, description, options, created_at, updated_at)"
                " VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?)",
                (
                    job.session_id,
                    user.id,
                    job.chat_id,
                    str(job.source_path),
                    json.dumps(list(job.platforms)),
                    job.description,
                    json.dumps(job.options),
                    now,
                    now,
                ),
            )
            await _add_files(
                db, job.session_id, [GeneratedFile("source", job.source_path, job.source_size)], now
            )
            cursor = await db.execute(
                "INSERT INTO jobs (session_id, max_attempts, not_before, created_at)"
                " VALUES (?, ?, ?, ?)",
                (job.session_id, limits.max_attempts, now, now),
            )
            job_id = cursor.lastrowid
            row = await _one(db, _JOB_SELECT + " WHERE j.id = ?", (job_id,))
        return _job(row)

    async def claim(
        self, owner: str, lease_seconds: float, platforms: Collection[str] | None = None
    ) -> Job | None:
        """Take the oldest queued job that may run now, leased to `owner`; None if none.
        `platforms`: only jobs of users on these platforms (None: any)."""
        now = self._clock()
        where, args = "", [now]
        if platforms is not None:
            where = f" AND u.platform IN ({_marks(platforms)})"
            args += sorted(platforms)
        async with self._transaction() as db:
            row = await _one(
                db,
                "SELECT j.id FROM jobs j JOIN processing_sessions s ON s.id = j.session_id"
                " JOIN users u ON u.id = s.user_id"
                f" WHERE s.status = 'queued' AND j.not_before <= ?{where} ORDER BY j.id LIMIT 1",
                args,
            )
            if row is None:
                return None
            job_id = row[0]
            await db.execute(
                "UPDATE jobs SET attempts = attempts + 1, lease_owner = ?, lease_expires_at = ?,"
                " heartbeat_at = ? WHERE id = ?",
                (owner, now + lease_seconds, now, job_id),
            )
            await _set_status(db, job_id, "running", now)
            row = await _one(db, _JOB_SELECT + " WHERE j.id = ?", (job_id,))
        return _job(row)

    async def heartbeat(self, job_id: int, owner: str, lease_seconds: float) -> Heartbeat:
        """Renew `owner`'s lease on a running job; say whether it is still held and wanted."""
        now = self._clock()
        async with self._lock:
            rows = await self._db.execute_fetchall(
                "UPDATE jobs SET lease_expires_at = ?, heartbeat_at = ?"
                " WHERE id = ? AND lease_owner = ?"
                " AND (SELECT status FROM processing_sessions s WHERE s.id = jobs.session_id)"
                " = 'running'"
                " RETURNING cancel_requested",
                (now + lease_seconds, now, job_id, owner),
            )
        rows = list(rows)
        return Heartbeat(held=bool(rows), cancel_requested=bool(rows and rows[0][0]))

    async def add_progress(self, job_id: int, event: ProgressEvent) -> None:
        async with self._lock:
            await self._db.execute(
                "INSERT INTO job_progress (job_id, stage, done, total, message, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (job_id, event.stage, event.done, event.total, event.message, self._clock()),
            )

    async def latest_progress(self, job_id: int) -> ProgressEvent | None:
        async with self._lock:
            row = await _one(
                self._db,
                "SELECT stage, done, total, message FROM job_progress WHERE job_id = ?"
                " ORDER BY id DESC LIMIT 1",
                (job_id,),
            )
        return ProgressEvent(*row) if row else None

    async def complete(
        self, job_id: int, owner: str, result: OptimizeResult, files: Sequence[GeneratedFile]
    ) -> bool:
        """Record a finished job's results, if `owner` still holds it."""
        now = self._clock()
        async with self._transaction() as db:
            if not await _holds(db, job_id, owner):
                return False
            session_id = result.session_id
            results = result.to_json()
            await db.execute(
                "UPDATE processing_sessions SET status = 'completed', results = ?,"
                " completed_at = ?, updated_at = ? WHERE id = ?",
                (json.dumps(results, ensure_ascii=False), now, now, session_id),
            )
            await db.executemany(
                "INSERT INTO platform_results (session_id, platform, status,"
                " processed_image_path, processing_time, product_photography_used, error_code,"
                " error_message, details, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        session_id,
                        key,
                        item.status,
                        str(item.image.path) if item.image else None,
                        item.processing_time,
                        results["platforms"][key]["product_photography_used"],
                        item.error.code if item.error else None,
                        item.error.message if item.error else None,
                        json.dumps(results["platforms"][key], ensure_ascii=False),
                        now,
                    )
                    for key, item in result.platforms.items()
                ],
            )
            await _add_files(db, session_id, files, now)
            await _end_lease(db, job_id)
        return True

    async def finish(
        self, job_id: int, owner: str, status: Literal["failed", "cancelled"], error: ErrorInfo
    ) -> bool:
        """End a running job as failed or cancelled, if `owner` still holds it."""
        now = self._clock()
        async with self._transaction() as db:
            if not await _holds(db, job_id, owner):
                return False
            await _set_status(db, job_id, status, now, error)
            await _end_lease(db, job_id)
        return True

    async def release(self, job_id: int, owner: str) -> bool:
        """Put a running job back in the queue (a clean shutdown); the attempt is not counted."""
        now = self._clock()
        async with self._transaction() as db:
            if not await _holds(db, job_id, owner):
                return False
            await db.execute(
                "UPDATE jobs SET attempts = attempts - 1, not_before = ? WHERE id = ?",
                (now, job_id),
            )
            await _set_status(db, job_id, "queued", now)
            await _end_lease(db, job_id)
        return True

    async def recover_expired(self, retry_delay: float, alive: Collection[int] = ()) -> list[Job]:
        """Re-queue running jobs whose lease ran out (their worker died), after a back-off that
        doubles with each attempt; fail those out of attempts. Returns the jobs changed.

        `alive` are jobs the caller is running right now: however late their heartbeats are,
        their worker is not dead, so they are left alone."""
        now = self._clock()
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                "SELECT j.id, j.attempts, j.max_attempts FROM jobs j"
                " JOIN processing_sessions s ON s.id = j.session_id"
                " WHERE s.status = 'running' AND j.lease_expires_at < ?"
                f" AND j.id NOT IN ({_marks(alive)})",
                (now, *alive),
            )
            for job_id, attempts, max_attempts in rows:
                await _end_lease(db, job_id)
                if attempts >= max_attempts:
                    error = ErrorInfo(
                        ErrorCode.JOB_INTERRUPTED,
                        f"processing stopped {attempts} times without finishing; "
                        "please send the photo again",
                    )
                    await _set_status(db, job_id, "failed", now, error)
                else:
                    await db.execute(
                        "UPDATE jobs SET not_before = ? WHERE id = ?",
                        (now + retry_delay * 2 ** (attempts - 1), job_id),
                    )
                    await _set_status(db, job_id, "queued", now)
            changed = [
                _job(row)
                for row in await _many(
                    db, _JOB_SELECT + " WHERE j.id IN ({})", [row[0] for row in rows]
                )
            ]
        for job in changed:
            log.warning(
                "job_lease_expired job=%s session=%s status=%s attempts=%s",
                job.id,
                job.session.id,
                job.status,
                job.attempts,
            )
        return changed

    async def request_cancel(self, job_id: int, user_id: int | None = None) -> Job:
        """Cancel a queued job now, or flag a running one for its worker to stop.

        `user_id` restricts it to that user's jobs. Raises JOB_NOT_FOUND for a job that does
        not exist, is someone else's, or has already ended.
        """
        now = self._clock()
        async with self._transaction() as db:
            job = await _active_job(db, job_id, user_id)
            if job.status == "queued":
                error = ErrorInfo(ErrorCode.CANCELLED, "cancelled before it started")
                await _set_status(db, job_id, "cancelled", now, error)
                # Whoever cancels it tells the user; no worker ever sees it.
                await db.execute("UPDATE jobs SET delivered_at = ? WHERE id = ?", (now, job_id))
            else:
                await db.execute("UPDATE jobs SET cancel_requested = 1 WHERE id = ?", (job_id,))
            row = await _one(db, _JOB_SELECT + " WHERE j.id = ?", (job_id,))
        return _job(row)

    async def mark_delivered(self, job_id: int) -> None:
        """The job's end has been handed to its chat (or subscriber)."""
        async with self._lock:
            await self._db.execute(
                "UPDATE jobs SET delivered_at = ? WHERE id = ?", (self._clock(), job_id)
            )

    async def undelivered_jobs(self, platforms: Collection[str], max_age: float) -> list[Job]:
        """Jobs of users on `platforms` that ended in the last `max_age` seconds without their
        end reaching the chat, oldest first."""
        async with self._lock:
            rows = await self._db.execute_fetchall(
                _JOB_SELECT + " WHERE j.delivered_at IS NULL"
                " AND s.status IN ('completed', 'failed', 'cancelled') AND s.updated_at >= ?"
                f" AND u.platform IN ({_marks(platforms)}) ORDER BY j.id",
                [self._clock() - max_age, *sorted(platforms)],
            )
        return [_job(row) for row in rows]

    async def get_job(self, job_id: int) -> Job | None:
        async with self._lock:
            row = await _one(self._db, _JOB_SELECT + " WHERE j.id = ?", (job_id,))
        return _job(row) if row else None

    async def latest_active_job(self, user_id: int) -> Job | None:
        """The user's newest queued or running job."""
        async with self._lock:
            row = await _one(
                self._db,
                _JOB_SELECT + " WHERE s.user_id = ? AND s.status IN ('queued', 'running')"
                " ORDER BY j.id DESC LIMIT 1",
                (user_id,),
            )
        return _job(row) if row else None

    async def queue_position(self, job_id: int) -> int | None:
        """1 for the next job to start; None when the job is not queued."""
        async with self._lock:
            row = await _one(
                self._db,
                "SELECT COUNT(*) FROM jobs j JOIN processing_sessions s ON s.id = j.session_id"
                " WHERE s.status = 'queued' AND j.id <= ?"
                " AND EXISTS (SELECT 1 FROM processing_sessions me JOIN jobs mj"
                " ON mj.session_id = me.id WHERE mj.id = ? AND me.status = 'queued')",
                (job_id, job_id),
            )
        return (row[0] or None) if row else None

    async def queued_jobs(self, limit: int) -> list[Job]:
        """The first `limit` queued jobs, next to start first (positions 1, 2, ...)."""
        async with self._lock:
            rows = await self._db.execute_fetchall(
                _JOB_SELECT + " WHERE s.status = 'queued' ORDER BY j.id LIMIT ?", (limit,)
            )
        return [_job(row) for row in rows]

    async def recent_jobs(self, limit: int = 20, user_id: int | None = None) -> list[Job]:
        """The newest jobs first: everyone's, or one user's."""
        where, args = (" WHERE s.user_id = ?", (user_id,)) if user_id is not None else ("", ())
        async with self._lock:
            rows = await self._db.execute_fetchall(
                _JOB_SELECT + where + " ORDER BY j.id DESC LIMIT ?", (*args, limit)
            )
        return [_job(row) for row in rows]

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                await self._db.rollback()
                raise
            await self._db.commit()


async def _one(db: aiosqlite.Connection, sql: str, params: Sequence[Any]) -> sqlite3.Row | None:
    async with db.execute(sql, params) as cursor:
        return await cursor.fetchone()


async def _many(db: aiosqlite.Connection, sql: str, ids: list[int]) -> Iterable[sqlite3.Row]:
    if not ids:
        return []
    return await db.execute_fetchall(sql.format(_marks(ids)), ids)


def _marks(values: Collection[object]) -> str:
    """The `?, ?, ...` of an SQL `IN (...)` for `values`."""
    return ", ".join("?" * len(values))


async def _active_job(db: aiosqlite.Connection, job_id: int, user_id: int | None) -> Job:
    row = await _one(db, _JOB_SELECT + " WHERE j.id = ?", (job_id,))
    job = _job(row) if row else None
    if job is None or (user_id is not None and job.session.user_id != user_id):
        raise PostReadyError(ErrorCode.JOB_NOT_FOUND, f"there is no job #{job_id}")
    if job.status not in ACTIVE_STATUSES:
        raise PostReadyError(ErrorCode.JOB_NOT_FOUND, f"job #{job_id} has already ended")
    return job


async def _holds(db: aiosqlite.Connection, job_id: int, owner: str) -> bool:
    row = await _one(
        db,
        "SELECT 1 FROM jobs j JOIN processing_sessions s ON s.id = j.session_id"
        " WHERE j.id = ? AND j.lease_owner = ? AND s.status = 'running'",
        (job_id, owner),
    )
    return row is not None


async def _end_lease(db: aiosqlite.Connection, job_id: int) -> None:
    await db.execute(
        "UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = ?", (job_id,)
    )


async def _set_status(
    db: aiosqlite.Connection,
    job_id: int,
    status: SessionStatus,
    now: float,
    error: ErrorInfo | None = None,
) -> None:
    ended = status in ENDED_STATUSES
    await db.execute(
        "UPDATE processing_sessions SET status = ?, updated_at = ?,"
        " started_at = CASE WHEN ? = 'running' THEN coalesce(started_at, ?) ELSE started_at END,"
        " completed_at = CASE WHEN ? THEN ? ELSE completed_at END,"
        " error_code = ?, error_message = ?"
        " WHERE id = (SELECT session_id FROM jobs WHERE id = ?)",
        (
            status,
            now,
            status,
            now,
            ended,
            now,
            error.code if error else None,
            error.message if error else None,
            job_id,
        ),
    )


async def _add_files(
    db: aiosqlite.Connection, session_id: str, files: Sequence[GeneratedFile], now: float
) -> None:
    await db.executemany(
        "INSERT INTO generated_files (session_id, file_type, platform, file_path, file_url,"
        " file_size, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (session_id, f.file_type, f.platform, f.path and str(f.path), f.url, f.size, now)
            for f in files
        ],
    )


def _user(row: sqlite3.Row) -> User:
    settings = UserSettings(
        default_platforms=tuple(json.loads(row["default_platforms"])),
        timezone=row["timezone"],
        language=row["language"],
        logo_path=row["logo_path"],
        logo_position=row["logo_position"],
        output_format=row["output_format"],
        send_as_files=bool(row["send_as_files"]),
        awaiting_logo=bool(row["awaiting_logo"]),
    )
    return User(row["id"], row["platform"], row["platform_user_id"], settings)


def _error(row: sqlite3.Row) -> ErrorInfo | None:
    code = row["error_code"]
    return ErrorInfo(ErrorCode(code), row["error_message"]) if code else None


def _session(row: sqlite3.Row, created_key: str = "created_at", id_key: str = "id") -> Session:
    return Session(
        id=row[id_key],
        user_id=row["user_id"],
        user_key=f"{row['u_platform']}:{row['platform_user_id']}",
        chat_id=row["chat_id"],
        status=cast(SessionStatus, row["status"]),
        source_path=row["source_path"],
        platforms=tuple(json.loads(row["platforms"])),
        description=row["description"],
        options=json.loads(row["options"]),
        error=_error(row),
        results=json.loads(row["results"]) if row["results"] else None,
        created_at=cast(datetime, _dt(row[created_key])),
        started_at=_dt(row["started_at"]),
        completed_at=_dt(row["completed_at"]),
    )


def _style_choice(row: sqlite3.Row) -> StyleChoice:
    return StyleChoice(
        id=row["id"],
        platform=row["platform"],
        platform_user_id=row["platform_user_id"],
        chat_id=row["chat_id"],
        message_id=row["message_id"],
        source_path=Path(row["source_path"]),
        source_name=row["source_name"],
        platforms=tuple(json.loads(row["platforms"])),
        description=row["description"],
        chosen=tuple(json.loads(row["chosen"])),
        colour=row["colour"],
        open=row["status"] == "open",
        created_at=row["created_at"],
    )


def _job(row: sqlite3.Row) -> Job:
    return Job(
        id=row["id"],
        session=_session(row, created_key="s_created_at", id_key="s_id"),
        attempts=row["attempts"],
        max_attempts=row["max_attempts"],
        not_before=cast(datetime, _dt(row["not_before"])),
        lease_owner=row["lease_owner"],
        lease_expires_at=_dt(row["lease_expires_at"]),
        heartbeat_at=_dt(row["heartbeat_at"]),
        cancel_requested=bool(row["cancel_requested"]),
        created_at=cast(datetime, _dt(row["created_at"])),
    )
