"""A real photo, prepared once, and a way to run the content step on it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from postready.pipeline.brand import BrandKit
from postready.pipeline.content import ContentEngine
from postready.pipeline.cropping import detect_crop_signals
from postready.pipeline.models import OptimizeRequest
from postready.pipeline.providers.base import ProviderSettings, UsageGate
from tests.images import encode, skimage_photo

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
DESCRIPTION = "handmade ceramic mug"


@pytest.fixture(scope="session")
def photo_parts():
    image = skimage_photo("coffee")
    return image, detect_crop_signals(image), encode(image, "PNG")


@pytest.fixture
def run_content(photo_parts):
    """`await run_content(engine_or_settings, platforms=..., description=...)`."""

    async def run(
        engine: ContentEngine | ProviderSettings,
        platforms: tuple[str, ...] = ("instagram", "x", "linkedin"),
        description: str = DESCRIPTION,
        gate: UsageGate | None = None,
        brand: BrandKit | None = None,
        **options: Any,  # the request's: language, hashtag_language, ...
    ):
        if isinstance(engine, ProviderSettings):
            engine = ContentEngine(engine)
        image, signals, data = photo_parts
        photo = engine.prepare(image, signals, data, description)
        request = OptimizeRequest(
            source=data, platforms=platforms, description=description, brand=brand, **options
        )
        return await engine.generate(request, photo, NOW, gate=gate)

    return run
