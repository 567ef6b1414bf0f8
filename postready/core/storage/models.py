"""What the storage keeps, as the repositories hand it out: users, sessions and their jobs,
generated files, and a product photo waiting for its styles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from postready.core.identity import UserRef
from postready.pipeline.logo import LogoPosition
from postready.pipeline.models import ErrorInfo
from postready.pipeline.platforms import OutputFormat
from postready.pipeline.wording import DEFAULT_HASHTAG_LANGUAGE, HashtagLanguage

SessionStatus = Literal["pending", "queued", "running", "completed", "failed", "cancelled"]
FileType = Literal["source", "json", "caption", "image", "product_photo"]
ACTIVE_STATUSES: tuple[SessionStatus, ...] = ("queued", "running")
ENDED_STATUSES: tuple[SessionStatus, ...] = ("completed", "failed", "cancelled")
# What became of one reply of a job: the chat took it, or refused it for good.
ReplyOutcome = Literal["sent", "refused"]


@dataclass(frozen=True, slots=True)
class UserSettings:
    default_platforms: tuple[str, ...] = ()  # empty: the default set (DEFAULT_PLATFORMS)
    timezone: str = "UTC"
    language: str = "en"
    # Hashtags of a post in another language than English: its own, English, or both.
    hashtag_language: HashtagLanguage = DEFAULT_HASHTAG_LANGUAGE
    logo_path: str | None = None
    logo_position: LogoPosition = "bottom-right"
    output_format: OutputFormat = "jpeg"
    send_as_files: bool = False
    send_previews: bool = True  # a contact sheet of each post as its feed shows it
    album_carousel: bool = True  # several photos sent together: one carousel post, else one each
    account_name: str | None = None  # the name previews show; None: "your account"
    awaiting_logo: bool = False  # /logo was sent: the next image is the logo


@dataclass(frozen=True, slots=True)
class User:
    id: int  # the storage's own id
    ref: UserRef
    settings: UserSettings


@dataclass(frozen=True, slots=True)
class Session:
    id: str
    user_id: int
    user: UserRef
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
    lease_owner: str | None  # the instance (process) whose worker runs it
    lease_token: str | None  # that claim's own
    lease_expires_at: datetime | None
    heartbeat_at: datetime | None
    cancel_requested: bool
    created_at: datetime

    @property
    def status(self) -> SessionStatus:
        return self.session.status

    @property
    def lease(self) -> Lease | None:
        """The claim running it; None while it is not running."""
        if self.lease_owner is None or self.lease_token is None:
            return None
        return Lease(self.id, self.lease_owner, self.lease_token)


@dataclass(frozen=True, slots=True)
class Lease:
    """One claim of a job. Only the claim that holds the job may renew, complete, finish or
    release it: a job taken back and claimed again has a new token, even in the same process."""

    job_id: int
    owner: str  # the instance (process) that claimed it
    token: str


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
    # Names the request that made it (an inbox entry's photo): enqueueing the same key again
    # returns this job instead of a second one.
    request_key: str | None = None
    # Every file the job reads (its photos, its logo), all in the uploads directory: kept in
    # the database too where workers on other machines run jobs (`JobStore(shares_uploads)`).
    uploads: tuple[Path, ...] = ()
    # The chat message that shows the job's status, recorded with the job: a worker in another
    # process that takes the job at once edits it rather than sending another.
    status_message: str | None = None


@dataclass(frozen=True, slots=True)
class QueueLimits:
    in_flight: int  # per user, queued + running
    per_hour: int  # per user
    queued: int  # all users
    max_attempts: int
    per_day: int | None = None  # per user, from their midnight in `timezone` (None: no quota)
    timezone: str = "UTC"


@dataclass(frozen=True, slots=True)
class GeneratedFile:
    file_type: FileType
    path: Path | None  # None: only uploaded, at `url`
    size: int | None = None  # bytes
    platform: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Heartbeat:
    held: bool  # False: the lease was lost (expired and re-queued, or the job was cancelled)
    cancel_requested: bool


@dataclass(frozen=True, slots=True)
class Instance:
    """A process running workers, as its heartbeat row says."""

    id: str
    host: str
    pid: int
    started_at: float  # Unix seconds
    beat_at: float
    stopped_at: float | None  # set on a clean shutdown
    silent_for: float  # seconds since its last beat, by the storage's clock


@dataclass(frozen=True, slots=True)
class StyleChoice:
    """A product photo waiting for its owner's choice of photography styles."""

    id: int
    user: UserRef  # only they may choose
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
    album_index: int = 0  # its place in the album it came in (0: first, or alone)
    request_key: str | None = None  # the job it becomes is submitted under this key


@dataclass(frozen=True, slots=True)
class NewStyleChoice:
    """What `add_style_choice` stores; the id, the creation time and the state are its own."""

    user: UserRef
    chat_id: str
    source_path: Path
    source_name: str
    platforms: tuple[str, ...]
    description: str
    colour: str
    album_index: int = 0
    # Names the request (an inbox entry's photo): adding it again returns the same choice.
    request_key: str | None = None


InboxKind = Literal["message", "action"]


@dataclass(frozen=True, slots=True)
class InboxEntry:
    """A chat update kept until it is handled: `payload` is the chat's message or button press
    as JSON; `acks` the status message already sent for each of its photos (by index)."""

    id: int
    platform: str
    update_key: str
    kind: InboxKind
    payload: dict[str, Any]
    acks: dict[int, str]
    received_at: float


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A key of the HTTP API; the token itself is never kept, only its hash."""

    id: int
    name: str
    prefix: str  # the token's public part, and the key's user id on the "api" platform
    user_id: int
    webhook_secret: str  # signs the key's webhooks (HMAC-SHA256)
    created_at: float  # Unix seconds
    revoked_at: float | None


@dataclass(frozen=True, slots=True)
class ApiJob:
    """A job submitted through the HTTP API, by the key `key_id`."""

    session_id: str
    job_id: int | None  # None until the job is queued
    key_id: int
    webhook_url: str | None  # where its end is posted
    base_url: str  # the server's address as the client reached it, for the URLs it is sent
