"""Product photography for one request: judge the photo, cut the product out once, render each
chosen style once per platform size (locally, or one image-API request per style), brand,
encode, and upload when Cloudinary is configured."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from PIL import Image

from postready.pipeline.cropping import CropSignals, choose_crop_box
from postready.pipeline.cutout import Cutout, cut_out
from postready.pipeline.encoding import EXTENSIONS, encode_under_limit
from postready.pipeline.logo import LogoOptions
from postready.pipeline.logo_placement import place_logo
from postready.pipeline.marking import N_, Marked
from postready.pipeline.models import OptimizeRequest, ProgressMessage
from postready.pipeline.photography import (
    STYLES,
    Style,
    render_style,
    resolve_colour,
    resolve_styles,
)
from postready.pipeline.photography_results import ProductPhotographyResult, StyleImage
from postready.pipeline.platforms import OutputFormat
from postready.pipeline.product_detection import VisionVerdict, is_product_shot
from postready.pipeline.providers.base import QuotaUsedUp, UsageGate
from postready.pipeline.providers.openai_images import (
    ImageServiceError,
    OpenAIImageEditor,
    OpenAIImageSettings,
    closest_size,
)
from postready.pipeline.providers.types import Usage
from postready.pipeline.resizing import resize_crop

if TYPE_CHECKING:
    from postready.pipeline.providers.cloudinary_storage import CloudinaryStorage

log = logging.getLogger(__name__)
STYLES_DIR = "styles"
_API_PRODUCT_FILL = 0.6  # the product's extent on the canvas sent to the image API


@dataclass(frozen=True, slots=True)
class PhotographySettings:
    """Which services product photography may use; all optional, local by default."""

    rembg_model: str | None = None  # POSTREADY_REMBG_MODEL
    openai: OpenAIImageSettings | None = None  # OPENAI_API_KEY (+ OPENAI_BASE_URL, model)
    cloudinary_url: str | None = field(default=None, repr=False)  # CLOUDINARY_URL: a secret


@dataclass(frozen=True, slots=True)
class StyleTarget:
    """One platform's image for the styles: its size, format and byte limit."""

    platform: str
    size: tuple[int, int]
    output_format: OutputFormat
    max_bytes: int


@dataclass(frozen=True, slots=True)
class Branding:
    logo: Image.Image | None
    options: LogoOptions | None
    exif: bytes


Report = Callable[[ProgressMessage], None]


def photography_styles(request: OptimizeRequest) -> tuple[str, ...]:
    """The styles to render for `request` (none when it opted out), after checking its style
    and colour names: bad ones raise UNKNOWN_STYLE / UNKNOWN_COLOR before any work."""
    if request.product is False or not request.styles:
        return ()
    resolve_colour(request.background_colour)
    return resolve_styles(list(request.styles))


async def run_product_photography(
    image: Image.Image,
    signals: CropSignals,
    *,
    styles: tuple[str, ...],
    colour: str,
    forced: bool,
    product_name: str,
    targets: list[StyleTarget],
    branding: Branding,
    session_dir: Path,
    settings: PhotographySettings,
    report: Report,
    executor: Executor | None = None,
    vision: VisionVerdict | None = None,
    gate: UsageGate | None = None,
) -> ProductPhotographyResult:
    """Render `styles` for every target. Calls `report` exactly 1 + len(styles) times (the
    cut-out, then each style), whatever happens. `forced`: the caller says it is a product
    whatever the detection thinks; `vision`: a vision model's verdict, which decides over the
    local one; `gate`: the user's daily quota of image API renders, asked before each."""
    loop = asyncio.get_running_loop()
    colour = resolve_colour(colour)
    detection = await loop.run_in_executor(executor, is_product_shot, image, signals, vision)
    if not (detection.suitable or forced):
        report(N_("Product photography skipped: not a product shot"))
        for key in styles:
            report(Marked(N_("{style} skipped"), {"style": _style(key)}))
        return ProductPhotographyResult(detection, {}, "local")

    cutout = await loop.run_in_executor(executor, cut_out, image, settings.rembg_model)
    notes = list(cutout.notes)
    if cutout.uncertain:
        notes.append(
            f"the cut-out is uncertain (confidence {cutout.confidence:.2f}): check the edges "
            "of the product in the styled images"
        )
    report(N_("Product cut out"))
    out_dir = session_dir / STYLES_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    editor = OpenAIImageEditor(settings.openai) if settings.openai else None
    storage = _storage(settings, notes)
    rendered: dict[str, dict[str, StyleImage]] = {}
    failed: dict[str, str] = {}
    api_used = False
    usage: list[Usage] = []
    notices: list[Marked] = []

    async def one_style(key: str) -> None:
        nonlocal api_used
        style = STYLES[key]
        renders = None
        if editor is not None:
            try:
                if gate is not None:
                    await gate.take("image_render")
                api_image, used = await _api_render(
                    editor, style, cutout, colour, product_name, targets
                )
                usage.append(used)
                render = partial(_crop_to, api_image)
                renders = await loop.run_in_executor(executor, _render_all, render, targets)
                api_used = True
            except ImageServiceError as exc:
                log.warning("image_api_failed style=%s error=%s", key, exc)
                notes.append(f"{style.name}: the image service failed ({exc}); rendered locally")
            except QuotaUsedUp as exc:
                notice = N_("{style} made without the image service: {reason}")
                notices.append(Marked(notice, {"style": _style(key), "reason": exc.wording}))
        if renders is None:
            render = partial(render_style, style, cutout, colour=colour)
            renders = await loop.run_in_executor(executor, _render_all, render, targets)
        paths = await loop.run_in_executor(
            executor, _write_all, renders, targets, branding, out_dir, key
        )
        urls = {}
        if storage is not None:
            urls = await _upload_all(storage, paths, session_dir.name, loop, executor, notes)
        rendered[key] = {
            platform: StyleImage(path, urls.get(platform)) for platform, path in paths.items()
        }
        report(Marked(N_("{style} photo ready"), {"style": _style(key)}))

    async def guarded(key: str) -> None:
        try:
            await one_style(key)
        except Exception as exc:
            # One style failing (a bug, a full disk) must not take the others with it.
            log.error("style_failed style=%s", key, exc_info=exc)
            failed[key] = f"could not be rendered ({type(exc).__name__})"
            report(Marked(N_("{style} photo failed"), {"style": _style(key)}))

    try:
        await asyncio.gather(*(guarded(key) for key in styles))
    finally:
        if editor is not None:
            await editor.aclose()
    provider = f"openai:{settings.openai.model}" if api_used and settings.openai else "local"
    ordered = {key: rendered[key] for key in styles if key in rendered}
    return ProductPhotographyResult(
        detection,
        ordered,
        provider,
        cutout.method,
        cutout.confidence,
        tuple(notes),
        failed,
        tuple(usage),
        tuple(notices),
    )


