"""A carousel: several photos as one post per platform. Every photo is checked from its header
first, so a bad one stops the post before any work; each platform then gets one shared variant,
the one that needs the least cropping for the set as a whole; each photo is decoded, analysed
(faces, subject) and cropped to it with its own faces kept, a few at a time; one content step
writes one caption and hashtag set per platform and alt text per photo. More photos than a
platform takes make consecutive posts, with a warning; none is dropped.
"""

from __future__ import annotations

import asyncio
import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from postready.pipeline.caption_file import post_range
from postready.pipeline.content import CONTENT_EVENTS, ContentEngine, PreparedPhoto, carousel_photo
from postready.pipeline.encoding import public_exif
from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.loading import ImageSource, LoadLimits, load_image, load_logo, read_size
from postready.pipeline.marking import N_, Marked, photo_count, post_count
from postready.pipeline.models import (
    ErrorInfo,
    ItemImage,
    OptimizeRequest,
    OptimizeResult,
    PlatformResult,
    ProgressEvent,
    ProgressMessage,
    Reporter,
    SourceInfo,
)
from postready.pipeline.platform_plans import PlatformPlan, min_decoded_size, plan_platform
from postready.pipeline.platforms import PlatformSpec
from postready.pipeline.pricing import cost_of
from postready.pipeline.providers.base import CAROUSEL_VISION_SIDE, MAX_VISION_PHOTOS
from postready.pipeline.resizing import MAX_UPSCALE
from postready.pipeline.wording import post_language

if TYPE_CHECKING:
    from PIL import Image

    from postready.pipeline.providers.base import UsageGate

PHOTOS_AT_ONCE = 2  # photos decoded and rendered at the same time: memory stays bounded
MAX_SET_BYTES_FACTOR = 4  # a carousel's files together: at most this many times one file's cap


@dataclass(frozen=True, slots=True)
class _Photo:
    number: int  # from 1
    source: ImageSource
    name: str


@dataclass(frozen=True, slots=True)
class _Rendered:
    info: SourceInfo
    results: dict[str, PlatformResult]


async def run_carousel(
    request: OptimizeRequest,
    output_root: Path,
    *,
    limits: LoadLimits = LoadLimits(),
    progress: Callable[[ProgressEvent], None] | None = None,
    executor: Executor | None = None,
    session_id: str | None = None,
    content: ContentEngine | None = None,
    gate: UsageGate | None = None,
) -> OptimizeResult:
    """`request` (with `more_photos`) as one post per platform; writes `<output_root>/<session>/`
    with `<platform>_<n>` images, one `<platform>_caption.txt` each and `results.json` (with
    `items`). Called by `run_optimization`, which documents the arguments. Raises PostReadyError
    naming the photo when one is unusable, and INVALID_OPTION for product photography, which
    carousels do not do yet. A post's feed preview shows its first image, marked "1/N"."""
    from postready.pipeline.runner import (
        feed_previews,
        generate_content,
        platform_specs,
        progress_reporter,
        source_name,
        user_uuid,
        write_caption_files,
        write_results,
    )

    loop = asyncio.get_running_loop()
    started = datetime.now(UTC)
    session_id = session_id or str(uuid.uuid4())
    specs = platform_specs(request)
    if request.styles:
        raise PostReadyError(
            ErrorCode.INVALID_OPTION,
            N_("product photography works on single photos, not carousels yet"),
        )
    photos = [
        _Photo(number, source, source_name(source, name))
        for number, (source, name) in enumerate(
            [(request.source, request.source_name)]
            + [(photo.source, photo.name) for photo in request.more_photos],
            1,
        )
    ]
    engine = content or ContentEngine()
    steps = len(photos) * (1 + len(specs)) + CONTENT_EVENTS + (1 if request.previews else 0)
    report = progress_reporter(steps, progress)
    report("load", Marked(N_("Checking {photos}…"), {"photos": photo_count(len(photos))}))
    sizes = await asyncio.gather(
        *(loop.run_in_executor(executor, _checked_size, photo, limits) for photo in photos)
    )
    _check_set_size(photos, limits)
    plans = [_one_size(plan_platform(spec, request, *sizes), sizes) for spec in specs]
    # Decoded large enough for every platform's shared variant.
    targets = [plan.variant.size for plan in plans]
    session_dir = output_root / session_id
    session_dir.mkdir(parents=True, exist_ok=True)

    from postready.pipeline.faces import prepare_detectors

    await loop.run_in_executor(executor, prepare_detectors)
    logo = None
    if request.logo is not None:
        logo = await loop.run_in_executor(executor, load_logo, request.logo.source)
    prepared: list[asyncio.Future[PreparedPhoto]] = [loop.create_future() for _ in photos]
    at_once = asyncio.Semaphore(PHOTOS_AT_ONCE)

    async def render(photo: _Photo) -> _Rendered:
        async with at_once:
            return await _render_photo(
                photo,
                request,
                plans,
                targets,
                limits,
                logo,
                session_dir,
                engine,
                executor,
                prepared[photo.number - 1],
                report,
            )

    async def all_prepared() -> PreparedPhoto:
        return carousel_photo(await asyncio.gather(*prepared))

    content_task = asyncio.create_task(
        generate_content(engine, request, all_prepared(), started, report, session_id, gate)
    )
    renders = [asyncio.create_task(render(photo)) for photo in photos]
    try:
        rendered = await asyncio.gather(*renders)
        outcome = await content_task
    except BaseException as exc:
        for task in renders:
            task.cancel()
        await asyncio.gather(*renders, return_exceptions=True)
        if isinstance(exc, PostReadyError):  # a photo's header was fine, its pixels are not
            shutil.rmtree(session_dir, ignore_errors=True)  # no half-written post
        raise
    finally:
        content_task.cancel()
    results = {plan.spec.key: _platform_result(plan, rendered) for plan in plans}
    write_caption_files(results, outcome, session_dir, request.language)
    previews = await feed_previews(request, results, session_dir, executor, session_id, report)
    items = tuple(item.info for item in rendered)
    result = OptimizeResult(
        session_id=session_id,
        user_uuid=user_uuid(request.user_id),
        language=post_language(request.language),
        hashtag_language=request.hashtag_language,
        started_at=started,
        finished_at=datetime.now(UTC),
        source=items[0],
        platforms=results,
        analysis=outcome.analysis if outcome else None,
        ai_calls=outcome.ai_calls if outcome else 0,
        cost=cost_of(outcome.usage if outcome else (), engine.settings.prices),
        notices=outcome.notices if outcome else (),
        items=items,
        brand=request.brand,
        previews=previews,
    )
    write_results(result, session_dir)
    return result


