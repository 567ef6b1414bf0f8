"""One process's content step, for bench_content.py: import PostReady from the tree given, time
the first (cold) content step and then warm ones, and print the timings and the posts as JSON.

    python bench/content_step.py TREE REPEAT < cases.json   (a JSON list of [photo, description])

TREE is a source tree holding `postready/` (this checkout, or an older one to compare with).
"""

from __future__ import annotations

import asyncio
import io
import json
import statistics
import sys
import time

STARTED = time.perf_counter()
TREE, REPEAT = sys.argv[1], int(sys.argv[2])
sys.path.insert(0, TREE)


def photo(name: str):  # type: ignore[no-untyped-def]
    import skimage.data
    from PIL import Image

    return Image.fromarray(getattr(skimage.data, name)()).convert("RGB")


async def main() -> None:
    cases = json.load(sys.stdin)
    from datetime import UTC, datetime

    from postready.pipeline.cropping import detect_crop_signals
    from postready.pipeline.models import OptimizeRequest
    from postready.pipeline.platforms import PLATFORMS

    prepared = {}
    for name in {name for name, _ in cases}:
        image = photo(name)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=90)
        prepared[name] = (image, detect_crop_signals(image), buffer.getvalue())
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    ready = time.perf_counter()
    # The content step as the runner calls it: the engine (made once per process), the CPU part
    # (analysis), then every platform's post.
    from postready.pipeline.content import ContentEngine

    engine = ContentEngine()

    async def step(name: str, description: str):  # type: ignore[no-untyped-def]
        image, signals, data = prepared[name]
        ready_photo = engine.prepare(image, signals, data, description)
        request = OptimizeRequest(data, tuple(PLATFORMS), description=description)
        return await engine.generate(request, ready_photo, now)

    started = time.perf_counter()
    outcomes = [await step(*cases[0])]
    cold_ms = (time.perf_counter() - started) * 1000
    times = []
    for round_number in range(REPEAT):
        for index, (name, description) in enumerate(cases):
            started = time.perf_counter()
            outcome = await step(name, description)
            times.append((time.perf_counter() - started) * 1000)
            if round_number == 0 and index > 0:
                outcomes.append(outcome)
    posts = {
        description: {
            key: {
                "hashtags": list(content.hashtags),
                "caption": content.caption,
                "alt_text": getattr(content, "alt_text", None),
            }
            for key, content in outcome.platforms.items()
        }
        for (_, description), outcome in zip(cases, outcomes, strict=True)
    }
    print(json.dumps({
        "import_and_photos_ms": (ready - STARTED) * 1000,
        "cold_ms": cold_ms,
        "warm_median_ms": statistics.median(times),
        "warm_max_ms": max(times),
        "posts": posts,
    }))  # fmt: skip


asyncio.run(main())
