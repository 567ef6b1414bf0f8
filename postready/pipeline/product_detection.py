"""Is this a product shot? One dominant object, a background that is uniform along the borders,
no faces. Local and fast: it works on a 400 px copy and reuses the crop step's faces and
saliency. It only informs: the caller (CLI flags, chat buttons) decides what to do."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from PIL import Image

from postready.pipeline.cropping import CropSignals
from postready.pipeline.cutout import (
    background_distance,
    fit_background,
    foreground_seed,
    largest_components,
)
from postready.pipeline.loading import ImageSource, LoadLimits
from postready.pipeline.photography_results import ProductDetection

_SIDE = 400
_DECODE_SIDE = 800  # a reduced decode at least this large feeds the 400 px judgement
_PLAIN_RESIDUAL = 5.0  # ΔE: median border deviation from the fitted backdrop
_MIN_COVERAGE = 0.02
_MAX_COVERAGE = 0.85
# The object must draw the eye: its mean saliency this many times the rest of the frame's.
_SALIENCY_CONTRAST = 2.5


@dataclass(frozen=True, slots=True)
class VisionVerdict:
    """A vision model's answer from the content step's single call: no extra call is made."""

    product_shot: bool
    provider: str


def is_product_shot(
    image: Image.Image, signals: CropSignals, vision: VisionVerdict | None = None
) -> ProductDetection:
    """Judge `image`; `signals` are its crop signals (faces and saliency). The measurements are
    always local; when a vision model has looked at the photo, its verdict decides."""
    local = _judge_locally(image, signals)
    if vision is None:
        return local
    verdict = "a product shot" if vision.product_shot else "not a product shot"
    return replace(
        local,
        suitable=vision.product_shot,
        reason=f"the {vision.provider} vision model sees {verdict}",
        source=vision.provider,
    )


def detect_product(source: ImageSource, limits: LoadLimits = LoadLimits()) -> ProductDetection:
    """Judge a photo from its bytes or path alone (a chat offering the styles). It decodes only
    as large as the judgement needs, in any format. It blocks: call it in the worker pool's
    executor (`loop.run_in_executor(executor, detect_product, data)`), not asyncio's default
    pool, so that its CPU and memory count against the pool's bound."""
    from postready.pipeline.cropping import detect_crop_signals
    from postready.pipeline.loading import load_image

    def small(size: tuple[int, int]) -> tuple[int, int]:
        scale = min(1.0, _DECODE_SIDE / max(size))
        return (max(1, round(size[0] * scale)), max(1, round(size[1] * scale)))

    loaded = load_image(source, limits, min_decoded_size=small)
    return is_product_shot(loaded.image, detect_crop_signals(loaded.image))


def _judge_locally(image: Image.Image, signals: CropSignals) -> ProductDetection:
    import cv2

    scale = min(1.0, _SIDE / max(image.size))
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    rgb = np.asarray(image.convert("RGB").resize(size, Image.Resampling.BILINEAR))
    background = fit_background(rgb)
    seed, _ = foreground_seed(background_distance(rgb, background))
    main = largest_components(seed)
    coverage = float(main.mean())
    plain = background.residual <= _PLAIN_RESIDUAL
    humans = len(signals.faces)

    saliency = cv2.resize(signals.saliency, size, interpolation=cv2.INTER_LINEAR)
    near_object = cv2.dilate(main.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    inside = float(saliency[near_object].mean()) if near_object.any() else 0.0
    outside = float(saliency[~near_object].mean()) if not near_object.all() else 0.0
    stands_out = inside >= _SALIENCY_CONTRAST * outside

    if humans:
        reason = f"faces found ({humans}): this looks like a photo of people"
    elif not plain:
        reason = "the background is busy, not a plain studio-like backdrop"
    elif coverage < _MIN_COVERAGE:
        reason = "no clear main object stands out from the background"
    elif coverage > _MAX_COVERAGE:
        reason = "the object fills the frame: there is no background to replace"
    elif not stands_out:
        reason = "the eye is drawn to more than one thing: no single main object"
    else:
        return ProductDetection(True, coverage, plain, 0, "one object on a plain background")
    return ProductDetection(False, coverage, plain, humans, reason)
