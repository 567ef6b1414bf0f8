"""Provider protocols, their configuration (plain dataclasses: the caller reads the environment,
never the pipeline) and the error every provider raises when it finally gives up."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from postready.pipeline.marking import Marked
from postready.pipeline.pricing import DEFAULT_PRICES, ModelPrice

if TYPE_CHECKING:
    from PIL import Image

    from postready.pipeline.cropping import CropSignals
    from postready.pipeline.providers.types import (
        AccountSuggestions,
        ContentBrief,
        ImageAnalysis,
        Writing,
    )

# Current small vision models (late 2026); both are overridable (OPENAI_MODEL, GEMINI_MODEL).
DEFAULT_OPENAI_MODEL = "gpt-5.4-mini"
DEFAULT_GEMINI_MODEL = "gemini-flash-latest"
MAX_VISION_SIDE = 1024  # images sent to a vision API are downscaled to this longest side
ANALYSIS_SIDE = 128  # the local analysis's copy: colour statistics barely change below this
MAX_VISION_PHOTOS = 4  # a carousel's first photos that its one vision + writing call sees
# A carousel's photos go smaller: at "low" detail the model looks at 512 px anyway, and four
# photos then weigh what one does.
CAROUSEL_VISION_SIDE = 512


class ProviderError(Exception):
    """A provider gave up; `reason` is one plain-language line for the results."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class QuotaUsedUp(ProviderError):
    """The user has no paid call of this kind left today; `reason` says which quota and when
    it resets, for the user: English, and marked (`wording`) for the chats to translate."""

    def __init__(self, reason: str, wording: Marked | None = None) -> None:
        super().__init__(reason)
        self.wording = wording or Marked(reason, {})


UsageKind = Literal["ai_call", "image_render"]


class UsageGate(Protocol):
    """The user's daily quotas of paid calls, asked before each one."""

    async def take(self, kind: UsageKind) -> None:
        """Count one call of `kind`; raise QuotaUsedUp when none is left today."""
        ...


class Vision(Protocol):
    """Describes and classifies the photo from its pixels. Runs on the CPU, off the loop.
    (A cloud model's view of the photo comes with the writer's call, to keep to the budget.)"""

    name: str

    def analyse(
        self, image: Image.Image, signals: CropSignals, description: str
    ) -> ImageAnalysis: ...


class Writer(Protocol):
    """Niches, hashtags and captions for every requested platform, in one go."""

    name: str
    remote: bool  # True when a call costs an AI request (counted against the budget)

    async def write(self, brief: ContentBrief) -> Writing: ...


class AccountFinder(Protocol):
    """Accounts worth tagging, each with the sources that back it."""

    name: str
    remote: bool

    async def find(self, brief: ContentBrief, niches: tuple[str, ...]) -> AccountSuggestions: ...


@dataclass(frozen=True, slots=True)
class OpenAIConfig:
    api_key: str = field(repr=False)
    model: str = DEFAULT_OPENAI_MODEL
    base_url: str | None = None  # any OpenAI-compatible server (Ollama, vLLM, ...)
    timeout: float = 60.0  # seconds per request
    max_retries: int = 3  # the SDK's own retries: 408/409/429/5xx and timeouts, honours Retry-After


@dataclass(frozen=True, slots=True)
class GeminiConfig:
    api_key: str = field(repr=False)
    model: str = DEFAULT_GEMINI_MODEL
    base_url: str | None = None
    timeout: float = 60.0
    attempts: int = 4  # including the first
    initial_delay: float = 1.0
    max_delay: float = 30.0


@dataclass(frozen=True, slots=True)
class HashtagPagesConfig:
    """Public pages listing hashtags related to a tag; `{tag}` is replaced by the tag."""

    url_template: str = "https://best-hashtags.com/hashtag/{tag}/"
    timeout: float = 10.0
    attempts: int = 3
    max_related: int = 10


@dataclass(frozen=True, slots=True)
class ProviderSettings:
    """Which providers to use. The default is local and offline."""

    openai: OpenAIConfig | None = None
    gemini: GeminiConfig | None = None
    hashtag_pages: HashtagPagesConfig | None = None  # off unless configured
    # User-supplied accounts per niche key (e.g. {"coffee": ("@bluebottle",)}): the only
    # offline source of real handles.
    accounts_by_niche: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    accounts_source: str = ""  # where those came from (a file path), for the results
    cache_dir: Path | None = None  # AI results kept here across runs; memory only when None
    max_ai_calls: int = 2  # per session, whatever the number of platforms
    prices: Mapping[str, ModelPrice] = field(default_factory=lambda: DEFAULT_PRICES)