def split_posts(count: int, max_items: int) -> tuple[tuple[int, ...], ...]:
    """Photo numbers 1..count in consecutive posts of at most `max_items` (20 + 5 for 25)."""
    return tuple(
        tuple(range(first, min(first + max_items, count + 1)))
        for first in range(1, count + 1, max_items)
    )


def _one_size(plan: PlatformPlan, sizes: list[tuple[int, int]]) -> PlatformPlan:
    """Where a platform shows every item in one shape, every item in one size too: the
    variant made as small as the smallest photo's crop allows (enlarged at most MAX_UPSCALE),
    with a warning, rather than the photos too small for it coming out smaller than the rest."""
    variant = plan.variant
    if not plan.spec.carousel_same_ratio:
        return plan
    widths = [round(min(width, height * variant.ratio) * MAX_UPSCALE) for width, height in sizes]
    width = min(variant.width, *widths)
    if width == variant.width:
        return plan
    smaller = replace(variant, width=width, height=round(width / variant.ratio))
    smallest = widths.index(min(widths)) + 1
    warning = Marked(
        N_(
            "all photos saved at {saved}, one size for the whole post: photo {number} is too "
            "small for {size} (enlarged at most {factor}×)"
        ),
        {"saved": f"{smaller.width}×{smaller.height}", "number": smallest,
         "size": f"{variant.width}×{variant.height}", "factor": f"{MAX_UPSCALE:g}"},
    )  # fmt: skip
    return replace(plan, variant=smaller, warnings=(*plan.warnings, warning))


def _checked_size(photo: _Photo, limits: LoadLimits) -> tuple[int, int]:
    try:
        return read_size(photo.source, limits)
    except PostReadyError as exc:
        raise _about(photo, exc) from exc


def _of_photo(number: int, message: ProgressMessage) -> Marked:
    """A step's progress line naming the photo it is about: "photo 2: Instagram image ready"."""
    step = message if isinstance(message, Marked) else Marked(message, {})
    return Marked(N_("photo {number}: {step}"), {"number": number, "step": step})


def _about(photo: _Photo, exc: PostReadyError) -> PostReadyError:
    return about_photo(photo.number, photo.name, exc)


def about_photo(number: int, name: str, exc: PostReadyError) -> PostReadyError:
    """`exc` naming the photo of a carousel it is about: "photo 2 (mug-2.jpg): …"."""
    return PostReadyError(
        exc.code,
        N_("photo {number} ({name}): {problem}"),
        number=number,
        name=name,
        problem=Marked(exc.template, exc.fields),
    )


def _check_set_size(photos: list[_Photo], limits: LoadLimits) -> None:
    check_set_size(
        [
            len(photo.source) if isinstance(photo.source, bytes) else photo.source.stat().st_size
            for photo in photos
        ],
        limits,
    )


def check_set_size(sizes: Sequence[int], limits: LoadLimits) -> None:
    """The set's cap: MAX_SET_BYTES_FACTOR times one photo's, counted from the files' sizes
    (the queue checks it at submission, the pipeline again when the job runs)."""
    total = sum(sizes)
    cap = MAX_SET_BYTES_FACTOR * limits.max_bytes
    if total > cap:
        raise PostReadyError(
            ErrorCode.FILE_TOO_LARGE,
            N_("the {count} photos make {size} MB together; a carousel takes at most {limit} MB"),
            count=len(sizes),
            size=f"{total / 1_000_000:.1f}",
            limit=f"{cap / 1_000_000:g}",
        )


