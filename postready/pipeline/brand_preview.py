"""One post written with a brand kit before any photo is sent: the local content step on a
sample photo's analysis (or a photo the user sent before), as the kit's menu shows it."""

from __future__ import annotations

from datetime import UTC, datetime

from postready.pipeline.analysis import redescribe
from postready.pipeline.brand import BrandKit
from postready.pipeline.content import ContentEngine, PreparedPhoto
from postready.pipeline.models import OptimizeRequest, PlatformContent
from postready.pipeline.providers.types import ImageAnalysis, NamedColour
from postready.pipeline.wording import ENGLISH, wording

SAMPLE = ImageAnalysis(
    summary="",
    subjects=(),
    colours=(NamedColour("terracotta", "#c0603a", 0.4), NamedColour("cream", "#f3ead8", 0.3)),
    brightness=0.6,
    contrast=0.2,
    saturation=0.4,
    mood="warm and bright",
    faces=0,
    product_shot=True,
)
_LOCAL = ContentEngine()  # the local writer only: a preview costs no AI call


async def preview_post(
    kit: BrandKit,
    platform: str = "instagram",
    description: str | None = None,
    analysis: ImageAnalysis = SAMPLE,
    language: str = ENGLISH,
) -> PlatformContent:
    """`platform`'s post in `language` for `description` (None: the sample's words in the
    language) about the photo `analysis` describes, written locally with `kit`."""
    words = wording(language).sample_words if description is None else description
    photo = PreparedPhoto(redescribe(analysis, words), "brand-preview", b"")
    request = OptimizeRequest(
        source=b"", platforms=(platform,), description=words, brand=kit, language=language
    )
    outcome = await _LOCAL.generate(request, photo, datetime.now(UTC))
    return outcome.platforms[platform]
