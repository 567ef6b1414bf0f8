"""Resize a crop window to a platform's pixel size in one pass from the decoded source."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageFilter

from postready.pipeline.cropping import CropBox

MAX_UPSCALE = 2.0
# Light sharpening restores the crispness a downscale filter softens; none on upscales.
_SHARPEN = ImageFilter.UnsharpMask(radius=0.8, percent=40, threshold=2)


@dataclass(frozen=True, slots=True)
class Resized:
    image: Image.Image
    upscale_limited: bool  # the source was too small to reach the full target size


def resize_crop(
    image: Image.Image, box: CropBox, target: tuple[int, int], max_upscale: float = MAX_UPSCALE
) -> Resized:
    """Crop `box` out of `image` and resize it to `target`, never enlarging more than
    `max_upscale` (the output is then smaller than `target`, same aspect ratio)."""
    scale = target[0] / box.width
    limited = scale > max_upscale
    if limited:
        scale = max_upscale
        width = round(box.width * scale)
        target = (width, round(width * target[1] / target[0]))
    resized = image.resize(
        target,
        Image.Resampling.LANCZOS,
        box=box.as_tuple(),
        reducing_gap=3.0 if scale < 1 / 3 else None,
    )
    if scale < 1:
        resized = resized.filter(_SHARPEN)
    return Resized(resized, limited)
