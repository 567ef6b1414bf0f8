"""The content step: from the photo's analysis and the user's words to each platform's caption,
hashtags, posting times and suggested accounts — with AI providers when configured (at most
`max_ai_calls` per session, cached), and the local ones as the default and the fallback."""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar

from PIL import Image

from postready.pipeline.marking import N_, Marked
from postready.pipeline.models import ContentSources, OptimizeRequest, PlatformContent
from postready.pipeline.platforms import PLATFORMS
from postready.pipeline.providers.base import (
    ANALYSIS_SIDE,
    MAX_VISION_PHOTOS,
    MAX_VISION_SIDE,
    AccountFinder,
    ProviderError,
    ProviderSettings,
    QuotaUsedUp,
    UsageGate,
    Vision,
    Writer,
)
from postready.pipeline.providers.cache import ContentCache, DirectoryCache, MemoryCache, cache_key
from postready.pipeline.providers.local import LocalAccountFinder, LocalVision, LocalWriter
from postready.pipeline.providers.types import (
    AccountSuggestions,
    ContentBrief,
    ImageAnalysis,
    Usage,
    Writing,
)
from postready.pipeline.vocabulary import load_vocabulary

if TYPE_CHECKING:
    from postready.pipeline.cropping import CropSignals
    from postready.pipeline.providers.hashtag_pages import HashtagPages

log = logging.getLogger(__name__)
CONTENT_EVENTS = 2  # progress events the content step reports: captions, accounts
Report = Callable[[str], None]


class _Provider(Protocol):
    """A writer or an account finder, as far as the call budget and the cache care."""

    @property
    def name(self) -> str: ...
    @property
    def remote(self) -> bool: ...  # a call costs an AI request (and its result is cached)


class _Cacheable(Protocol):
    """A provider's result: the cache keeps its JSON."""

    def to_json(self) -> dict[str, Any]: ...
    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self: ...


T = TypeVar("T", bound=_Cacheable)


@dataclass(frozen=True, slots=True)
class ContentOutcome:
    analysis: ImageAnalysis
    platforms: dict[str, PlatformContent]
    ai_calls: int
    vision: str | None = None  # the AI provider that looked at the photo; None: only local
    usage: tuple[Usage, ...] = ()  # what the paid calls used, as their services reported
    notices: tuple[Marked, ...] = ()  # for the user: a daily quota that kept AI out


@dataclass(frozen=True, slots=True)
class PreparedPhoto:
    """What the content step needs from the pixels, computed once off the event loop."""

    analysis: ImageAnalysis
    image_hash: str
    vision_jpeg: bytes  # empty when no vision API will see it
    # A carousel's (`carousel_photo`): the next photos a vision API sees, every photo's analysis.
    more_jpegs: tuple[bytes, ...] = ()
    item_analyses: tuple[ImageAnalysis, ...] = ()


def carousel_photo(photos: Sequence[PreparedPhoto]) -> PreparedPhoto:
    """A carousel's photos, prepared one by one, as the content step takes them: the first one's
    analysis for the post, a hash of them all, the first MAX_VISION_PHOTOS for a vision API."""
    digest = hashlib.sha256("|".join(photo.image_hash for photo in photos).encode()).hexdigest()
    first, *others = photos
    return PreparedPhoto(
        first.analysis,
        digest,
        first.vision_jpeg,
        tuple(photo.vision_jpeg for photo in others[: MAX_VISION_PHOTOS - 1] if photo.vision_jpeg),
        tuple(photo.analysis for photo in photos),
    )


@dataclass(frozen=True, slots=True)
class _Part:
    """How one part (writing, accounts) was produced."""

    provider: str
    cached: bool = False
    fallback: str | None = None


class CallBudget:
    """AI calls left this session, and in the user's day when a `gate` keeps their quota;
    spending past either is a provider failure (QuotaUsedUp for the day's)."""

    def __init__(self, limit: int, gate: UsageGate | None = None) -> None:
        self.limit, self.used = limit, 0
        self._gate = gate
        self.notices: list[Marked] = []  # for the user: which quota stopped a call

    async def spend(self, part: str) -> None:
        if self.used >= self.limit:
            raise ProviderError(f"AI call budget of {self.limit} per session used up before {part}")
        if self._gate is not None:
            try:
                await self._gate.take("ai_call")
            except QuotaUsedUp as exc:
                self.notices.append(
                    Marked(N_("Written without AI: {reason}"), {"reason": exc.wording})
                )
                raise
        self.used += 1


