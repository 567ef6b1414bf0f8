"""Each platform's image, as planned (`platform_plans.py`): cropped, resized, branded and
encoded once per distinct size and format, concurrently off the event loop."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image

from postready.pipeline.cropping import CropSignals, choose_crop_box
from postready.pipeline.encoding import EXTENSIONS, EncodedImage, encode_under_limit
from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.logo import LogoOptions
from postready.pipeline.logo_placement import place_logo
from postready.pipeline.marking import N_, Marked
from postready.pipeline.models import ErrorInfo, ImageOutput, PlatformResult, Reporter
from postready.pipeline.platform_plans import PlatformPlan
from postready.pipeline.platforms import PLATFORMS, OutputFormat
from postready.pipeline.resizing import MAX_UPSCALE, resize_crop

log = logging.getLogger(__name__)


async def render_platforms(
    plans: list[PlatformPlan],
    context: RenderContext,
    executor: Executor | None,
    report: Reporter,
) -> dict[str, PlatformResult]:
    """Every platform's image, one render per distinct (size, format), as many at once as
    there are CPUs, the largest first: more at once would only share the CPUs and hold more
    images in memory, and the largest started last would finish last, alone."""
    loop = asyncio.get_running_loop()
    groups: dict[tuple[tuple[int, int], OutputFormat], list[PlatformPlan]] = {}
    for plan in plans:
        groups.setdefault((plan.variant.size, plan.output_format), []).append(plan)
    cpus = asyncio.Semaphore(os.cpu_count() or 1)

    async def render(group: list[PlatformPlan]) -> list[PlatformResult]:
        async with cpus:
            return await loop.run_in_executor(executor, _render_group, group, context)

    largest_first = sorted(groups.items(), key=lambda item: -item[0][0][0] * item[0][0][1])
    tasks = [asyncio.ensure_future(render(group)) for _, group in largest_first]
    results: dict[str, PlatformResult] = {}
    for future in asyncio.as_completed(tasks):
        for item in await future:
            results[item.platform] = item
            name = PLATFORMS[item.platform].display_name
            ready = item.status == "success"
            words = N_("{platform} image ready") if ready else N_("{platform} image failed")
            report("images", Marked(words, {"platform": name}))
    return results


@dataclass(frozen=True, slots=True)
class RenderContext:
    """Everything platforms share: decoded once, analysed once."""

    pixels: npt.NDArray[np.uint8]  # RGB or RGBA, as `mode` says
    mode: str
    scale: float
    signals: CropSignals
    logo: Image.Image | None
    logo_options: LogoOptions | None
    exif: bytes
    session_dir: Path
    item: int | None = None  # a carousel's photo number: files are named `<platform>_<item>`


def _render_group(jobs: list[PlatformPlan], context: RenderContext) -> list[PlatformResult]:
    """Render once for platforms that share a size and format (Instagram, Facebook and
    LinkedIn often all want 1080×1080), then encode per byte limit and write each file."""
    started = time.perf_counter()
    variant = jobs[0].variant
    try:
        height, width = context.pixels.shape[:2]
        choice = choose_crop_box((width, height), variant.ratio, context.signals)
        resized = resize_crop(context.pixels, context.mode, choice.box, variant.size)
        image = resized.image
        if context.logo is not None and context.logo_options is not None:
            image, _ = place_logo(image, context.logo, context.logo_options)
    except Exception as exc:
        return [_failed(job.spec.key, started, _error_info(exc, job.spec.key)) for job in jobs]

    results = []
    encoded: EncodedImage | None = None
    for job in sorted(jobs, key=lambda j: j.max_bytes, reverse=True):
        key = job.spec.key
        try:
            if encoded is None or len(encoded.data) > job.max_bytes:
                encoded = encode_under_limit(image, job.output_format, job.max_bytes, context.exif)
            stem = key if context.item is None else f"{key}_{context.item}"
            path = context.session_dir / f"{stem}.{EXTENSIONS[job.output_format]}"
            path.write_bytes(encoded.data)
        except Exception as exc:
            results.append(_failed(key, started, _error_info(exc, key)))
            continue
        results.append(
            PlatformResult(
                platform=key,
                status="success",
                processing_time=time.perf_counter() - started,
                variant=job.variant.name,
                crop_box=choice.box.scaled(1 / context.scale),
                crop_method=choice.method,
                image=ImageOutput(
                    path,
                    encoded.format,
                    encoded.width,
                    encoded.height,
                    len(encoded.data),
                    encoded.quality,
                ),
                warnings=_warnings(job, resized.upscale_limited, encoded),
            )
        )
    return results


def _warnings(
    job: PlatformPlan, upscale_limited: bool, encoded: EncodedImage
) -> tuple[Marked, ...]:
    warnings = list(job.warnings)
    saved = f"{encoded.width}×{encoded.height}"
    if upscale_limited:
        warnings.append(
            Marked(
                N_("photo too small for {size}: saved at {saved} (enlarged at most {factor}×)"),
                {
                    "size": f"{job.variant.width}×{job.variant.height}",
                    "saved": saved,
                    "factor": f"{MAX_UPSCALE:g}",
                },
            )
        )
    if encoded.shrunk:
        warnings.append(
            Marked(
                N_("made smaller ({saved}) to fit {limit} MB"),
                {"saved": saved, "limit": f"{job.max_bytes / 1_000_000:g}"},
            )
        )
    return tuple(warnings)


def _error_info(exc: Exception, key: str) -> ErrorInfo:
    if isinstance(exc, PostReadyError):
        return ErrorInfo.of(exc)
    log.error("platform_failed platform=%s", key, exc_info=exc)
    return ErrorInfo.marked(ErrorCode.PROCESSING_FAILED, N_("unexpected error; see the log"))


def _failed(key: str, started: float, error: ErrorInfo) -> PlatformResult:
    return PlatformResult(key, "failed", time.perf_counter() - started, error=error)
