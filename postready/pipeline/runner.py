"""Wire the stages for one request: load once, analyse once, then crop, resize, brand and encode
every platform concurrently off the event loop while the content step (captions, hashtags,
times, accounts) runs alongside, reporting progress as parts finish."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image

from postready.pipeline.caption_file import write_caption_file
from postready.pipeline.content import (
    CONTENT_EVENTS,
    ContentEngine,
    ContentOutcome,
    PreparedPhoto,
)
from postready.pipeline.encoding import public_exif
from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.loading import (
    DecodeSizer,
    ImageSource,
    LoadedImage,
    LoadLimits,
    load_image,
    load_logo,
    rgb_copy,
)
from postready.pipeline.marking import N_, Marked
from postready.pipeline.models import (
    FeedPreviews,
    OptimizeRequest,
    OptimizeResult,
    PlatformResult,
    ProgressEvent,
    ProgressMessage,
    Reporter,
    SourceInfo,
)
from postready.pipeline.platform_plans import PlatformPlan, min_decoded_size, plan_platform
from postready.pipeline.platforms import PLATFORMS, PlatformSpec
from postready.pipeline.pricing import cost_of
from postready.pipeline.timing import zone
from postready.pipeline.wording import post_language

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from postready.pipeline.cropping import CropSignals
    from postready.pipeline.photography_results import ProductPhotographyResult
    from postready.pipeline.platform_images import RenderContext
    from postready.pipeline.product_photos import PhotographySettings
    from postready.pipeline.providers.base import UsageGate
    from postready.pipeline.providers.types import ImageAnalysis

log = logging.getLogger(__name__)

# Called on the event loop's thread, in order; it must not block.
ProgressCallback = Callable[[ProgressEvent], None]
RESULTS_FILE = "results.json"


async def run_optimization(
    request: OptimizeRequest,
    output_root: Path,
    *,
    limits: LoadLimits = LoadLimits(),
    progress: ProgressCallback | None = None,
    executor: Executor | None = None,
    session_id: str | None = None,
    content: ContentEngine | None = None,
    photography: PhotographySettings | None = None,
    gate: UsageGate | None = None,
) -> OptimizeResult:
    """Optimise `request.source` for its platforms; write `<output_root>/<session>/`: one image
    and one `<platform>_caption.txt` per platform, `results.json`, and when the request asks,
    `previews/`: each post as its feed shows it (drawn after the content step) and a sheet.

    `executor` runs the CPU work; it must be a thread pool (or None, the loop's default):
    the steps share the decoded photo and closures that cannot be pickled.
    `content` holds the text providers and their cache, `photography` the services product
    photography may use; both are local and offline when None (pass one long-lived engine to
    share its cache between sessions). `gate` keeps the user's daily quotas of paid calls
    (AI calls, image API renders); past them the local methods do the work and the result's
    `notices` say so. The result's `cost` prices the paid calls by the content engine's table.

    Raises PostReadyError when the request itself is unusable (bad image, unknown platform,
    variant or time zone). A platform that fails on its own is reported failed; the others
    still finish.
    """
    loop = asyncio.get_running_loop()
    started = datetime.now(UTC)
    session_id = session_id or str(uuid.uuid4())
    if request.is_carousel:
        from postready.pipeline.carousel import run_carousel

        return await run_carousel(
            request,
            output_root,
            limits=limits,
            progress=progress,
            executor=executor,
            session_id=session_id,
            content=content,
            gate=gate,
        )
    specs = platform_specs(request)
    styles = _requested_styles(request)
    engine = content or ContentEngine()
    total = len(specs) + 2 + CONTENT_EVENTS + (len(styles) + 1 if styles else 0)
    total += 1 if request.previews else 0
    report = progress_reporter(total, progress)
    report("load", N_("Reading your photo…"))
    plans: dict[str, PlatformPlan] = {}

    # The photo decodes as large as its largest output needs: the platform images, and for
    # styles the copy that product photography cuts out and composes from. Previews draw the
    # platform images; analysis and crop signals work on small copies.
    working_side = 0
    if styles:
        from postready.pipeline.cutout import WORKING_SIDE

        working_side = WORKING_SIDE

    def decode_size(size: tuple[int, int]) -> tuple[int, int]:
        plans.update({spec.key: plan_platform(spec, request, size) for spec in specs})
        targets = [plan.variant.size for plan in plans.values()]
        return min_decoded_size(targets, size, working_side)

    # Pillow's file format modules load here, not in the decoding thread, where they waited
    # for the GIL beside the imports below and held back the decode (~60 -> ~120 ms).
    Image.preinit()
    # Product photography composes from the whole photo; the content step needs a small copy.
    content_side = None if styles else engine.photo_side
    loading = loop.run_in_executor(
        executor, partial(_load_for_search, request.source, limits, decode_size, content_side)
    )
    # The image stages load while the photo decodes: their imports (numpy here, OpenCV and the
    # face models below) hold the GIL about as long as the decoder runs without it.
    from postready.pipeline.cropping import crop_signals, saliency_map
    from postready.pipeline.faces import DETECTOR_LOADERS, faces_in_search_copy, load_opencv
    from postready.pipeline.platform_images import RenderContext, render_platforms

    opencv_ready = loop.run_in_executor(executor, load_opencv)
    decoded = await loading
    loaded, search, size = decoded.photo, decoded.search, decoded.size
    report("analyse", N_("Finding the best crop…"))
    await opencv_ready
    # Saliency runs while the face models load; the face search then has both cores.
    detectors_ready = [loop.run_in_executor(executor, load) for load in DETECTOR_LOADERS]
    saliency = loop.run_in_executor(executor, saliency_map, size, search)
    logo_loading = (
        loop.run_in_executor(executor, load_logo, request.logo.source) if request.logo else None
    )
    await asyncio.gather(*detectors_ready)
    faces = await loop.run_in_executor(executor, faces_in_search_copy, search, size[0])
    signals = crop_signals(size, faces, await saliency)
    logo = await logo_loading if logo_loading else None
    report("images", N_("Sizing your images…"))
    content_task = asyncio.create_task(
        _content(engine, request, loaded, signals, started, executor, report, session_id, gate)
    )
    try:
        session_dir = output_root / session_id
        session_dir.mkdir(parents=True, exist_ok=True)
        context = RenderContext(
            pixels=decoded.pixels,
            mode=decoded.mode,
            scale=decoded.scale,
            signals=signals,
            logo=logo,
            logo_options=request.logo.options if request.logo else None,
            exif=public_exif(loaded.exif),
            session_dir=session_dir,
        )
        results = await render_platforms(list(plans.values()), context, executor, report)
        product_photography = None
        if styles:
            # The content step's vision answer (if a model looked) decides "is it a product"
            # and names it, so product photography needs no call of its own.
            product_photography = await _product_photography(
                request, styles, loaded.image, await content_task, list(plans.values()), context,
                photography, executor, report, gate,
            )  # fmt: skip
        outcome = await content_task
    finally:
        content_task.cancel()
    write_caption_files(results, outcome, session_dir, request.language)
    previews = await feed_previews(request, results, session_dir, executor, session_id, report)

    result = OptimizeResult(
        session_id=session_id,
        user_uuid=user_uuid(request.user_id),
        language=post_language(request.language),
        hashtag_language=request.hashtag_language,
        started_at=started,
        finished_at=datetime.now(UTC),
        source=SourceInfo(
            source_name(request.source, request.source_name),
            loaded.source_format,
            *loaded.source_size,
            notes=loaded.notes,
        ),
        platforms={key: results[key] for key in plans},
        analysis=outcome.analysis if outcome else None,
        ai_calls=outcome.ai_calls if outcome else 0,
        product_photography=product_photography,
        previews=previews,
        cost=cost_of(
            (outcome.usage if outcome else ())
            + (product_photography.usage if product_photography else ()),
            engine.settings.prices,
        ),
        notices=(outcome.notices if outcome else ())
        + (product_photography.notices if product_photography else ()),
        brand=request.brand,
    )
    write_results(result, session_dir)
    return result


@dataclass(frozen=True, slots=True)
class _Decoded:
    """A photo decoded for one run."""

    photo: LoadedImage  # whole, or the small copy the content step needs
    search: npt.NDArray[np.uint8]  # the copy its faces are searched on
    pixels: npt.NDArray[np.uint8]  # what the platform images are cut from: RGB or RGBA

    @property
    def size(self) -> tuple[int, int]:
        height, width = self.pixels.shape[:2]
        return width, height

    @property
    def mode(self) -> str:
        return "RGBA" if self.pixels.shape[2] == 4 else "RGB"

    @property
    def scale(self) -> float:
        """Decoded width / full-resolution width."""
        return self.size[0] / self.photo.source_size[0]


def _load_for_search(
    source: ImageSource,
    limits: LoadLimits,
    decode_size: DecodeSizer,
    content_side: int | None,
) -> _Decoded:
    """The photo decoded and its copies, made in the decoding thread while the event loop's
    thread still imports the image stages. With `content_side`, the photo kept is a copy that
    long, and the whole decode (12 MB for 12 MP) is freed before the platform images render,
    the run's peak memory."""
    loaded = load_image(source, limits, min_decoded_size=decode_size)
    # Here, after the decode: the module (numpy) is the event loop thread's to import first.
    import numpy as np

    from postready.pipeline.faces import search_copy

    image = loaded.image
    kept = loaded if content_side is None else replace(loaded, image=rgb_copy(image, content_side))
    return _Decoded(kept, search_copy(image), np.asarray(image))


def progress_reporter(total: int, progress: ProgressCallback | None) -> Reporter:
    """`report(stage, message)` for a run of `total` steps after its first: each call is the
    next step's ProgressEvent."""
    done = -1

    def report(stage: str, message: ProgressMessage) -> None:
        nonlocal done
        done += 1
        if progress is None:
            return
        if isinstance(message, Marked):
            progress(ProgressEvent(stage, done, total, message.template, message.fields))
        else:
            progress(ProgressEvent(stage, done, total, message))

    return report


def write_results(result: OptimizeResult, session_dir: Path) -> None:
    """`results.json` in the session's folder, written (again)."""
    (session_dir / RESULTS_FILE).write_text(
        json.dumps(result.to_json(), indent=2, ensure_ascii=False), encoding="utf-8"
    )


def write_caption_files(
    results: dict[str, PlatformResult],
    outcome: ContentOutcome | None,
    session_dir: Path,
    language: str,
) -> None:
    """Each platform's ready-to-post text file (its titles in the posts' `language`), and its
    content in its result."""
    if outcome is None:
        return
    for key, text in outcome.platforms.items():
        path = write_caption_file(session_dir, key, text, results[key].posts, language)
        results[key] = replace(results[key], content=text, caption_file=path)


async def _content(
    engine: ContentEngine,
    request: OptimizeRequest,
    loaded: LoadedImage,
    signals: CropSignals,
    now: datetime,
    executor: Executor | None,
    report: Reporter,
    session_id: str,
    gate: UsageGate | None,
) -> ContentOutcome | None:
    loop = asyncio.get_running_loop()
    photo = loop.run_in_executor(
        executor,
        partial(engine.prepare, loaded.image, signals, request.source, request.description),
    )
    return await generate_content(engine, request, photo, now, report, session_id, gate)


async def generate_content(
    engine: ContentEngine,
    request: OptimizeRequest,
    photo: Awaitable[PreparedPhoto],
    now: datetime,
    report: Reporter,
    session_id: str,
    gate: UsageGate | None,
) -> ContentOutcome | None:
    """The content step once `photo` is prepared; None (and a log entry) if it breaks, so the
    images still arrive."""
    reported = 0

    def content_report(message: ProgressMessage) -> None:
        nonlocal reported
        reported += 1
        report("content", message)

    try:
        return await engine.generate(request, await photo, now, content_report, session_id, gate)
    except Exception:
        log.exception("content_failed session=%s", session_id)
        for _ in range(CONTENT_EVENTS - reported):
            report("content", N_("No captions this time"))
        return None


async def feed_previews(
    request: OptimizeRequest,
    results: dict[str, PlatformResult],
    session_dir: Path,
    executor: Executor | None,
    session_id: str,
    report: Reporter,
) -> FeedPreviews | None:
    """Each platform's post as its feed shows it, when the request asks for previews; None
    (and a log entry) if drawing breaks, so the posts still arrive."""
    if not request.previews:
        return None
    previews = await _previews(request, results, session_dir, executor, session_id)
    report("previews", N_("Feed previews drawn") if previews else N_("No feed previews this time"))
    return previews


async def _previews(
    request: OptimizeRequest,
    results: dict[str, PlatformResult],
    session_dir: Path,
    executor: Executor | None,
    session_id: str,
) -> FeedPreviews | None:
    from postready.pipeline.previews import PREVIEWS_DIR, FeedPost, write_previews

    posts = [
        FeedPost(key, item.image.path, item.content, len(item.posts[0]) if item.posts else 1)
        for key, item in results.items()
        if item.image is not None
    ]
    if not posts:
        return None
    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(
            executor,
            partial(write_previews, posts, session_dir / PREVIEWS_DIR, request.account_name),
        )
    except Exception:
        log.exception("previews_failed session=%s", session_id)
        return None


async def _product_photography(
    request: OptimizeRequest,
    styles: tuple[str, ...],
    image: Image.Image,
    outcome: ContentOutcome | None,
    plans: list[PlatformPlan],
    context: RenderContext,
    photography: PhotographySettings | None,
    executor: Executor | None,
    report: Reporter,
    gate: UsageGate | None,
) -> ProductPhotographyResult:
    from postready.pipeline.product_detection import VisionVerdict
    from postready.pipeline.product_photos import (
        Branding,
        PhotographySettings,
        StyleTarget,
        run_product_photography,
    )

    analysis = outcome.analysis if outcome else None
    vision = outcome.vision if outcome else None
    return await run_product_photography(
        image,
        context.signals,
        styles=styles,
        colour=request.background_colour,
        forced=request.product is True,
        product_name=_product_name(request, analysis),
        vision=VisionVerdict(analysis.product_shot, vision) if analysis and vision else None,
        targets=[
            StyleTarget(plan.spec.key, plan.variant.size, plan.output_format, plan.max_bytes)
            for plan in plans
        ],
        branding=Branding(context.logo, context.logo_options, context.exif),
        session_dir=context.session_dir,
        settings=photography or PhotographySettings(),
        report=lambda message: report("photography", message),
        executor=executor,
        gate=gate,
    )


def _product_name(request: OptimizeRequest, analysis: ImageAnalysis | None) -> str:
    """What to call the product in image prompts: the user's words without command words, else
    what the vision model saw, else the raw description."""
    if analysis is not None:
        return analysis.subject or next(iter(analysis.subjects), "") or request.description
    return request.description


def check_request(request: OptimizeRequest) -> None:
    """The errors the request's options make, before any photo is read (a batch checks its
    options once): platforms, variants, time zones, styles."""
    platform_specs(request)
    _requested_styles(request)


def _requested_styles(request: OptimizeRequest) -> tuple[str, ...]:
    """The style keys asked for (UNKNOWN_STYLE before any work). Product photography's modules
    load only then: most runs ask for no styles and should not pay their import."""
    if not request.styles:
        return ()
    from postready.pipeline.product_photos import photography_styles

    return photography_styles(request)


def platform_specs(request: OptimizeRequest) -> list[PlatformSpec]:
    """The request's platforms; raises the error a bad platform, variant or zone makes."""
    unknown = [key for key in (*request.platforms, *request.variants) if key not in PLATFORMS]
    if unknown:
        raise PostReadyError(
            ErrorCode.UNKNOWN_PLATFORM, N_("unknown platform '{name}'"), name=unknown[0]
        )
    if not request.platforms:
        raise PostReadyError(ErrorCode.UNKNOWN_PLATFORM, N_("no platform was chosen"))
    for key, name in request.variants.items():
        PLATFORMS[key].variant(name)  # raises UNKNOWN_VARIANT with the choices
    zone(request.timezone)  # raises INVALID_OPTION naming the zone
    if request.audience_timezone is not None:
        zone(request.audience_timezone)
    return [PLATFORMS[key] for key in dict.fromkeys(request.platforms)]


def user_uuid(user_id: str | None) -> str:
    if user_id is None:
        return str(uuid.uuid4())
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"postready:user:{user_id}"))


def source_name(source: ImageSource, name: str) -> str:
    """What results call a photo: its given name, else its path, else "upload"."""
    return name or (str(source) if isinstance(source, Path) else "upload")
