"""An analysis of a plain photo with the user's words, for tests of the text steps."""

from __future__ import annotations

from dataclasses import replace

from postready.pipeline.providers.types import ImageAnalysis, NamedColour
from postready.pipeline.text import keywords

PLAIN = ImageAnalysis(
    summary="",
    subjects=(),
    colours=(NamedColour("cream", "#f3e5c0", 0.6), NamedColour("brown", "#6b4226", 0.3)),
    brightness=0.6,
    contrast=0.2,
    saturation=0.3,
    mood="bright and warm",
    faces=0,
    product_shot=False,
)


def described(description: str, **signals: object) -> ImageAnalysis:
    """PLAIN with `description` as the user's words and any signals (faces, product_shot)."""
    return replace(PLAIN, subject=description, keywords=keywords(description), **signals)  # type: ignore[arg-type]
