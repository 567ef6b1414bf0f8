"""The queue's front: what a chat or the command line calls to submit, cancel and look at
jobs. A submitted photo is written under the data directory and its job committed before
`submit` returns, so a caller never reports "queued" for a job a crash could lose."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from postready.core.config.settings import Settings
from postready.core.errors import JobNotFound
from postready.core.i18n import N_
from postready.core.queue.codec import stored_options
from postready.core.queue.positions import QueuePositions
from postready.core.queue.uploads import (
    discard_uploads,
    read_header,
    save_upload,
    upload_name,
    upload_size,
)
from postready.core.queue.worker import LOAD_LIMITS
from postready.core.quotas import job_usage_gate
from postready.core.storage.database import Statements
from postready.core.storage.models import Job, NewJob, QueueLimits, User
from postready.core.storage.repositories import BrandRepository, JobRepository, UsageRepository
from postready.pipeline.carousel import about_photo, check_set_size
from postready.pipeline.content import ContentEngine
from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.loading import check_byte_size, require_format
from postready.pipeline.models import CarouselPhoto, LogoRequest, OptimizeRequest, ProgressEvent
from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.providers.base import UsageGate

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Submitted:
    job: Job
    position: int  # in the queue: 1 is next; 0 when a worker already took it


@dataclass(frozen=True, slots=True)
class JobStatus:
    job: Job
    position: int | None  # None unless queued
    progress: ProgressEvent | None  # the latest stored


class LocalWorkers(Protocol):
    """The worker pool of this process, when it has one."""

    @property
    def executor(self) -> Executor | None:
        """The bounded thread pool its jobs' CPU work runs in (None while stopped)."""
        ...

    def wake(self) -> None: ...

    def cancel_running(self, job_id: int) -> bool: ...


class JobDispatch(Protocol):
    """Hands committed jobs to workers that may run in other processes on other machines
    (procrastinate, on PostgreSQL); without one, workers find jobs in the table themselves."""

    async def defer(self, sql: Statements, job: Job) -> None:
        """Queue `job` for a worker, in the transaction `sql` that commits the job."""
        ...

    async def abort(self, job_id: int) -> None:
        """Withdraw the job, or stop its worker if one runs it."""
        ...


