"""The storage's interface: one repository per family of tables. The stores beside this
module implement it once, over either engine's `Database` (SQLite or PostgreSQL)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, Literal, Protocol

from postready.core.identity import UserRef
from postready.core.storage.database import InTransaction
from postready.core.storage.models import (
    ApiJob,
    ApiKey,
    GeneratedFile,
    Heartbeat,
    InboxEntry,
    InboxKind,
    Instance,
    Job,
    Lease,
    NewJob,
    NewStyleChoice,
    QueueLimits,
    ReplyOutcome,
    Session,
    StyleChoice,
    User,
    UserSettings,
)
from postready.pipeline.brand import BrandKit
from postready.pipeline.models import ErrorInfo, OptimizeResult, ProgressEvent
from postready.pipeline.providers.base import UsageKind


class UserRepository(Protocol):
    """Users and their settings."""

    async def get_or_create(self, ref: UserRef, language: str = "en") -> User:
        """The user, created with `language` (their chat app's) if new."""
        ...

    async def find(self, ref: UserRef) -> User | None:
        """The user, None for one never seen (nothing is stored)."""
        ...

    async def block(self, ref: UserRef, by: str) -> bool:
        """Stop `ref` from using PostReady; whether they were not blocked before."""
        ...

    async def unblock(self, ref: UserRef) -> bool:
        """Whether `ref` was blocked."""
        ...

    async def is_blocked(self, ref: UserRef) -> bool: ...

    async def forget(self, ref: UserRef) -> None:
        """Delete everything kept about the user: settings, sessions and jobs, waiting choices
        and commands, inbox entries (a block stays)."""
        ...

    async def save_settings(self, user_id: int, settings: UserSettings) -> User:
        """LookupError for a user that does not exist."""
        ...


class BrandRepository(Protocol):
    """Each user's brand kit (removed with the user)."""

    async def get(self, user_id: int) -> BrandKit:
        """The user's kit; the empty kit when they have none."""
        ...

    async def save(self, user_id: int, kit: BrandKit) -> BrandKit: ...

    async def reset(self, user_id: int) -> None: ...

    async def await_field(self, user_id: int, field: str) -> None:
        """The user's next message sets `field` of their kit (a chat asked for it)."""
        ...

    async def awaits_words(self, ref: UserRef, max_age: float) -> bool:
        """Whether a chat asked the user, at most `max_age` seconds ago, for words that set a
        field of their kit (read only: the message that answers takes it)."""
        ...

    async def take_awaiting(self, user_id: int, max_age: float) -> str | None:
        """The field the user's message sets, asked for at most `max_age` seconds ago; no
        longer waited for once taken."""
        ...


class JobRepository(Protocol):
    """Sessions, their jobs in the queue, progress, results and generated files."""

    async def enqueue(
        self,
        user: User,
        job: NewJob,
        limits: QueueLimits,
        also: InTransaction | None = None,
    ) -> Job:
        """Commit a queued session and its job, or raise QueueLimitExceeded; the limits are
        checked in the same transaction as the insert, and `also` runs in it with the new job.
        A job with the same `request_key` exists already: that job, unchanged."""
        ...

    async def check_limits(self, user: User, limits: QueueLimits) -> None:
        """Raise QueueLimitExceeded when `enqueue` would, as things stand."""
        ...

    async def queued_count(self) -> int:
        """How many jobs wait in the queue, of every user."""
        ...

    async def claim(
        self,
        owner: str,
        lease_seconds: float,
        platforms: Collection[str] | None = None,
        job_id: int | None = None,
    ) -> Job | None:
        """The oldest queued job that may run now (or the job `job_id`, if it may), leased to
        the instance `owner` under a new token (`Job.lease`); only jobs of users on `platforms`
        (None: any)."""
        ...

    async def heartbeat(self, lease: Lease, lease_seconds: float) -> Heartbeat: ...

    async def add_progress(self, job_id: int, event: ProgressEvent) -> None: ...

    async def latest_progress(self, job_id: int) -> ProgressEvent | None: ...

    async def complete(
        self, lease: Lease, result: OptimizeResult, files: Sequence[GeneratedFile]
    ) -> bool:
        """Record a finished job's results, if `lease` still holds it."""
        ...

    async def save_results(self, result: OptimizeResult, description: str | None = None) -> None:
        """A finished session's results changed after the job (its posts reworked): stored
        again, per platform too; `description`: the new words its posts were written for."""
        ...

    async def finish(
        self, lease: Lease, status: Literal["failed", "cancelled"], error: ErrorInfo
    ) -> bool:
        """End a running job as failed or cancelled, if `lease` still holds it."""
        ...

    async def release(self, lease: Lease) -> bool:
        """Put a running job back in the queue without counting the attempt."""
        ...

    async def recover_expired(self, retry_delay: float, alive: Collection[int] = ()) -> list[Job]:
        """Re-queue (or fail, out of attempts) running jobs whose lease ran out, except the
        `alive` ones; the jobs changed."""
        ...

    async def recover_abandoned(self, owners: Collection[str], retry_delay: float) -> list[Job]:
        """Re-queue (or fail, out of attempts) running jobs leased to the instances `owners`,
        which are dead, without waiting for their leases to run out; the jobs changed."""
        ...

    async def request_cancel(self, job_id: int, user_id: int | None = None) -> Job:
        """Cancel a queued job, or flag a running one; JobNotFound otherwise."""
        ...

    async def take_delivery(self, job_id: int, owner: str, seconds: float) -> bool:
        """Whether the ended job's end is `owner`'s to deliver (for `seconds`, or until it is
        marked delivered): False when it was delivered, or another process delivers it now."""
        ...

    async def release_delivery(self, job_id: int, owner: str) -> None:
        """Give up `owner`'s hold on the job's delivery (it failed), so it may be retried at
        once, here or elsewhere."""
        ...

    async def mark_delivered(self, job_id: int) -> None: ...

    async def kept_uploads(self, session_id: str) -> list[tuple[str, bytes]]:
        """The session's uploaded files kept in the database, as (file name, bytes)."""
        ...

    async def drop_uploads(self, session_id: str) -> None:
        """Forget the session's kept uploads (its job has ended)."""
        ...

    async def undelivered(self, platforms: Collection[str], max_age: float) -> list[Job]:
        """Jobs of users on `platforms` that ended in the last `max_age` seconds without
        their end reaching the chat, oldest first."""
        ...

    async def get(self, job_id: int) -> Job | None: ...

    async def for_request(self, request_key: str) -> Job | None:
        """The job submitted under `request_key`, if there is one."""
        ...

    async def latest_active(self, user_id: int) -> Job | None: ...

    async def queue_position(self, job_id: int) -> int | None:
        """1 for the next job to start; None when the job is not queued."""
        ...

    async def queued(self, limit: int) -> list[Job]:
        """The first `limit` queued jobs, next to start first."""
        ...

    async def show_position(self, job_id: int, position: int) -> bool:
        """Whether the queued job's chat is to be told it is at `position` now: True once, to
        one process, for each new place (False when it was told that place already)."""
        ...

    async def recent(self, limit: int = 20, user_id: int | None = None) -> list[Job]: ...

    async def get_session(self, session_id: str) -> Session | None: ...

    async def session_files(self, session_id: str) -> list[GeneratedFile]: ...

    async def expired_sessions(self, before: float) -> list[str]:
        """Sessions that ended before `before` (Unix seconds) and still have files recorded."""
        ...

    async def forget_files(self, session_ids: Sequence[str]) -> None:
        """The sessions' files are gone: forget them."""
        ...

    async def prune_sessions(self, before: float) -> int:
        """Delete sessions (and their jobs) that ended before `before`; how many."""
        ...

    async def user_sessions(self, user_id: int) -> list[str]: ...

    async def status_counts(self, since: float | None = None) -> dict[str, int]:
        """How many sessions are in each status, of every user (created since `since`)."""
        ...

    async def failure_counts(self, since: float) -> dict[str, int]:
        """Failed sessions created since `since`, by error code, the most frequent first."""
        ...


class InboxRepository(Protocol):
    """Chat updates kept from the moment they arrive until their effects are stored."""

    async def receive(
        self, platform: str, update_key: str, kind: InboxKind, payload: dict[str, Any]
    ) -> InboxEntry | None:
        """Keep the update; None when this update was received before (a redelivery)."""
        ...

    async def acknowledge(self, entry_id: int, index: int, message_id: str) -> None:
        """Remember the status message sent for the entry's photo `index`."""
        ...

    async def handled(self, entry_ids: Collection[int]) -> None: ...

    async def unhandled(self, platform: str) -> list[InboxEntry]:
        """The platform's entries not handled yet, oldest first."""
        ...

    async def prune(self, max_age: float) -> int:
        """Forget handled entries older than `max_age` seconds; how many."""
        ...


class InstanceRepository(Protocol):
    """Processes running workers, each beating its own row while it is alive."""

    async def beat(self, instance_id: str, host: str, pid: int) -> None:
        """Record that the instance is alive; its first beat registers it."""
        ...

    async def stop(self, instance_id: str) -> None:
        """Mark the instance stopped (a clean shutdown)."""
        ...

    async def all(self) -> list[Instance]: ...

    async def forget(self, instance_ids: Collection[str]) -> None:
        """Delete these instances' rows, except any still holding a job's lease."""
        ...


class UsageRepository(Protocol):
    """Paid calls per user, which the daily quotas count, and what sessions cost."""

    async def take(
        self,
        user_id: int,
        session_id: str | None,
        kind: UsageKind,
        limit: int | None,
        timezone: str,
    ) -> int:
        """Record one call of `kind` unless the user has made `limit` (None: no limit) today in
        `timezone`, in one transaction; how many they have made today. Raises QuotaExceeded."""
        ...

    async def totals(self, since: float) -> dict[UsageKind, int]:
        """Calls of every user since `since`, by kind."""
        ...

    async def cost(self, since: float) -> float:
        """The estimated cost (US dollars) of the sessions completed since `since`."""
        ...

    async def prune(self, before: float) -> int:
        """Forget calls made before `before`; how many."""
        ...


class ChatStateRepository(Protocol):
    """What a conversation keeps across restarts: status messages, the replies of jobs it has
    sent, commands waiting for their photo, posts waiting for new words, and product photos
    waiting for their styles."""

    async def set_job_message(self, job_id: int, chat_id: str, message_id: str) -> None: ...

    async def job_message(self, job_id: int) -> tuple[str, str] | None:
        """(chat id, message id) of the job's status message."""
        ...

    async def record_reply(
        self, job_id: int, part: str, outcome: ReplyOutcome, message_id: str | None = None
    ) -> None:
        """Keep what became of the job's reply `part` (its key, e.g. `post:x`); recording a
        part again changes nothing."""
        ...

    async def recorded_replies(self, job_id: int) -> set[str]:
        """The keys of the job's replies recorded as sent or refused."""
        ...

    async def reply_messages(self, job_id: int) -> dict[str, str]:
        """The chat's message id of each of the job's replies sent, by its key."""
        ...

    async def set_pending_command(self, chat_id: str, user: UserRef, command: str) -> None: ...

    async def set_pending_description(self, chat_id: str, user: UserRef, job_id: int) -> None:
        """The user's next message in the chat is new words for the job's posts."""
        ...

    async def take_pending_description(
        self, chat_id: str, user: UserRef, max_age: float
    ) -> int | None:
        """The job waiting for new words if asked at most `max_age` seconds ago; used up
        either way."""
        ...

    async def has_pending_description(self, chat_id: str, user: UserRef, max_age: float) -> bool:
        """Whether a job waits for new words asked at most `max_age` seconds ago."""
        ...

    async def take_pending_command(self, chat_id: str, user: UserRef, max_age: float) -> str | None:
        """The waiting command if it is at most `max_age` seconds old; used up either way."""
        ...

    async def has_pending_command(self, chat_id: str, user: UserRef, max_age: float) -> bool:
        """Whether a command at most `max_age` seconds old waits (nothing is changed)."""
        ...

    async def add_style_choice(self, choice: NewStyleChoice) -> StyleChoice:
        """Keep the choice; one with the same `request_key` exists already: that one."""
        ...

    async def get_style_choice(self, choice_id: int) -> StyleChoice | None: ...

    async def open_style_choices(self) -> list[StyleChoice]: ...

    async def update_style_choice(
        self, choice_id: int, chosen: tuple[str, ...], colour: str, message_id: str | None
    ) -> StyleChoice | None:
        """Change an open choice; None when it is closed (or gone)."""
        ...

    async def close_style_choice(self, choice_id: int) -> StyleChoice | None:
        """Close an open choice and return it; None when it was closed already, so of two
        presses exactly one gets it."""
        ...


class ApiRepository(Protocol):
    """The HTTP API's keys, and the jobs submitted with them."""

    async def add_key(
        self, name: str, prefix: str, key_hash: str, webhook_secret: str, user_id: int
    ) -> ApiKey:
        """Keep a new key; ValueError when an active key has that name already."""
        ...

    async def key_by_hash(self, key_hash: str) -> ApiKey | None:
        """The active (not revoked) key whose token has this hash."""
        ...

    async def keys(self) -> list[ApiKey]:
        """Every key, revoked ones too, oldest first."""
        ...

    async def revoke(self, name_or_prefix: str) -> ApiKey | None:
        """Revoke the active key with this name or prefix; None when there is none."""
        ...

    async def key(self, key_id: int) -> ApiKey | None:
        """The key with this id, revoked or not."""
        ...

    async def add_job(self, job: ApiJob) -> None:
        """Remember a job the key is submitting, before its session exists (`job_id` None)."""
        ...

    async def set_job_id(self, session_id: str, job_id: int) -> None:
        """The job was queued."""
        ...

    async def drop_job(self, session_id: str) -> None:
        """The job was refused: forget it."""
        ...

    async def job(self, session_id: str) -> ApiJob | None: ...

    async def take_request(self, key: ApiKey, per_minute: int) -> float | None:
        """Count a request made with `key` against its `per_minute` limit, shared by every
        process on this database: None when it may be served, else the seconds until the
        next one may."""
        ...
