"""Place a logo on an image: sized and positioned relative to the shorter side, and kept
legible on any background by inverting a monochrome logo or drawing a plate behind it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from PIL import Image

from postready.pipeline.logo import LogoOptions

LogoVariant = Literal["original", "inverted", "plate"]

_MIN_CONTRAST = 3.0  # WCAG minimum for large text and graphics
_MONOCHROME_SATURATION = 0.2  # below this mean HSV saturation, inverting keeps the logo's look
_PLATE_PADDING = 0.2  # of the logo height
_PLATE_ALPHA = 0.6  # subtle: the photo still shows through
_PLATE_COLOURS = ((255, 255, 255), (20, 20, 20))
_LEVELS = np.arange(256) / 255.0
_SRGB_TO_LINEAR = np.where(_LEVELS <= 0.04045, _LEVELS / 12.92, ((_LEVELS + 0.055) / 1.055) ** 2.4)
_LUMA = np.array([0.2126, 0.7152, 0.0722])
_INVERT_RGB = [255 - v for v in range(256)] * 3 + list(range(256))
_SAMPLE_SIDE = 256  # colour statistics on a box-filtered copy: means barely change, and it's fast


@dataclass(frozen=True, slots=True)
class LogoPlacement:
    box: tuple[int, int, int, int]  # left, top, right, bottom of the logo in the output image
    variant: LogoVariant
    contrast: float  # WCAG contrast ratio achieved, 1..21


def place_logo(
    image: Image.Image, logo: Image.Image, options: LogoOptions = LogoOptions()
) -> tuple[Image.Image, LogoPlacement]:
    """Return a copy of `image` (same mode and size) with `logo` placed on it, and where and
    how it was placed. Only the logo-sized region is composited."""
    mark = _resize_logo(logo.convert("RGBA"), options.scale * min(image.size))
    box = _logo_box(image.size, mark.size, options)
    pixels = _sample(mark)
    logo_lum = _luminance(pixels)
    background_lum = _luminance(_sample(image.crop(box).convert("RGBA")))
    contrast = _contrast(logo_lum, background_lum)
    variant: LogoVariant = "original"
    plate: tuple[int, int, int] | None = None
    if contrast < _MIN_CONTRAST:
        inverted_pixels = np.dstack((255 - pixels[..., :3], pixels[..., 3]))
        inverted_contrast = _contrast(_luminance(inverted_pixels), background_lum)
        if _saturation(pixels) < _MONOCHROME_SATURATION and inverted_contrast >= _MIN_CONTRAST:
            variant, contrast = "inverted", inverted_contrast
            mark = mark.point(_INVERT_RGB)
        else:
            plate = max(_PLATE_COLOURS, key=lambda rgb: _contrast(logo_lum, _rgb_luminance(rgb)))
            variant, contrast = "plate", _contrast(logo_lum, _rgb_luminance(plate))
    if options.opacity < 1:
        mark.putalpha(mark.getchannel("A").point(lambda a: round(a * options.opacity)))

    left, top, right, bottom = box
    pad = max(1, round(_PLATE_PADDING * mark.height)) if plate else 0
    region_box = (
        max(0, left - pad),
        max(0, top - pad),
        min(image.width, right + pad),
        min(image.height, bottom + pad),
    )
    region = image.crop(region_box).convert("RGBA")
    x, y = left - region_box[0], top - region_box[1]
    if plate:
        from PIL import ImageDraw  # with its fonts, ~3 ms that runs without a plate do not pay

        layer = Image.new("RGBA", region.size, (0, 0, 0, 0))
        ImageDraw.Draw(layer).rounded_rectangle(
            (x - pad, y - pad, x + mark.width + pad - 1, y + mark.height + pad - 1),
            radius=pad,
            fill=(*plate, round(255 * _PLATE_ALPHA * options.opacity)),
        )
        region.alpha_composite(layer)
    region.alpha_composite(mark, (x, y))
    out = image.copy()
    out.paste(region.convert(image.mode), region_box[:2])
    return out, LogoPlacement(box, variant, contrast)


def _resize_logo(logo: Image.Image, side: float) -> Image.Image:
    """Width `side`, or fit inside a `side` square when the logo is taller than wide."""
    width, height = logo.size
    if height > width:
        size = (max(1, round(side * width / height)), max(1, round(side)))
    else:
        size = (max(1, round(side)), max(1, round(side * height / width)))
    return logo.resize(size, Image.Resampling.LANCZOS)


def _logo_box(
    image_size: tuple[int, int], logo_size: tuple[int, int], options: LogoOptions
) -> tuple[int, int, int, int]:
    (width, height), (w, h) = image_size, logo_size
    margin = round(options.margin * min(image_size))
    vertical, _, horizontal = options.position.partition("-")
    if options.position == "centre":
        left, top = (width - w) // 2, (height - h) // 2
    else:
        left = margin if horizontal == "left" else width - margin - w
        top = margin if vertical == "top" else height - margin - h
    # A large logo with a wide margin would not fit: keep it inside the image.
    left, top = min(max(0, left), width - w), min(max(0, top), height - h)
    return left, top, left + w, top + h


def _sample(image: Image.Image) -> npt.NDArray[np.uint8]:
    factor = max(1, max(image.size) // _SAMPLE_SIDE)
    return np.asarray(image.reduce(factor) if factor > 1 else image)


def _weights(pixels: npt.NDArray[np.uint8]) -> npt.NDArray[np.float64]:
    alpha = pixels[..., 3].astype(np.float64)
    # A fully transparent area has no colour to weigh: treat every pixel alike.
    return alpha if alpha.sum() > 0 else np.ones_like(alpha)


def _luminance(pixels: npt.NDArray[np.uint8]) -> float:
    """Alpha-weighted mean WCAG relative luminance of an RGBA array."""
    return float(np.average(_SRGB_TO_LINEAR[pixels[..., :3]] @ _LUMA, weights=_weights(pixels)))


def _rgb_luminance(rgb: tuple[int, int, int]) -> float:
    return float(_SRGB_TO_LINEAR[list(rgb)] @ _LUMA)


def _saturation(pixels: npt.NDArray[np.uint8]) -> float:
    """Alpha-weighted mean HSV saturation of an RGBA array."""
    rgb = pixels[..., :3].astype(np.float64)
    peak = rgb.max(axis=-1)
    spread = peak - rgb.min(axis=-1)
    saturation = np.divide(spread, peak, out=np.zeros_like(peak), where=peak > 0)
    return float(np.average(saturation, weights=_weights(pixels)))


def _contrast(a: float, b: float) -> float:
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)
