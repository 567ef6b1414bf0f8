"""Which services a run uses, without loading pydantic-settings when nothing is configured.

Reading settings costs ~150 ms of imports (pydantic-settings), a third of a whole CLI run. With
no service variable set and no `.env` file every provider is local, so that cost is skipped.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from postready.pipeline.providers.base import ProviderSettings

if TYPE_CHECKING:
    from postready.pipeline.product_photos import PhotographySettings

# The variables that switch a service on (bot/ai_settings.py reads them; a test keeps the two
# in step). Model names and base URLs alone switch nothing on.
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


def local_service_notes(*, openai: bool, gemini: bool) -> list[str]:
    notes = []
    if not openai:
        notes.append("no OPENAI_API_KEY: captions and hashtags written locally")
    if not gemini:
        notes.append("no GEMINI_API_KEY: no account search")
    return notes


def services_configured(env: Mapping[str, str] = os.environ, dotenv: Path = Path(".env")) -> bool:
    """Whether any service could be switched on by the environment or a `.env` file."""
    return dotenv.is_file() or any(env.get(name) for name in SERVICE_VARIABLES)


def load_service_settings(
    use_ai: bool | None = None, accounts_file: Path | None = None
) -> ServiceSettings:
    """The services for a run. `use_ai`: None uses those whose keys are set, False none (every
    provider local), True requires a key (INVALID_OPTION otherwise)."""
    if not (use_ai or accounts_file or services_configured()):
        notes = () if use_ai is False else tuple(local_service_notes(openai=False, gemini=False))
        return ServiceSettings(ProviderSettings(), None, notes)
    from postready.core.config.ai import AISettings, photography_settings, provider_settings

    settings = AISettings()
    providers, ai_notes = provider_settings(settings, use_ai, accounts_file)
    photography = photography_settings(settings) if use_ai is not False else None
    return ServiceSettings(providers, photography, tuple(ai_notes))
