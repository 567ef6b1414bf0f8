"""Which services a run uses: the AI and photography settings turned into the plain dataclasses
the pipeline takes, without loading pydantic-settings when nothing is configured.

Reading settings costs ~150 ms of imports (pydantic-settings), a third of a whole CLI run. With
no service variable set and no `.env` file every provider is local, so that cost is skipped.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.marking import N_
from postready.pipeline.pricing import DEFAULT_PRICES, ModelPrice, load_prices
from postready.pipeline.providers.base import (
    GeminiConfig,
    HashtagPagesConfig,
    OpenAIConfig,
    ProviderSettings,
)
from postready.pipeline.providers.local import normalise_handle
from postready.pipeline.vocabulary import load_vocabulary

if TYPE_CHECKING:
    from postready.core.config.settings import AISection, PhotographySection
    from postready.pipeline.product_photos import PhotographySettings

# The variables that switch a service on: the fast path cannot ask the settings model without
# loading it (a test keeps the two in step). Model names and base URLs alone switch nothing on.
SERVICE_VARIABLES = (
    "OPENAI_API_KEY",
    "GEMINI_API_KEY",
    "CLOUDINARY_URL",
    "POSTREADY_REMBG_MODEL",
    "POSTREADY_ACCOUNTS_FILE",
    "POSTREADY_HASHTAG_PAGES_URL",
)


@dataclass(frozen=True, slots=True)
class ServiceSettings:
    providers: ProviderSettings
    photography: PhotographySettings | None  # None: every photography step local
    notes: tuple[str, ...]  # said once to the user: which services are off and why


def services_configured(env: Mapping[str, str] = os.environ, dotenv: Path = Path(".env")) -> bool:
    """Whether any service could be switched on by the environment or a `.env` file."""
    return dotenv.is_file() or any(env.get(name) for name in SERVICE_VARIABLES)


def load_service_settings(
    use_ai: bool | None = None, accounts_file: Path | None = None
) -> ServiceSettings:
    """The services for a command-line run, reading only the AI and photography sections."""
    if not (use_ai or accounts_file or services_configured()):
        notes = () if use_ai is False else tuple(local_service_notes(openai=False, gemini=False))
        return ServiceSettings(ProviderSettings(), None, notes)
    from postready.core.config.settings import AISection, PhotographySection, load_section

    return service_settings(
        load_section(AISection), load_section(PhotographySection), use_ai, accounts_file
    )


def service_settings(
    ai: AISection,
    photography: PhotographySection,
    use_ai: bool | None = None,
    accounts_file: Path | None = None,
) -> ServiceSettings:
    """The services `ai` and `photography` configure. `use_ai`: None uses those whose keys are
    set, False none (every provider local), True requires a key (INVALID_OPTION otherwise)."""
    providers, notes = provider_settings(ai, use_ai, accounts_file)
    photos = photography_settings(photography, ai) if use_ai is not False else None
    return ServiceSettings(providers, photos, tuple(notes))


def local_service_notes(*, openai: bool, gemini: bool) -> list[str]:
    """Which services are off: English, marked for the catalogs (`/stats` translates them)."""
    notes = []
    if not openai:
        notes.append(N_("no OPENAI_API_KEY: captions and hashtags written locally"))
    if not gemini:
        notes.append(N_("no GEMINI_API_KEY: no account search"))
    return notes


def provider_settings(
    ai: AISection, use_ai: bool | None = None, accounts_file: Path | None = None
) -> tuple[ProviderSettings, list[str]]:
    """ProviderSettings for the pipeline, and notes for the user (said once)."""
    notes: list[str] = []
    openai = gemini = None
    if use_ai is not False:
        if ai.openai.api_key:
            openai = OpenAIConfig(
                ai.openai.api_key.get_secret_value(),
                ai.openai.model,
                ai.openai.base_url,
                timeout=ai.ai_timeout,
            )
        if ai.gemini.api_key:
            gemini = GeminiConfig(
                ai.gemini.api_key.get_secret_value(),
                ai.gemini.model,
                ai.gemini.base_url,
                timeout=ai.ai_timeout,
            )
        if use_ai and not (openai or gemini):
            raise PostReadyError(
                ErrorCode.INVALID_OPTION,
                N_("--use-ai needs OPENAI_API_KEY and/or GEMINI_API_KEY"),
            )
        notes = local_service_notes(openai=openai is not None, gemini=gemini is not None)
    path = accounts_file or ai.accounts_file
    pages = HashtagPagesConfig(ai.hashtag_pages_url) if ai.hashtag_pages_url else None
    return (
        ProviderSettings(
            openai=openai,
            gemini=gemini,
            hashtag_pages=pages,
            accounts_by_niche=load_accounts_file(path) if path else {},
            accounts_source=str(path) if path else "",
            cache_dir=ai.cache_dir,
            prices=_prices(ai.prices_file),
        ),
        notes,
    )


def _prices(path: Path | None) -> Mapping[str, ModelPrice]:
    if path is None:
        return DEFAULT_PRICES
    try:
        return load_prices(path)
    except ValueError as exc:
        raise PostReadyError(
            ErrorCode.INVALID_OPTION,
            N_("{variable}: {problem}"),
            variable="POSTREADY_PRICES_FILE",
            problem=str(exc),
        ) from exc


def photography_settings(photography: PhotographySection, ai: AISection) -> PhotographySettings:
    """Which services product photography may use: OpenAI images, Cloudinary, a rembg model."""
    # Product photography (numpy and all) loads only for runs that may use it.
    from postready.pipeline.product_photos import PhotographySettings
    from postready.pipeline.providers.openai_images import OpenAIImageSettings

    key = ai.openai.api_key
    openai = (
        OpenAIImageSettings(
            key.get_secret_value(), ai.openai.base_url, photography.openai_image_model
        )
        if key
        else None
    )
    cloudinary = photography.cloudinary_url
    return PhotographySettings(
        photography.rembg_model, openai, cloudinary.get_secret_value() if cloudinary else None
    )


def load_accounts_file(path: Path) -> dict[str, tuple[str, ...]]:
    """Accounts per niche from a TOML file:

        [accounts]
        coffee = ["@bluebottle", "@counterculturecoffee"]

    Niche keys are those of the hashtag dataset; handles must look like handles.
    """
    import tomllib  # ~3 ms that runs without an accounts file (most) do not pay

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PostReadyError(
            ErrorCode.FILE_NOT_FOUND, N_("accounts file {path} not found"), path=str(path)
        ) from exc
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PostReadyError(
            ErrorCode.INVALID_OPTION,
            N_("accounts file {path}: {problem}"),
            path=str(path),
            problem=str(exc),
        ) from exc
    table = data.get("accounts")
    niches = load_vocabulary().niches
    if not isinstance(table, dict):
        raise PostReadyError(
            ErrorCode.INVALID_OPTION, N_("accounts file {path} has no [accounts]"), path=str(path)
        )
    accounts: dict[str, tuple[str, ...]] = {}
    for niche, handles in table.items():
        if niche not in niches:
            known = ", ".join(niches)
            raise PostReadyError(
                ErrorCode.INVALID_OPTION,
                N_("accounts file {path}: unknown niche '{niche}'; niches are: {niches}"),
                path=str(path),
                niche=niche,
                niches=known,
            )
        if not isinstance(handles, list) or not all(
            isinstance(h, str) and normalise_handle(h) for h in handles
        ):
            raise PostReadyError(
                ErrorCode.INVALID_OPTION,
                N_("accounts file {path}: '{niche}' needs a list of handles like \"@name\""),
                path=str(path),
                niche=niche,
            )
        accounts[niche] = tuple(normalise_handle(h) for h in handles)
    return accounts
