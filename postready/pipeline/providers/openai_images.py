"""OpenAI image edits (`images.edit`): the only module that calls the images API."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field

from postready.pipeline.providers.types import Usage

DEFAULT_MODEL = "gpt-image-1.5"  # gpt-image-1 was shut down on 23 Oct 2026
# Sizes every GPT image model accepts (gpt-image-2 takes more; these keep the model swappable).
SIZES: tuple[tuple[int, int], ...] = ((1024, 1024), (1536, 1024), (1024, 1536))
MAX_MASK_BYTES = 4_000_000


class ImageServiceError(Exception):
    """The image service could not produce an image (after the SDK's own retries)."""


@dataclass(frozen=True, slots=True)
class OpenAIImageSettings:
    api_key: str = field(repr=False)
    base_url: str | None = None
    model: str = DEFAULT_MODEL
    timeout: float = 240.0  # seconds per attempt: an edit can take a minute or more
    max_retries: int = 3  # the SDK retries 408/409/429/5xx with exponential backoff


def closest_size(ratios: Sequence[float]) -> tuple[int, int]:
    """The supported size from which every target ratio (width/height) loses the least to
    cropping: one generated image then serves every platform."""

    def worst_loss(size: tuple[int, int]) -> float:
        ratio = size[0] / size[1]
        return max(1 - min(ratio / r, r / ratio) for r in ratios)

    return min(SIZES, key=worst_loss)


class OpenAIImageEditor:
    """Edits through the official SDK; one client (and connection pool) per editor."""

    def __init__(self, settings: OpenAIImageSettings) -> None:
        from openai import AsyncOpenAI

        self.settings = settings
        self._client = AsyncOpenAI(
            api_key=settings.api_key,
            base_url=settings.base_url,
            timeout=settings.timeout,
            max_retries=settings.max_retries,
        )

    async def edit(
        self, image_png: bytes, mask_png: bytes, prompt: str, size: tuple[int, int]
    ) -> tuple[bytes, Usage]:
        """Repaint where `mask_png` is transparent; returns the new image's bytes (PNG) and
        what the call used.

        The mask must be a PNG the same size as the image, under 4 MB."""
        import openai

        if len(mask_png) >= MAX_MASK_BYTES:
            raise ImageServiceError(f"mask is {len(mask_png)} bytes; the API takes < 4 MB")
        try:
            response = await self._client.images.edit(
                model=self.settings.model,
                image=("product.png", image_png, "image/png"),
                mask=("mask.png", mask_png, "image/png"),
                prompt=prompt,
                size=f"{size[0]}x{size[1]}",
                n=1,
            )
        except openai.OpenAIError as exc:
            raise ImageServiceError(_failure(exc)) from exc
        if not response.data or not response.data[0].b64_json:
            raise ImageServiceError("the response held no image")
        tokens = response.usage
        usage = Usage(
            self.settings.model,
            tokens.input_tokens if tokens else 0,
            tokens.output_tokens if tokens else 0,
            images=len(response.data),
        )
        return base64.b64decode(response.data[0].b64_json), usage

    async def aclose(self) -> None:
        await self._client.close()


def _failure(exc: BaseException) -> str:
    """A failed call in fixed words: never the service's own text (a 401's echoes the key)."""
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return "the image API timed out"
    if isinstance(exc, openai.APIConnectionError):
        return "the image API could not be reached"
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        if status == 429:
            return "the image API's rate limit or quota (429)"
        if status in (401, 403):
            return f"the image API refused the API key ({status})"
        return f"the image API answered {status}"
    return f"the image API failed ({type(exc).__name__})"
