"""Settings from environment variables and a `.env` file (documented in `.env.example`)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from postready.pipeline.errors import ErrorCode, PostReadyError


def _alias(name: str) -> AliasChoices:
    return AliasChoices(name, name.lower())


class Settings(BaseSettings):
    """Bot-core settings. Each field reads `POSTREADY_<FIELD>`; the timeout and the chat
    adapters' fields read their names in the design (`PROCESSING_TIMEOUT`, `TELEGRAM_...`)."""

    model_config = SettingsConfigDict(
        env_prefix="POSTREADY_",
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
    )

    data_dir: Path = Path("data")
    db: Path | None = None  # default: <data_dir>/postready.db
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    processing_timeout: float = Field(600.0, gt=0, validation_alias=_alias("PROCESSING_TIMEOUT"))
    max_jobs_in_flight: int = Field(2, ge=1)  # per user: queued + running
    max_jobs_per_hour: int = Field(20, ge=1)  # per user
    queue_limit: int = Field(100, ge=1)  # queued jobs, all users together
    max_attempts: int = Field(3, ge=1)  # claims before a job whose worker keeps dying fails
    lease_seconds: float = Field(60.0, gt=0)  # a running job's lease; heartbeats renew it
    retry_delay: float = Field(5.0, ge=0)  # before a re-queued job runs again (doubles per try)
    poll_seconds: float = Field(1.0, gt=0)  # idle workers look for jobs from other processes
    progress_interval: float = Field(2.0, ge=0)  # at most one progress update per job per this
    shutdown_grace: float = Field(3.0, ge=0)  # on SIGTERM, running jobs get this long to finish
    telegram_bot_token: SecretStr | None = Field(
        None, validation_alias=_alias("TELEGRAM_BOT_TOKEN")
    )
    telegram_api_base_url: str = Field(
        "https://api.telegram.org", validation_alias=_alias("TELEGRAM_API_BASE_URL")
    )
    telegram_webhook_url: str | None = Field(None, validation_alias=_alias("TELEGRAM_WEBHOOK_URL"))
    telegram_webhook_port: int = Field(
        8443, ge=1, le=65535, validation_alias=_alias("TELEGRAM_WEBHOOK_PORT")
    )
    discord_bot_token: SecretStr | None = Field(None, validation_alias=_alias("DISCORD_BOT_TOKEN"))
    # Register the slash commands even when they look unchanged (`postready bot --sync`).
    discord_sync_commands: bool = False

    @property
    def db_path(self) -> Path:
        return self.db or self.data_dir / "postready.db"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def output_dir(self) -> Path:
        return self.data_dir / "output"


def env_name(field: str) -> str:
    """The environment variable that sets `field`."""
    alias = Settings.model_fields[field].validation_alias
    name = alias.choices[0] if isinstance(alias, AliasChoices) else None
    return name if isinstance(name, str) else f"POSTREADY_{field.upper()}"


def load_settings() -> Settings:
    """Settings from the environment and `.env`; a bad value raises INVALID_OPTION naming the
    variable, e.g. `POSTREADY_WORKERS: Input should be greater than or equal to 1`."""
    try:
        return Settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        where = str(error["loc"][0]) if error["loc"] else ""
        name = env_name(where) if where in Settings.model_fields else where
        raise PostReadyError(ErrorCode.INVALID_OPTION, f"{name}: {error['msg']}") from None