async def _render_photo(
    photo: _Photo,
    request: OptimizeRequest,
    plans: list[PlatformPlan],
    targets: list[tuple[int, int]],
    limits: LoadLimits,
    logo: Image.Image | None,
    session_dir: Path,
    engine: ContentEngine,
    executor: Executor | None,
    prepared: asyncio.Future[PreparedPhoto],
    report: Reporter,
) -> _Rendered:
    """One photo: decoded as small as its crops allow, its faces and subject found, what the
    content step needs prepared, then cropped to every platform's shared variant."""
    import numpy as np

    from postready.pipeline.cropping import detect_crop_signals
    from postready.pipeline.platform_images import RenderContext, render_platforms

    loop = asyncio.get_running_loop()
    try:
        loaded = await loop.run_in_executor(
            executor,
            partial(
                load_image,
                photo.source,
                limits,
                min_decoded_size=partial(min_decoded_size, targets),
            ),
        )
    except PostReadyError as exc:
        raise _about(photo, exc) from exc
    report("analyse", _of_photo(photo.number, N_("finding faces and the subject")))
    signals = await loop.run_in_executor(executor, detect_crop_signals, loaded.image)
    side = CAROUSEL_VISION_SIDE if photo.number <= MAX_VISION_PHOTOS else None
    prepare = partial(
        engine.prepare, loaded.image, signals, photo.source, request.description, side
    )
    try:
        prepared.set_result(await loop.run_in_executor(executor, prepare))
    except Exception as exc:  # the content step reports it; the images still come
        prepared.set_exception(exc)
    context = RenderContext(
        pixels=np.asarray(loaded.image),
        mode=loaded.image.mode,
        scale=loaded.scale,
        signals=signals,
        logo=logo,
        logo_options=request.logo.options if request.logo else None,
        exif=public_exif(loaded.exif),
        session_dir=session_dir,
        item=photo.number,
    )
    results = await render_platforms(
        plans,
        context,
        executor,
        lambda stage, message: report(stage, _of_photo(photo.number, message)),
    )
    info = SourceInfo(photo.name, loaded.source_format, *loaded.source_size, notes=loaded.notes)
    return _Rendered(info, results)


def _platform_result(plan: PlatformPlan, rendered: list[_Rendered]) -> PlatformResult:
    """One platform's post from its photos' images: failed when any photo failed for it (the
    error names the photo), else every image in order and the posts they make."""
    spec = plan.spec
    key = spec.key
    started = time.perf_counter()
    per_photo = [item.results[key] for item in rendered]
    elapsed = sum(item.processing_time for item in per_photo)
    items: list[ItemImage] = []
    for number, item in enumerate(per_photo, 1):
        if item.image is None or item.crop_box is None or item.crop_method is None:
            error = item.error or ErrorInfo.marked(ErrorCode.PROCESSING_FAILED, N_("no image"))
            about = ErrorInfo.marked(
                error.code,
                N_("photo {number}: {problem}"),
                number=number,
                problem=Marked(*error.wording),
            )
            return PlatformResult(key, "failed", elapsed, error=about)
        items.append(ItemImage(number, item.image, item.crop_box, item.crop_method))
    posts = split_posts(len(items), spec.carousel_limit or 1)
    first = per_photo[0]
    return PlatformResult(
        platform=key,
        status="success",
        processing_time=elapsed + time.perf_counter() - started,
        variant=plan.variant.name,
        crop_box=first.crop_box,
        crop_method=first.crop_method,
        image=first.image,
        warnings=_warnings(spec, plan, per_photo, posts),
        items=tuple(items),
        posts=posts,
    )


def _warnings(
    spec: PlatformSpec,
    plan: PlatformPlan,
    per_photo: list[PlatformResult],
    posts: tuple[tuple[int, ...], ...],
) -> tuple[Marked, ...]:
    """The plan's warnings once, each photo's own with its number, and the split."""
    warnings = list(plan.warnings)
    for number, item in enumerate(per_photo, 1):
        warnings += [
            Marked(N_("photo {number}: {warning}"), {"number": number, "warning": w})
            for w in item.warnings
            if w not in plan.warnings
        ]
    if len(posts) > 1:
        warnings.append(
            Marked(
                N_(
                    "{photos}: {platform} takes at most {limit} per post, so they make "
                    "{posts} (photos {ranges}); post them one after the other"
                ),
                {
                    "photos": photo_count(len(per_photo)),
                    "platform": spec.display_name,
                    "limit": spec.carousel_limit or 1,
                    "posts": post_count(len(posts)),
                    "ranges": ", ".join(post_range(post) for post in posts),
                },
            )
        )
    return tuple(warnings)
