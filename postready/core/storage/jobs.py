"""Sessions and their jobs: the durable queue (enqueue under limits, claim under a
lease, heartbeats, recovery of dead workers' jobs), progress, results and generated files."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Literal

from postready.core.errors import AppErrorCode, JobNotFound, QueueLimitExceeded
from postready.core.i18n import N_
from postready.core.quotas import day_start, quota_exceeded
from postready.core.storage import rows
from postready.core.storage.database import (
    Database,
    InTransaction,
    Params,
    Statements,
    engine_queries,
)
from postready.core.storage.models import (
    ACTIVE_STATUSES,
    GeneratedFile,
    Heartbeat,
    Job,
    Lease,
    NewJob,
    QueueLimits,
    Session,
    SessionStatus,
    User,
)
from postready.pipeline.marking import Plural, photo_count
from postready.pipeline.models import ErrorInfo, OptimizeResult, ProgressEvent

log = logging.getLogger(__name__)
_HOUR = 3600.0


class JobStore:
    """A `JobRepository`."""

    def __init__(self, db: Database, *, shares_uploads: bool = False) -> None:
        """`shares_uploads`: keep each job's uploaded files in the database too, for workers
        that do not share this process's disk."""
        self._db = db
        self._sql = engine_queries(db.engine, "jobs.sql")
        self._chat_sql = engine_queries(db.engine, "chat_state.sql")
        self._locks = engine_queries(db.engine, "locks.sql")
        self._shares_uploads = shares_uploads

    # The queue

    async def enqueue(
        self,
        user: User,
        job: NewJob,
        limits: QueueLimits,
        also: InTransaction | None = None,
    ) -> Job:
        kept = [
            (path.name, await asyncio.to_thread(path.read_bytes))
            for path in (job.uploads if self._shares_uploads else ())
        ]
        now = self._db.clock()
        async with self._db.transaction() as sql:
            await sql.one(self._locks.lock_user, {"user_id": user.id})
            if job.request_key is not None:
                found = await sql.one(self._sql.job_for_request, {"request_key": job.request_key})
                if found is not None:
                    await self._show_status_in(sql, found["id"], job)
                    return await self._job(sql, found["id"])
            await self._check_limits(sql, user, limits, now)
            await sql.run(
                self._sql.insert_session,
                {
                    "session_id": job.session_id,
                    "user_id": user.id,
                    "chat_id": job.chat_id,
                    "source_path": str(job.source_path),
                    "platforms": rows.json_list(job.platforms),
                    "description": job.description,
                    "options": json.dumps(job.options),
                    "request_key": job.request_key,
                    "now": now,
                },
            )
            source = GeneratedFile("source", job.source_path, job.source_size)
            await self._add_files(sql, job.session_id, [source], now)
            job_id = await sql.insert(
                self._sql.insert_job,
                {"session_id": job.session_id, "max_attempts": limits.max_attempts, "now": now},
            )
            await sql.run_many(
                self._sql.keep_upload,
                ({"session_id": job.session_id, "name": n, "data": d} for n, d in kept),
            )
            await self._show_status_in(sql, job_id, job)
            queued = await self._job(sql, job_id)
            if also is not None:
                await also(sql, queued)
            return queued

    async def _show_status_in(self, sql: Statements, job_id: int, job: NewJob) -> None:
        if job.status_message is not None and job.chat_id is not None:
            await sql.run(
                self._chat_sql.set_job_message,
                {"job_id": job_id, "chat_id": job.chat_id, "message_id": job.status_message},
            )

    async def check_limits(self, user: User, limits: QueueLimits) -> None:
        async with self._db.statements() as sql:
            await self._check_limits(sql, user, limits, self._db.clock())

    async def queued_count(self) -> int:
        async with self._db.statements() as sql:
            row = await sql.one(self._sql.queued_count)
        return int(row["count"]) if row else 0

    async def claim(
        self,
        owner: str,
        lease_seconds: float,
        platforms: Collection[str] | None = None,
        job_id: int | None = None,
    ) -> Job | None:
        now = self._db.clock()
        serves = None if platforms is None else rows.json_list(platforms)
        async with self._db.transaction() as sql:
            row = await sql.one(
                self._sql.next_claimable, {"now": now, "platforms": serves, "job_id": job_id}
            )
            if row is None:
                return None
            job_id = int(row["id"])
            await sql.run(
                self._sql.take_lease,
                {
                    "owner": owner,
                    "token": uuid.uuid4().hex,
                    "expires_at": now + lease_seconds,
                    "now": now,
                    "job_id": job_id,
                },
            )
            await self._set_status(sql, job_id, "running", now)
            return await self._job(sql, job_id)

    async def heartbeat(self, lease: Lease, lease_seconds: float) -> Heartbeat:
        now = self._db.clock()
        params = {**_lease_params(lease), "expires_at": now + lease_seconds, "now": now}
        async with self._db.statements() as sql:
            found = await sql.all(self._sql.renew_lease, params)
        return Heartbeat(
            held=bool(found), cancel_requested=bool(found and found[0]["cancel_requested"])
        )

    async def complete(
        self, lease: Lease, result: OptimizeResult, files: Sequence[GeneratedFile]
    ) -> bool:
        now = self._db.clock()
        results = result.to_json()
        async with self._db.transaction() as sql:
            if not await self._holds(sql, lease):
                return False
            await sql.run(
                self._sql.save_results,
                {
                    "results": json.dumps(results, ensure_ascii=False),
                    "cost_usd": result.cost.usd if result.cost else None,
                    "now": now,
                    "session_id": result.session_id,
                },
            )
            await sql.run_many(
                self._sql.insert_platform_result,
                [
                    {
                        "session_id": result.session_id,
                        "platform": key,
                        "status": item.status,
                        "processed_image_path": str(item.image.path) if item.image else None,
                        "processing_time": item.processing_time,
                        "product_photography_used": results["platforms"][key][
                            "product_photography_used"
                        ],
                        "error_code": item.error.code if item.error else None,
                        "error_message": item.error.message if item.error else None,
                        "details": json.dumps(results["platforms"][key], ensure_ascii=False),
                        "now": now,
                    }
                    for key, item in result.platforms.items()
                ],
            )
            await self._add_files(sql, result.session_id, files, now)
            await sql.run(self._sql.end_lease, {"job_id": lease.job_id})
        return True

    async def save_results(self, result: OptimizeResult, description: str | None = None) -> None:
        results = result.to_json()
        async with self._db.transaction() as sql:
            await sql.run(
                self._sql.resave_results,
                {
                    "results": json.dumps(results, ensure_ascii=False),
                    "description": description,
                    "cost_usd": result.cost.usd if result.cost else None,
                    "now": self._db.clock(),
                    "session_id": result.session_id,
                },
            )
            await sql.run_many(
                self._sql.resave_platform_result,
                [
                    {
                        "session_id": result.session_id,
                        "platform": key,
                        "details": json.dumps(item, ensure_ascii=False),
                    }
                    for key, item in results["platforms"].items()
                ],
            )

    async def finish(
        self, lease: Lease, status: Literal["failed", "cancelled"], error: ErrorInfo
    ) -> bool:
        now = self._db.clock()
        async with self._db.transaction() as sql:
            if not await self._holds(sql, lease):
                return False
            await self._set_status(sql, lease.job_id, status, now, error)
            await sql.run(self._sql.end_lease, {"job_id": lease.job_id})
        return True

    async def release(self, lease: Lease) -> bool:
        now = self._db.clock()
        async with self._db.transaction() as sql:
            if not await self._holds(sql, lease):
                return False
            await sql.run(self._sql.give_back_attempt, {"now": now, "job_id": lease.job_id})
            await self._set_status(sql, lease.job_id, "queued", now)
            await sql.run(self._sql.end_lease, {"job_id": lease.job_id})
        return True

    async def recover_expired(self, retry_delay: float, alive: Collection[int] = ()) -> list[Job]:
        """Re-queue running jobs whose lease ran out (their worker died), after a back-off that
        doubles with each attempt; fail those out of attempts."""
        params = {"now": self._db.clock(), "alive": rows.json_list(alive)}
        return await self._take_back(
            self._sql.expired_leases, params, retry_delay, "job_lease_expired"
        )

    async def recover_abandoned(self, owners: Collection[str], retry_delay: float) -> list[Job]:
        """As `recover_expired`, for the running jobs of dead instances, however long their
        leases still run."""
        if not owners:
            return []
        params = {"owners": rows.json_list(owners)}
        return await self._take_back(
            self._sql.abandoned_leases, params, retry_delay, "job_abandoned"
        )

    async def _take_back(
        self, query: str, params: Params, retry_delay: float, event: str
    ) -> list[Job]:
        """Re-queue (or fail, out of attempts) the running jobs `query` selects; the jobs
        changed, each logged as `event` with the instance that held it."""
        now = self._db.clock()
        async with self._db.transaction() as sql:
            taken = await sql.all(query, params)
            for row in taken:
                job_id, attempts = row["id"], row["attempts"]
                await sql.run(self._sql.end_lease, {"job_id": job_id})
                if attempts >= row["max_attempts"]:
                    error = ErrorInfo.marked(
                        AppErrorCode.JOB_INTERRUPTED,
                        N_(
                            "processing stopped {attempts} without finishing; "
                            "please send the photo again"
                        ),
                        # Translators: how many times processing stopped, in the line above.
                        attempts=Plural("{count} time", "{count} times", attempts),
                    )
                    await self._set_status(sql, job_id, "failed", now, error)
                else:
                    not_before = now + retry_delay * 2 ** (attempts - 1)
                    await sql.run(self._sql.delay, {"not_before": not_before, "job_id": job_id})
                    await self._set_status(sql, job_id, "queued", now)
            ids = rows.json_list(row["id"] for row in taken)
            changed = [rows.job(row) for row in await sql.all(self._sql.jobs, {"ids": ids})]
        owners = {row["id"]: row["lease_owner"] for row in taken}
        for job in changed:
            log.warning(
                "%s job=%s session=%s instance=%s status=%s attempts=%s",
                event,
                job.id,
                job.session.id,
                owners[job.id],
                job.status,
                job.attempts,
            )
        return changed

    async def request_cancel(self, job_id: int, user_id: int | None = None) -> Job:
        now = self._db.clock()
        async with self._db.transaction() as sql:
            job = await self._job_of(sql, job_id, user_id)
            if job.status not in ACTIVE_STATUSES:
                raise JobNotFound(job_id, ended=True)
            if job.status == "queued":
                error = ErrorInfo.marked(AppErrorCode.CANCELLED, N_("cancelled before it started"))
                await self._set_status(sql, job_id, "cancelled", now, error)
                # Whoever cancels it tells the user; no worker ever sees it.
                await sql.run(self._sql.mark_delivered, {"now": now, "job_id": job_id})
            else:
                await sql.run(self._sql.flag_cancel, {"job_id": job_id})
            return await self._job(sql, job_id)

    async def kept_uploads(self, session_id: str) -> list[tuple[str, bytes]]:
        async with self._db.statements() as sql:
            found = await sql.all(self._sql.kept_uploads, {"session_id": session_id})
        return [(row["name"], bytes(row["data"])) for row in found]

    async def drop_uploads(self, session_id: str) -> None:
        async with self._db.statements() as sql:
            await sql.run(self._sql.drop_uploads, {"session_id": session_id})

    async def take_delivery(self, job_id: int, owner: str, seconds: float) -> bool:
        now = self._db.clock()
        params = {"job_id": job_id, "owner": owner, "until": now + seconds, "now": now}
        async with self._db.statements() as sql:
            return await sql.run(self._sql.take_delivery, params) == 1

    async def release_delivery(self, job_id: int, owner: str) -> None:
        async with self._db.statements() as sql:
            await sql.run(self._sql.release_delivery, {"job_id": job_id, "owner": owner})

    async def mark_delivered(self, job_id: int) -> None:
        async with self._db.statements() as sql:
            await sql.run(self._sql.mark_delivered, {"now": self._db.clock(), "job_id": job_id})

    # Progress

    async def add_progress(self, job_id: int, event: ProgressEvent) -> None:
        async with self._db.statements() as sql:
            await sql.run(
                self._sql.add_progress,
                {
                    "job_id": job_id,
                    "stage": event.stage,
                    "done": event.done,
                    "total": event.total,
                    "message": event.text,
                    "now": self._db.clock(),
                },
            )

    async def latest_progress(self, job_id: int) -> ProgressEvent | None:
        async with self._db.statements() as sql:
            row = await sql.one(self._sql.latest_progress, {"job_id": job_id})
        if row is None:
            return None
        return ProgressEvent(row["stage"], row["done"], row["total"], row["message"])

    # Reading

    async def undelivered(self, platforms: Collection[str], max_age: float) -> list[Job]:
        params = {"since": self._db.clock() - max_age, "platforms": rows.json_list(platforms)}
        return await self._jobs(self._sql.undelivered, params)

    async def get(self, job_id: int) -> Job | None:
        found = await self._jobs(self._sql.job, {"job_id": job_id})
        return found[0] if found else None

    async def for_request(self, request_key: str) -> Job | None:
        async with self._db.statements() as sql:
            found = await sql.one(self._sql.job_for_request, {"request_key": request_key})
            return await self._job(sql, found["id"]) if found is not None else None

    async def latest_active(self, user_id: int) -> Job | None:
        found = await self._jobs(self._sql.latest_active, {"user_id": user_id})
        return found[0] if found else None

    async def queue_position(self, job_id: int) -> int | None:
        async with self._db.statements() as sql:
            row = await sql.one(self._sql.queue_position, {"job_id": job_id})
        return (row["position"] or None) if row else None

    async def show_position(self, job_id: int, position: int) -> bool:
        params = {"job_id": job_id, "position": position}
        async with self._db.statements() as sql:
            return await sql.run(self._sql.show_position, params) == 1

    async def queued(self, limit: int) -> list[Job]:
        return await self._jobs(self._sql.queued, {"limit": limit})

    async def recent(self, limit: int = 20, user_id: int | None = None) -> list[Job]:
        return await self._jobs(self._sql.recent, {"limit": limit, "user_id": user_id})

    async def get_session(self, session_id: str) -> Session | None:
        async with self._db.statements() as sql:
            row = await sql.one(self._sql.session, {"session_id": session_id})
        return rows.session(row) if row else None

    async def session_files(self, session_id: str) -> list[GeneratedFile]:
        async with self._db.statements() as sql:
            found = await sql.all(self._sql.session_files, {"session_id": session_id})
        return [
            GeneratedFile(
                row["file_type"],
                Path(row["file_path"]) if row["file_path"] else None,
                row["file_size"],
                row["platform"],
                row["file_url"],
            )
            for row in found
        ]

    async def _jobs(self, query: str, params: Params) -> list[Job]:
        async with self._db.statements() as sql:
            return [rows.job(row) for row in await sql.all(query, params)]

    async def expired_sessions(self, before: float) -> list[str]:
        async with self._db.statements() as sql:
            found = await sql.all(self._sql.expired_sessions, {"before": before})
        return [row["id"] for row in found]

    async def forget_files(self, session_ids: Sequence[str]) -> None:
        async with self._db.statements() as sql:
            await sql.run(self._sql.forget_files, {"session_ids": rows.json_list(session_ids)})

    async def prune_sessions(self, before: float) -> int:
        async with self._db.statements() as sql:
            return await sql.run(self._sql.prune_sessions, {"before": before})

    async def status_counts(self, since: float | None = None) -> dict[str, int]:
        query, params = (
            (self._sql.status_counts, {})
            if since is None
            else (self._sql.statuses_since, {"since": since})
        )
        async with self._db.statements() as sql:
            found = await sql.all(query, params)
        return {row["status"]: row["count"] for row in found}

    async def failure_counts(self, since: float) -> dict[str, int]:
        async with self._db.statements() as sql:
            found = await sql.all(self._sql.failures_since, {"since": since})
        return {row["error_code"]: row["count"] for row in found}

    async def user_sessions(self, user_id: int) -> list[str]:
        async with self._db.statements() as sql:
            found = await sql.all(self._sql.user_sessions, {"user_id": user_id})
        return [row["id"] for row in found]

    async def _check_limits(
        self, sql: Statements, user: User, limits: QueueLimits, now: float
    ) -> None:
        today = day_start(now, limits.timezone)
        params = {"since": now - _HOUR, "day_start": today.timestamp(), "user_id": user.id}
        counts = await sql.one(self._sql.user_job_counts, params)
        assert counts is not None  # an aggregate always has a row
        if limits.per_day is not None and counts["today"] >= limits.per_day:
            raise quota_exceeded(photo_count(limits.per_day), now, limits.timezone)
        if counts["in_flight"] >= limits.in_flight:
            raise QueueLimitExceeded("in_flight", counts["in_flight"])
        if counts["last_hour"] >= limits.per_hour:
            raise QueueLimitExceeded("per_hour", counts["last_hour"])
        queued = await sql.one(self._sql.queued_count)
        if queued is not None and queued["count"] >= limits.queued:
            raise QueueLimitExceeded("queued", queued["count"])

    async def _job(self, sql: Statements, job_id: int) -> Job:
        row = await sql.one(self._sql.job, {"job_id": job_id})
        if row is None:
            raise JobNotFound(job_id)
        return rows.job(row)

    async def _job_of(self, sql: Statements, job_id: int, user_id: int | None) -> Job:
        """The job, if it is `user_id`'s (any user's when None); JobNotFound otherwise."""
        job = await self._job(sql, job_id)
        if user_id is not None and job.session.user_id != user_id:
            raise JobNotFound(job_id)
        return job

    async def _holds(self, sql: Statements, lease: Lease) -> bool:
        return await sql.one(self._sql.holds_lease, _lease_params(lease)) is not None

    async def _set_status(
        self,
        sql: Statements,
        job_id: int,
        status: SessionStatus,
        now: float,
        error: ErrorInfo | None = None,
    ) -> None:
        await sql.run(
            self._sql.set_status,
            {
                "status": status,
                "now": now,
                "error_code": error.code if error else None,
                "error_message": error.message if error else None,
                "error_fields": _wording_json(error),
                "job_id": job_id,
            },
        )

    async def _add_files(
        self, sql: Statements, session_id: str, files: Sequence[GeneratedFile], now: float
    ) -> None:
        await sql.run_many(
            self._sql.insert_file,
            [
                {
                    "session_id": session_id,
                    "file_type": f.file_type,
                    "platform": f.platform,
                    "file_path": str(f.path) if f.path else None,
                    "file_url": f.url,
                    "file_size": f.size,
                    "now": now,
                }
                for f in files
            ],
        )


def _lease_params(lease: Lease) -> Params:
    return {"job_id": lease.job_id, "owner": lease.owner, "token": lease.token}


def _wording_json(error: ErrorInfo | None) -> str | None:
    """The error's template and fields for the error_fields column (None: none kept)."""
    wording = error.wording_json() if error else None
    return json.dumps(wording, ensure_ascii=False) if wording else None