class JobQueue:
    """Submit, cancel and inspect jobs. `workers`: this process's pool, woken by a new job
    and stopping a cancelled one at once (another process's stops at its next heartbeat);
    `content`: the text providers its jobs use (local when None); `usage`: where paid calls
    count against daily quotas (None: no daily quotas); `brands`: the users' brand kits, one
    applied to each job its user submits without a kit of its own."""

    def __init__(
        self,
        jobs: JobRepository,
        settings: Settings,
        *,
        positions: QueuePositions | None = None,
        workers: LocalWorkers | None = None,
        content: ContentEngine | None = None,
        usage: UsageRepository | None = None,
        dispatch: JobDispatch | None = None,
        brands: BrandRepository | None = None,
    ) -> None:
        self._jobs = jobs
        self._brands = brands
        self._dispatch = dispatch
        self._settings = settings
        self._usage = usage
        # The text providers and their cache the workers write posts with; a chat rewrites
        # a finished post with the same (`chat.rework`).
        self.content = content or ContentEngine()
        # Photos prepared for the queue at once (downloaded, looked at): no more than workers.
        self.prepare_limit = settings.queue.workers
        self._uploads = settings.storage.uploads_dir
        self._positions = positions
        self._workers = workers
        self._limits = QueueLimits(
            in_flight=settings.limits.max_jobs_in_flight,
            per_hour=settings.limits.max_jobs_per_hour,
            queued=settings.limits.queue_limit,
            max_attempts=settings.queue.max_attempts,
            per_day=settings.limits.jobs_per_day,
        )

    def usage_gate(self, job: Job) -> UsageGate | None:
        """The daily quotas of paid calls that work on `job` counts against (its user's)."""
        return job_usage_gate(self._usage, job, self._settings)

    async def run_cpu(self, work: Callable[..., T], *args: Any) -> T:
        """Run CPU work on a photo before it is queued (product detection) in the workers'
        bounded thread pool, never in asyncio's unbounded default one when workers run here."""
        executor = self._workers.executor if self._workers is not None else None
        return await asyncio.get_running_loop().run_in_executor(executor, work, *args)

    async def admit(self, user: User, *, album_index: int = 0, unlimited: bool = False) -> None:
        """Raise QueueLimitExceeded or QuotaExceeded when a photo of `user`'s would be refused
        now (`submit` checks again, in the same transaction as the insert)."""
        await self._jobs.check_limits(user, self._limits_for(user, album_index, unlimited))

    async def for_request(self, request_key: str) -> Job | None:
        """The job `submit` made under `request_key`, if it has made one."""
        return await self._jobs.for_request(request_key)

    async def waiting(self) -> int:
        """How many jobs wait in the queue."""
        return await self._jobs.queued_count()

    async def submit(
        self,
        user: User,
        request: OptimizeRequest,
        *,
        album_index: int = 0,
        request_key: str | None = None,
        unlimited: bool = False,
        session_id: str | None = None,
        status_message: str | None = None,
    ) -> Submitted:
        """Save the photo (every photo of a carousel) and commit its job; raise PostReadyError
        when it cannot be queued.

        `album_index`: the photo's place in an album sent with one command and queued photo by
        photo. An album counts as one request against the in-flight limit (the hourly and queue
        limits still apply to every photo), so all its photos are processed; a carousel is one
        job and counts once. `request_key`: names the request, so that submitting it again
        (after a crash) returns its job instead of a second one. `unlimited`: no daily quota
        (an admin's). `session_id`: the new session's, when the caller has to know it before
        the job can run (a new UUID by default). `status_message`: the chat message already
        showing the photo's status, recorded with the job (`JobStore.enqueue`)."""
        _check_platforms(request.platforms)
        if request.brand is None and self._brands is not None:
            kit = await self._brands.get(user.id)  # kept with the job: the kit as it is now
            request = dataclasses.replace(request, brand=None if kit.empty else kit)
        session_id = session_id or str(uuid.uuid4())
        uploads = self._uploads
        name = request.source_name or (
            str(request.source) if not isinstance(request.source, bytes) else ""
        )
        source = uploads / upload_name(session_id, name)
        copies = [(request.source, source)]
        for number, photo in enumerate(request.more_photos, 2):
            copies.append(
                (photo.source, uploads / upload_name(f"{session_id}-{number}", photo.name))
            )
        more_photos = tuple(
            CarouselPhoto(path, photo.name)
            for photo, (_, path) in zip(request.more_photos, copies[1:], strict=True)
        )
        photos = len(copies)
        logo = request.logo
        if logo is not None and isinstance(logo.source, bytes):
            copies.append((logo.source, uploads / f"{session_id}-logo"))
            logo = LogoRequest(copies[-1][1], logo.options)
        loop = asyncio.get_running_loop()
        # Refuse an oversized upload (or set) before copying it, not after a wait in the queue.
        names = [name, *(photo.name for photo in request.more_photos)]
        photo_sizes = [
            await loop.run_in_executor(None, upload_size, data) for data, _ in copies[:photos]
        ]
        for number, size in enumerate(photo_sizes, 1):
            with _naming(number, names[number - 1], photos):
                check_byte_size(size, LOAD_LIMITS)
        check_set_size(photo_sizes, LOAD_LIMITS)
        try:
            sizes = [
                await loop.run_in_executor(None, save_upload, data, path) for data, path in copies
            ]
            # Refuse what is not an image now, not after a wait in the queue.
            for number, (_, path) in enumerate(copies[:photos], 1):
                with _naming(number, names[number - 1], photos):
                    require_format(await loop.run_in_executor(None, read_header, path))
            saved = dataclasses.replace(request, more_photos=more_photos)
            job = await self._jobs.enqueue(
                user,
                NewJob(
                    session_id=session_id,
                    source_path=source,
                    source_size=sizes[0],
                    platforms=tuple(dict.fromkeys(request.platforms)),
                    description=request.description,
                    options=stored_options(saved, logo),
                    chat_id=request.chat_id,
                    request_key=request_key,
                    uploads=tuple(path for _, path in copies),
                    status_message=status_message,
                ),
                self._limits_for(user, album_index, unlimited),
                also=self._dispatch.defer if self._dispatch is not None else None,
            )
        except BaseException:
            _remove(copies)
            raise
        if job.session.id != session_id:  # submitted before: these copies are not needed
            _remove(copies)
            return Submitted(job, await self._jobs.queue_position(job.id) or 0)
        log.info("job_queued job=%s session=%s user=%s", job.id, session_id, user.ref)
        if self._workers is not None:
            self._workers.wake()
        position = await self._jobs.queue_position(job.id)
        if position:
            await self._jobs.show_position(job.id, position)  # the caller tells the chat
        return Submitted(job, position or 0)

    def _limits_for(self, user: User, album_index: int, unlimited: bool) -> QueueLimits:
        return dataclasses.replace(
            self._limits,
            in_flight=self._limits.in_flight + album_index,
            per_day=None if unlimited else self._limits.per_day,
            timezone=user.settings.timezone,
        )

    async def cancel(self, user: User, job_id: int | None = None) -> Job:
        """Cancel the user's job (their newest in-progress one by default).

        A queued job is cancelled at once; a running one is stopped by its worker, at once in
        this process or at its next heartbeat in another. Raises JobNotFound.
        """
        job_id = job_id if job_id is not None else (await self._active(user)).id
        job = await self._jobs.request_cancel(job_id, user.id)
        running_here = self._workers is not None and self._workers.cancel_running(job.id)
        if self._dispatch is not None:
            await self._dispatch.abort(job.id)
        if job.status == "cancelled":
            await asyncio.to_thread(discard_uploads, self._uploads, job.session.id)
            await self._jobs.drop_uploads(job.session.id)
        if not running_here and self._positions is not None:
            self._positions.moved()  # it left the queue: those behind it moved up
        log.info("job_cancel_requested job=%s session=%s", job.id, job.session.id)
        return job

    async def status(self, user: User, job_id: int | None = None) -> JobStatus:
        """A job of the user's (their newest in-progress one by default). Raises JobNotFound."""
        if job_id is None:
            job = await self._active(user)
        else:
            found = await self._jobs.get(job_id)
            if found is None or found.session.user_id != user.id:
                raise JobNotFound(job_id)
            job = found
        position = await self._jobs.queue_position(job.id)
        return JobStatus(job, position, await self._jobs.latest_progress(job.id))

    async def _active(self, user: User) -> Job:
        job = await self._jobs.latest_active(user.id)
        if job is None:
            raise JobNotFound(None)
        return job


@contextmanager
def _naming(number: int, name: str, photos: int) -> Iterator[None]:
    """A refusal of one photo of a carousel (`photos` > 1) names it."""
    try:
        yield
    except PostReadyError as exc:
        if photos == 1:
            raise
        raise about_photo(number, name, exc) from exc


def _remove(copies: list[tuple[bytes | Path, Path]]) -> None:
    for _, path in copies:
        path.unlink(missing_ok=True)


def _check_platforms(platforms: tuple[str, ...]) -> None:
    if not platforms:
        raise PostReadyError(ErrorCode.UNKNOWN_PLATFORM, N_("no platform was chosen"))
    unknown = [key for key in platforms if key not in PLATFORMS]
    if unknown:
        raise PostReadyError(
            ErrorCode.UNKNOWN_PLATFORM, N_("unknown platform '{name}'"), name=unknown[0]
        )