def _style(key: str) -> Marked:
    """A style's name, marked: the chats show it in the user's language."""
    return Marked(STYLES[key].name, {})


def _storage(settings: PhotographySettings, notes: list[str]) -> CloudinaryStorage | None:
    if not settings.cloudinary_url:
        return None
    from postready.pipeline.providers.cloudinary_storage import CloudinaryStorage, StorageError

    try:
        return CloudinaryStorage(settings.cloudinary_url)
    except StorageError as exc:
        notes.append(f"Cloudinary is not usable ({exc}); files kept locally")
        return None


def _render_all(
    render: Callable[[tuple[int, int]], Image.Image], targets: list[StyleTarget]
) -> dict[tuple[int, int], Image.Image]:
    """One render per distinct size: platforms that share a size share the image."""
    return {size: render(size) for size in dict.fromkeys(t.size for t in targets)}


def _write_all(
    renders: dict[tuple[int, int], Image.Image],
    targets: list[StyleTarget],
    branding: Branding,
    out_dir: Path,
    key: str,
) -> dict[str, Path]:
    branded = {
        size: place_logo(image, branding.logo, branding.options)[0]
        if branding.logo is not None and branding.options is not None
        else image
        for size, image in renders.items()
    }
    paths = {}
    for target in targets:
        encoded = encode_under_limit(
            branded[target.size], target.output_format, target.max_bytes, branding.exif
        )
        path = out_dir / f"{key}_{target.platform}.{EXTENSIONS[target.output_format]}"
        path.write_bytes(encoded.data)
        paths[target.platform] = path
    return paths


async def _upload_all(
    storage: CloudinaryStorage,
    paths: dict[str, Path],
    session_id: str,
    loop: asyncio.AbstractEventLoop,
    executor: Executor | None,
    notes: list[str],
) -> dict[str, str]:
    """The URL of each file uploaded; a file whose upload failed has none (it stays local)."""
    from postready.pipeline.providers.cloudinary_storage import StorageError

    urls = {}
    for platform, path in paths.items():
        public_id = f"{session_id}/{path.stem}"
        try:
            urls[platform] = await loop.run_in_executor(executor, storage.upload, path, public_id)
        except StorageError as exc:
            notes.append(f"{exc}; kept the local file")
    return urls


async def _api_render(
    editor: OpenAIImageEditor,
    style: Style,
    cutout: Cutout,
    colour: str,
    product_name: str,
    targets: list[StyleTarget],
) -> tuple[Image.Image, Usage]:
    """One edit request for the style at the supported size closest to every target."""
    size = closest_size([t.size[0] / t.size[1] for t in targets])
    image_png, mask_png = api_inputs(cutout, size)
    prompt = style.prompt.format(product=product_name or "the product", colour=colour)
    data, usage = await editor.edit(image_png, mask_png, prompt, size)
    try:
        with Image.open(io.BytesIO(data)) as generated:
            return generated.convert("RGB"), usage
    except OSError as exc:
        raise ImageServiceError("the returned image could not be read") from exc


def api_inputs(cutout: Cutout, size: tuple[int, int]) -> tuple[bytes, bytes]:
    """The product centred on a neutral canvas of `size`, and its mask: the same size, opaque
    over the product (kept) and transparent everywhere else (repainted)."""
    import cv2

    sprite = cutout.sprite()
    height, width = sprite.shape[:2]
    scale = min(_API_PRODUCT_FILL * size[0] / width, _API_PRODUCT_FILL * size[1] / height)
    new = (max(1, round(width * scale)), max(1, round(height * scale)))
    product = cv2.resize(sprite, new, interpolation=cv2.INTER_AREA)
    left, top = (size[0] - new[0]) // 2, (size[1] - new[1]) // 2
    canvas = np.full((size[1], size[0], 3), 0.5, np.float32)
    region = canvas[top : top + new[1], left : left + new[0]]
    region[:] = product[..., :3] + region * (1 - product[..., 3:])
    keep = np.zeros((size[1], size[0]), np.uint8)
    keep[top : top + new[1], left : left + new[0]] = (product[..., 3] >= 0.5) * 255
    mask = np.zeros((size[1], size[0], 4), np.uint8)
    mask[..., 3] = keep
    return _png(np.clip(canvas * 255 + 0.5, 0, 255).astype(np.uint8)), _png(mask)


def _png(pixels: npt.NDArray[np.uint8]) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _crop_to(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """The generated image cropped (centred: the product is in the middle) and resized to
    one platform's size."""
    choice = choose_crop_box(image.size, size[0] / size[1])
    return resize_crop(np.asarray(image), image.mode, choice.box, size).image
