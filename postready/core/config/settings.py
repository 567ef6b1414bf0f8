"""Settings from environment variables and a `.env` file (documented in `.env.example`).

`Settings` holds one section per concern (`settings.queue.workers`). Each section is a
pydantic-settings model of its own that reads its variables when the settings are built: the
section's `env_prefix` plus the field's name (`POSTREADY_` + `workers`). pydantic-settings'
delimiter-based nesting would name them `QUEUE__WORKERS`; these are the names users' `.env`
files already have. The environment beats `.env`; empty values are ignored.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal, TypeGuard, TypeVar

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.marking import N_
from postready.pipeline.providers.base import DEFAULT_GEMINI_MODEL, DEFAULT_OPENAI_MODEL
from postready.pipeline.providers.openai_images import DEFAULT_MODEL as DEFAULT_IMAGE_MODEL

TELEGRAM_API = "https://api.telegram.org"  # the cloud Bot API
_SQLITE_SCHEME = "sqlite:///"
_DATABASE_SCHEMES = (_SQLITE_SCHEME, "postgresql://", "postgres://")


class Section(BaseSettings):
    """A group of settings read from the environment and `.env`."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        populate_by_name=True,  # an aliased field is also set by its name: `processing_timeout=`
    )


class StorageSection(Section):
    model_config = SettingsConfigDict(env_prefix="POSTREADY_")

    data_dir: Path = Path("data")
    db: Path | None = None  # default: <data_dir>/postready.db
    # postgresql://user@host/name keeps all state in PostgreSQL (bots and workers on several
    # machines); sqlite:///path names the SQLite file; unset: `db`.
    database_url: str | None = None
    keep_days: float = Field(default=7.0, gt=0)  # a finished job's files, then removed
    keep_history_days: float = Field(default=90.0, gt=0)  # its row in /history and `jobs`

    @field_validator("database_url")
    @classmethod
    def _known_engine(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(_DATABASE_SCHEMES):
            raise ValueError(f"should start with one of {', '.join(_DATABASE_SCHEMES)}")
        return value

    @property
    def db_path(self) -> Path:
        """The SQLite file (when the database is SQLite)."""
        if self.database_url and self.database_url.startswith(_SQLITE_SCHEME):
            return Path(self.database_url.removeprefix(_SQLITE_SCHEME))
        return self.db or self.data_dir / "postready.db"

    @property
    def database(self) -> Path | str:
        """What `Storage.open` opens: the SQLite file's path, or the PostgreSQL URL."""
        if self.database_url and not self.database_url.startswith(_SQLITE_SCHEME):
            return self.database_url
        return self.db_path

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def output_dir(self) -> Path:
        return self.data_dir / "output"


class QueueSection(Section):
    model_config = SettingsConfigDict(env_prefix="POSTREADY_")

    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    # The one queue variable without the prefix: its name predates the prefix.
    processing_timeout: float = Field(default=600.0, gt=0, validation_alias="PROCESSING_TIMEOUT")
    # Claims before a job whose worker keeps dying fails.
    max_attempts: int = Field(default=3, ge=1)
    # A running job's lease; heartbeats renew it.
    lease_seconds: float = Field(default=60.0, gt=0)
    # Each process running workers records that it is alive this often; one silent for three
    # times as long is taken for dead and its jobs re-queued without waiting for their leases.
    instance_heartbeat_seconds: float = Field(default=10.0, gt=0)
    # Before a re-queued job runs again (doubles per try).
    retry_delay: float = Field(default=5.0, ge=0)
    # Idle workers look for jobs from other processes this often.
    poll_seconds: float = Field(default=1.0, gt=0)
    # At most one progress update per job per this.
    progress_interval: float = Field(default=2.0, ge=0)
    # On SIGTERM, running jobs get this long to finish.
    shutdown_grace: float = Field(default=3.0, ge=0)
    # A result reply the chat failed for a passing reason (5xx, timeout) is retried this long.
    reply_retry_seconds: float = Field(default=120.0, ge=0)


class LimitsSection(Section):
    model_config = SettingsConfigDict(env_prefix="POSTREADY_")

    max_jobs_in_flight: int = Field(default=2, ge=1)  # per user: queued + running
    max_jobs_per_hour: int = Field(default=20, ge=1)  # per user
    queue_limit: int = Field(default=100, ge=1)  # queued jobs, all users together
    jobs_per_day: int = Field(default=50, ge=1)  # per user, from their midnight; not admins
    # Per user a day, as jobs_per_day: calls to the AI text services (writing, account search),
    # and styles rendered by the image API. Past them the local methods do the work.
    ai_calls_per_day: int = Field(default=20, ge=0)
    image_renders_per_day: int = Field(default=10, ge=0)


class AccessSection(Section):
    """Who may use the bots. Ids of users, and of chats whose members may (Telegram chats;
    Discord guilds and channels), separated by commas or spaces; `telegram:123` names one
    platform's. Empty lists: everyone. Admins always may, and may /block and /unblock."""

    model_config = SettingsConfigDict(env_prefix="POSTREADY_")

    allowed_users: Annotated[frozenset[str], NoDecode] = frozenset()
    allowed_chats: Annotated[frozenset[str], NoDecode] = frozenset()
    admins: Annotated[frozenset[str], NoDecode] = frozenset()

    @field_validator("allowed_users", "allowed_chats", "admins", mode="before")
    @classmethod
    def _ids(cls, value: object) -> object:
        return frozenset(value.replace(",", " ").split()) if isinstance(value, str) else value


class OperationsSection(Section):
    """How the process shows itself: an HTTP server for health and metrics (off without a
    port), and the log format."""

    model_config = SettingsConfigDict(env_prefix="POSTREADY_")

    http_port: int | None = Field(default=None, ge=0, le=65535)  # 0: any free port
    http_host: str = "127.0.0.1"  # 0.0.0.0 to serve other machines
    log_format: Literal["text", "json"] = "text"


class ApiSection(Section):
    """The HTTP API (`postready bot api`), on the process's HTTP server."""

    model_config = SettingsConfigDict(env_prefix="POSTREADY_API_")

    # The address clients reach the server at, for the URLs in answers; default: as asked.
    public_url: str | None = None
    requests_per_minute: int = Field(default=60, ge=1)  # per key
    upload_timeout: float = Field(default=60.0, gt=0)  # seconds to send a whole upload
    webhook_attempts: int = Field(default=5, ge=1)
    webhook_timeout: float = Field(default=10.0, gt=0)  # seconds per delivery attempt
    webhook_backoff: float = Field(default=2.0, ge=0)  # seconds before the 2nd try; doubles
    # Webhooks to private, loopback and link-local addresses (tests, a LAN): off by default.
    webhook_allow_private: bool = Field(
        default=False, validation_alias="POSTREADY_WEBHOOK_ALLOW_PRIVATE"
    )


class TelegramSection(Section):
    model_config = SettingsConfigDict(env_prefix="TELEGRAM_")

    bot_token: SecretStr | None = None
    api_base_url: str = TELEGRAM_API
    # Seconds a Bot API call may take (connect, upload, answer) before it counts as timed out
    # and is retried: long enough for an album's upload, which Telegram may finish slowly.
    timeout: float = Field(default=30.0, gt=0)
    webhook_url: str | None = None  # set: updates come by webhook instead of polling
    webhook_port: int = Field(default=8443, ge=1, le=65535)


class DiscordSection(Section):
    model_config = SettingsConfigDict(env_prefix="DISCORD_")

    bot_token: SecretStr | None = None
    # Register the slash commands even when they look unchanged (`postready bot --sync`). A
    # PostReady option rather than a Discord credential, hence its own name.
    sync_commands: bool = Field(default=False, validation_alias="POSTREADY_DISCORD_SYNC_COMMANDS")


class OpenAISection(Section):
    model_config = SettingsConfigDict(env_prefix="OPENAI_")

    api_key: SecretStr | None = None
    base_url: str | None = None  # any OpenAI-compatible server
    model: str = DEFAULT_OPENAI_MODEL


class GeminiSection(Section):
    model_config = SettingsConfigDict(env_prefix="GEMINI_")

    api_key: SecretStr | None = None
    base_url: str | None = None
    model: str = DEFAULT_GEMINI_MODEL


class AISection(Section):
    """The text services: OpenAI writes, Gemini finds accounts; each is off without its key."""

    model_config = SettingsConfigDict(env_prefix="POSTREADY_")

    openai: OpenAISection = Field(default_factory=OpenAISection)
    gemini: GeminiSection = Field(default_factory=GeminiSection)
    ai_timeout: float = Field(default=60.0, gt=0)  # seconds per AI request
    accounts_file: Path | None = None
    hashtag_pages_url: str | None = None  # a URL template with {tag}; set: that source is on
    prices_file: Path | None = None  # TOML rows laid over the AI price table's defaults
    cache_dir: Path = Field(
        default_factory=lambda: (
            Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "postready"
        )
    )


class PhotographySection(Section):
    """Product photography's services; each is off (the step is local) while unset. No prefix:
    the services' own variable names."""

    openai_image_model: str = DEFAULT_IMAGE_MODEL
    cloudinary_url: SecretStr | None = None  # cloudinary://KEY:SECRET@CLOUD_NAME
    # Not a service's own variable, so PostReady's prefix.
    rembg_model: str | None = Field(default=None, validation_alias="POSTREADY_REMBG_MODEL")


class Settings(BaseSettings):
    """Every setting, by section. The sections read the environment (and the `.env` of their
    `model_config`) themselves; values given here replace whole sections:
    `Settings(queue=QueueSection(workers=1))`."""

    storage: StorageSection = Field(default_factory=StorageSection)
    queue: QueueSection = Field(default_factory=QueueSection)
    limits: LimitsSection = Field(default_factory=LimitsSection)
    access: AccessSection = Field(default_factory=AccessSection)
    operations: OperationsSection = Field(default_factory=OperationsSection)
    api: ApiSection = Field(default_factory=ApiSection)
    telegram: TelegramSection = Field(default_factory=TelegramSection)
    discord: DiscordSection = Field(default_factory=DiscordSection)
    ai: AISection = Field(default_factory=AISection)
    photography: PhotographySection = Field(default_factory=PhotographySection)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The sections read the environment, each under its prefix; read here as well, a
        # variable named `QUEUE` would be taken for the whole queue section.
        return (init_settings,)

    def replace(self, **changes: Mapping[str, object]) -> Settings:
        """A copy with some fields of some sections changed: `replace(queue={"workers": 1})`."""
        return self.model_copy(
            update={name: getattr(self, name).model_copy(update=v) for name, v in changes.items()}
        )


def variables(model: type[BaseModel] = Settings) -> dict[str, tuple[str, ...]]:
    """Every environment variable `model` reads, and the attribute path of the field it sets:
    `{"POSTREADY_WORKERS": ("queue", "workers"), ...}`."""
    found: dict[str, tuple[str, ...]] = {}
    for name, field in model.model_fields.items():
        if _is_section(field.annotation):
            sub = variables(field.annotation)
            found |= {variable: (name, *path) for variable, path in sub.items()}
        elif isinstance(field.validation_alias, str):
            found[field.validation_alias] = (name,)
        else:
            found[f"{model.model_config.get('env_prefix', '')}{name}".upper()] = (name,)
    return found


def sections(model: type[BaseModel] = Settings) -> list[type[Section]]:
    """Every section within `model`, sections within sections too."""
    found: list[type[Section]] = []
    for field in model.model_fields.values():
        if _is_section(field.annotation):
            found += [field.annotation, *sections(field.annotation)]
    return found


def _is_section(annotation: object) -> TypeGuard[type[Section]]:
    return isinstance(annotation, type) and issubclass(annotation, Section)


Model = TypeVar("Model", bound=BaseSettings)


def load_settings() -> Settings:
    """Settings from the environment and `.env`; a bad value raises INVALID_OPTION naming the
    variable, e.g. `POSTREADY_WORKERS: Input should be greater than or equal to 1`."""
    return _validated(Settings)


def load_section(section: type[Model]) -> Model:
    """One section alone, for a command that needs no other; bad values as in `load_settings`."""
    return _validated(section)


def _validated(model: type[Model]) -> Model:
    try:
        return model()
    except ValidationError as exc:
        error = exc.errors()[0]
        variable = _variable_at(exc.title, error["loc"])
        raise PostReadyError(
            ErrorCode.INVALID_OPTION,
            N_("{variable}: {problem}"),  # the problem as pydantic words it (English)
            variable=variable,
            problem=error["msg"],
        ) from None


def _variable_at(title: str, loc: tuple[int | str, ...]) -> str:
    """The variable behind an error at `loc` in the model named `title`: the settings, or a
    section whose own validation (in a default factory) failed. `loc` names a field, or the
    alias it was read by."""
    model = next((m for m in sections() if m.__name__ == title), Settings)
    for variable, path in variables(model).items():
        if tuple(loc) in (path, (*path[:-1], variable)):
            return variable
    return ".".join(map(str, loc))
