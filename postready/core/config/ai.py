"""Service settings from the environment (and `.env`): which AI and cloud services to use, built
into the plain dataclasses the pipeline takes. No key is required; missing keys select local
providers. Loading this module costs pydantic-settings' import: `bot/services.py` decides
whether a run needs it."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from postready.core.config.services import local_service_notes
from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.hashtags import load_hashtags
from postready.pipeline.product_photos import PhotographySettings
from postready.pipeline.providers.base import (
    DEFAULT_GEMINI_MODEL,
    DEFAULT_OPENAI_MODEL,
    GeminiConfig,
    HashtagPagesConfig,
    OpenAIConfig,
    ProviderSettings,
)
from postready.pipeline.providers.local import normalise_handle
from postready.pipeline.providers.openai_images import DEFAULT_MODEL as DEFAULT_IMAGE_MODEL
from postready.pipeline.providers.openai_images import OpenAIImageSettings


def _env(name: str) -> AliasChoices:
    return AliasChoices(name, name.lower())


class AISettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", env_ignore_empty=True, extra="ignore"
    )

    openai_api_key: str | None = Field(None, validation_alias=_env("OPENAI_API_KEY"), repr=False)
    openai_base_url: str | None = Field(None, validation_alias=_env("OPENAI_BASE_URL"))
    openai_model: str = Field(DEFAULT_OPENAI_MODEL, validation_alias=_env("OPENAI_MODEL"))
    gemini_api_key: str | None = Field(None, validation_alias=_env("GEMINI_API_KEY"), repr=False)
    gemini_base_url: str | None = Field(None, validation_alias=_env("GEMINI_BASE_URL"))
    gemini_model: str = Field(DEFAULT_GEMINI_MODEL, validation_alias=_env("GEMINI_MODEL"))
    ai_timeout: float = Field(60.0, gt=0, validation_alias=_env("POSTREADY_AI_TIMEOUT"))
    accounts_file: Path | None = Field(None, validation_alias=_env("POSTREADY_ACCOUNTS_FILE"))
    # A URL template with {tag}; set it to turn the hashtag-pages source on.
    hashtag_pages_url: str | None = Field(
        None, validation_alias=_env("POSTREADY_HASHTAG_PAGES_URL")
    )
    openai_image_model: str = Field(
        DEFAULT_IMAGE_MODEL, validation_alias=_env("OPENAI_IMAGE_MODEL")
    )
    cloudinary_url: str | None = Field(None, validation_alias=_env("CLOUDINARY_URL"), repr=False)
    rembg_model: str | None = Field(None, validation_alias=_env("POSTREADY_REMBG_MODEL"))
    cache_dir: Path = Field(
        default_factory=lambda: (
            Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "postready"
        ),
        validation_alias=_env("POSTREADY_CACHE_DIR"),
    )


def provider_settings(
    settings: AISettings, use_ai: bool | None = None, accounts_file: Path | None = None
) -> tuple[ProviderSettings, list[str]]:
    """ProviderSettings for the pipeline, and notes for the user (said once).

    `use_ai`: None uses the services whose keys are set; False none; True requires a key.
    """
    notes: list[str] = []
    openai = gemini = None
    if use_ai is not False:
        if settings.openai_api_key:
            openai = OpenAIConfig(
                settings.openai_api_key,
                settings.openai_model,
                settings.openai_base_url,
                timeout=settings.ai_timeout,
            )
        if settings.gemini_api_key:
            gemini = GeminiConfig(
                settings.gemini_api_key,
                settings.gemini_model,
                settings.gemini_base_url,
                timeout=settings.ai_timeout,
            )
        if use_ai and not (openai or gemini):
            raise PostReadyError(
                ErrorCode.INVALID_OPTION, "--use-ai needs OPENAI_API_KEY and/or GEMINI_API_KEY"
            )
        notes = local_service_notes(openai=openai is not None, gemini=gemini is not None)
    path = accounts_file or settings.accounts_file
    pages = HashtagPagesConfig(settings.hashtag_pages_url) if settings.hashtag_pages_url else None
    return (
        ProviderSettings(
            openai=openai,
            gemini=gemini,
            hashtag_pages=pages,
            accounts_by_niche=load_accounts_file(path) if path else {},
            accounts_source=str(path) if path else "",
            cache_dir=settings.cache_dir,
        ),
        notes,
    )


def photography_settings(settings: AISettings) -> PhotographySettings:
    """Which services product photography may use: OpenAI images, Cloudinary, a rembg model."""
    openai = (
        OpenAIImageSettings(
            settings.openai_api_key, settings.openai_base_url, settings.openai_image_model
        )
        if settings.openai_api_key
        else None
    )
    return PhotographySettings(settings.rembg_model, openai, settings.cloudinary_url)


def load_accounts_file(path: Path) -> dict[str, tuple[str, ...]]:
    """Accounts per niche from a TOML file:

        [accounts]
        coffee = ["@bluebottle", "@counterculturecoffee"]

    Niche keys are those of the hashtag dataset; handles must look like handles.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PostReadyError(ErrorCode.FILE_NOT_FOUND, f"accounts file {path} not found") from exc
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PostReadyError(ErrorCode.INVALID_OPTION, f"accounts file {path}: {exc}") from exc
    table = data.get("accounts")
    niches = load_hashtags().niches
    if not isinstance(table, dict):
        raise PostReadyError(ErrorCode.INVALID_OPTION, f"accounts file {path} has no [accounts]")
    accounts: dict[str, tuple[str, ...]] = {}
    for niche, handles in table.items():
        if niche not in niches:
            known = ", ".join(niches)
            raise PostReadyError(
                ErrorCode.INVALID_OPTION,
                f"accounts file {path}: unknown niche '{niche}'; niches are: {known}",
            )
        if not isinstance(handles, list) or not all(
            isinstance(h, str) and normalise_handle(h) for h in handles
        ):
            raise PostReadyError(
                ErrorCode.INVALID_OPTION,
                f"accounts file {path}: '{niche}' needs a list of handles like \"@name\"",
            )
        accounts[niche] = tuple(normalise_handle(h) for h in handles)
    return accounts