class ContentEngine:
    """Providers chosen once from settings, plus the cache; `generate` runs per session.
    Long-lived (one per bot process) so the memory cache serves repeated requests."""

    def __init__(
        self, settings: ProviderSettings | None = None, cache: ContentCache | None = None
    ) -> None:
        self.settings = settings = settings or ProviderSettings()
        self.vision: Vision = LocalVision()
        self._local_writer = LocalWriter()
        self._local_accounts = LocalAccountFinder(
            settings.accounts_by_niche, settings.accounts_source
        )
        # Remote providers (and their pydantic models) are imported only when configured.
        self.writer: Writer = self._local_writer
        self.accounts: AccountFinder = self._local_accounts
        self._pages: HashtagPages | None = None
        if settings.openai:
            from postready.pipeline.providers.openai_writer import OpenAIVisionWriter

            self.writer = OpenAIVisionWriter(settings.openai)
        if settings.gemini:
            from postready.pipeline.providers.gemini_accounts import GeminiAccountFinder

            self.accounts = GeminiAccountFinder(settings.gemini)
        if settings.hashtag_pages:
            from postready.pipeline.providers.hashtag_pages import HashtagPages

            self._pages = HashtagPages(settings.hashtag_pages)
        self._cache = cache or (
            DirectoryCache(settings.cache_dir) if settings.cache_dir else MemoryCache()
        )

    @property
    def photo_side(self) -> int:
        """The longest side `prepare` needs of the photo: what a vision API sees when the
        writer is one, else what the local analysis looks at."""
        return MAX_VISION_SIDE if self.writer.remote else ANALYSIS_SIDE

    def prepare(
        self,
        image: Image.Image,
        signals: CropSignals,
        source: bytes | Path,
        description: str,
        vision_side: int | None = MAX_VISION_SIDE,
    ) -> PreparedPhoto:
        """CPU work for the content step (for an executor): analysis, source hash, the JPEG a
        vision API would see, at most `vision_side` px (None: it sees none, as a carousel's
        later photos), and the vocabulary loaded (once a process)."""
        load_vocabulary()
        data = source if isinstance(source, bytes) else source.read_bytes()
        analysis = self.vision.analyse(image, signals, description)
        seen = self.writer.remote and vision_side is not None
        jpeg = vision_jpeg(image, vision_side) if seen and vision_side else b""
        return PreparedPhoto(analysis, hashlib.sha256(data).hexdigest(), jpeg)

    async def generate(
        self,
        request: OptimizeRequest,
        photo: PreparedPhoto,
        now: datetime,
        report: Report = lambda message: None,
        session_id: str = "",
        gate: UsageGate | None = None,
    ) -> ContentOutcome:
        """Every requested platform's post. The writer and the account finder run at once;
        `report` is called once as each finishes (CONTENT_EVENTS in all). `gate`: the user's
        daily AI quota, asked before each call (none: only the per-session budget)."""
        budget = CallBudget(self.settings.max_ai_calls, gate)
        platforms = tuple(dict.fromkeys(request.platforms))
        brief = ContentBrief(
            image_jpeg=photo.vision_jpeg,
            image_hash=photo.image_hash,
            description=request.description,
            platforms=platforms,
            analysis=photo.analysis,
            language=request.language,
            hashtag_language=request.hashtag_language,
            more_images=photo.more_jpegs,
            item_analyses=photo.item_analyses,
            brand=request.brand,
        )
        pages_reason = None
        if self._pages is not None:
            brief, pages_reason = await self._with_related_tags(brief)
        local = await self._local_writer.write(brief)

        async def written_locally() -> Writing:  # the local writing is done already
            return local

        async def write() -> tuple[Writing, _Part]:
            result = await self._call(
                "writing", session_id, brief, budget, Writing,
                (self.writer, (lambda: self.writer.write(brief)) if self.writer.remote
                 else written_locally),
                (self._local_writer, written_locally),
            )  # fmt: skip
            report(N_("Captions written"))
            return result

        async def find() -> tuple[AccountSuggestions, _Part]:
            result = await self._call(
                "accounts", session_id, brief, budget, AccountSuggestions,
                (self.accounts, lambda: self.accounts.find(brief, local.niches)),
                (self._local_accounts, lambda: self._local_accounts.find(brief, local.niches)),
            )  # fmt: skip
            report(N_("Accounts to tag checked"))
            return result

        (writing, written), (accounts, found) = await asyncio.gather(write(), find())
        fallbacks = {
            part: info.fallback for part, info in (("writing", written), ("accounts", found))
            if info.fallback
        }  # fmt: skip
        if pages_reason:
            fallbacks["hashtag_pages"] = pages_reason
        sources = ContentSources(
            analysis=self.vision.name if written.provider == self._local_writer.name
            else f"{self.vision.name} + {written.provider}",
            writing=written.provider,
            accounts=found.provider,
            fallbacks=fallbacks,
            cached=tuple(p for p, i in (("writing", written), ("accounts", found)) if i.cached),
        )  # fmt: skip
        # Here, not at the top: the text modules load once a run is under way (beside its
        # image work), not before it can start.
        from postready.pipeline.platform_posts import platform_content, post_topics

        vocabulary = load_vocabulary(request.language)
        topics = post_topics(writing, local, vocabulary)
        contents = {
            key: platform_content(PLATFORMS[key], request, brief, now, writing, local, topics,
                                  accounts, sources)
            for key in platforms
        }  # fmt: skip
        vision = None if written.provider == self._local_writer.name else written.provider
        return ContentOutcome(
            writing.analysis,
            contents,
            budget.used,
            vision,
            usage=writing.usage + accounts.usage,
            notices=tuple(dict.fromkeys(budget.notices)),
        )

    async def _call(
        self,
        part: str,
        session_id: str,
        brief: ContentBrief,
        budget: CallBudget,
        kind: type[T],  # the result's class, for from_json on a cache hit
        call: tuple[_Provider, Callable[[], Awaitable[T]]],
        fallback_call: tuple[_Provider, Callable[[], Awaitable[T]]],
    ) -> tuple[T, _Part]:
        """One provider call: local ones directly; remote ones from the cache, or within the
        budget, falling back to the local provider with the reason when they fail."""
        (provider, run), (fallback, run_fallback) = call, fallback_call
        if not provider.remote:
            return await run(), _Part(provider.name)
        key = cache_key(
            part,
            brief.image_hash,
            brief.platforms,
            brief.description,
            f"{brief.language}|{brief.hashtag_language}",
            provider.name,
            brief.brand.fingerprint() if brief.brand and part == "writing" else "",
        )
        hit = self._cache.get(key)
        if hit is not None:
            try:
                return kind.from_json(hit), _Part(provider.name, cached=True)
            except (KeyError, TypeError, ValueError):  # written by another version: a miss
                log.warning("cache_entry_unusable session=%s part=%s", session_id, part)
        try:
            await budget.spend(part)
            result = await run()
        except ProviderError as exc:
            reason = exc.reason
        except Exception as exc:
            log.exception(
                "provider_failed session=%s part=%s provider=%s", session_id, part, provider.name
            )
            reason = f"{provider.name} failed unexpectedly ({type(exc).__name__})"
        else:
            self._cache.put(key, result.to_json())
            return result, _Part(provider.name)
        log.warning(
            "provider_fallback session=%s part=%s provider=%s reason=%s",
            session_id, part, provider.name, reason,
        )  # fmt: skip
        return await run_fallback(), _Part(fallback.name, fallback=reason)

    async def _with_related_tags(self, brief: ContentBrief) -> tuple[ContentBrief, str | None]:
        """The brief with tags related to its niches' top tags, or the reason there are none."""
        assert self._pages is not None
        from postready.pipeline.meaning import read_topics

        vocabulary = load_vocabulary(brief.language)
        topics = read_topics(brief.analysis, vocabulary)
        niches = [vocabulary.niches[key] for key in topics.niches[:2]]
        seeds = [niche.tags["medium"][0] for niche in niches if niche.tags["medium"]]
        try:
            related = await self._pages.related(seeds)
        except ProviderError as exc:
            return brief, exc.reason
        return replace(brief, related_tags=related), None


def vision_jpeg(image: Image.Image, side: int = MAX_VISION_SIDE) -> bytes:
    """The photo as a vision API should get it: at most `side` px, sRGB JPEG."""
    small = image.convert("RGB")
    small.thumbnail((side, side), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    small.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
