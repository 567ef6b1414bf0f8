"""Decode a photo straight to a fraction of its size, so that a large one never sits in memory
whole: the decoder's output is shrunk by an integer factor as it is produced.

JPEG is reduced by its own decoder (Pillow's draft: DCT scaling), in loading.py. PNG and WebP
go through libvips (pyvips), which decodes a PNG a strip at a time, averaging each block of
factor×factor pixels as the strip passes, and has libwebp scale while it decodes: an 8000×8000
PNG reduced to 2000×2000 needs tens of MB instead of 800. Other formats (HEIC, AVIF, TIFF, GIF,
BMP) are decoded whole by Pillow and reduced at once (libvips reads a damaged TIFF with only a
warning, and HEIC, AVIF and GIF it would decode whole as well).

libvips is imported only here, the first time a large photo of those formats is decoded.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import TYPE_CHECKING, Any

from PIL import Image

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# Formats libvips decodes reduced without holding the whole image.
SHRINK_ON_LOAD = frozenset({"PNG", "WEBP"})
# Pillow modes whose pixels libvips hands back as grey, grey+alpha, RGB or RGBA, of 8 or 16
# bits (palettes expanded, tRNS as alpha).
_VIPS_MODES = frozenset({"1", "L", "LA", "P", "PA", "RGB", "RGBA", "I;16", "I;16B", "I;16L"})
_MODE_BY_BANDS = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}


class ReducedDecodeError(Exception):
    """libvips could not decode the file (damaged, cut short)."""


def reduction_factor(size: tuple[int, int], wanted: tuple[int, int]) -> int:
    """The largest integer factor that keeps a `size` image at least `wanted` on both sides."""
    return max(1, min(size[0] // max(1, wanted[0]), size[1] // max(1, wanted[1])))


def can_shrink_on_load(fmt: str, mode: str) -> bool:
    return fmt in SHRINK_ON_LOAD and mode in _VIPS_MODES


def shrink_on_load(data: bytes, fmt: str, factor: int) -> Image.Image:
    """`data` (a PNG or WebP whose header Pillow has read and checked) decoded at
    1/`factor` of its size, each output pixel the mean of a factor×factor block: "L", "LA",
    "RGB" or "RGBA", 8 bits. Raises ReducedDecodeError when the file is damaged."""
    import numpy as np
    import pyvips

    _without_operation_cache()
    options: dict[str, Any] = {"access": "sequential", "fail_on": "truncated"}
    if fmt == "WEBP":
        options["scale"] = 1 / factor  # libwebp scales as it decodes
    try:
        image = pyvips.Image.new_from_buffer(data, "", **options)
        if fmt != "WEBP":
            image = image.shrink(factor, factor)
        pixels = image.numpy()
    except pyvips.Error as exc:
        raise ReducedDecodeError(str(exc).splitlines()[0]) from exc
    if pixels.ndim == 2:
        pixels = pixels[..., None]
    if pixels.dtype == np.uint16:
        pixels = _to_8_bits(pixels)
    elif pixels.dtype != np.uint8:
        raise ReducedDecodeError(f"unexpected pixel format {pixels.dtype}")
    mode = _MODE_BY_BANDS[pixels.shape[2]]
    return Image.fromarray(pixels[..., 0] if mode == "L" else pixels, mode)


def _to_8_bits(pixels: npt.NDArray[np.uint16]) -> npt.NDArray[np.uint8]:
    import numpy as np

    return ((pixels.astype(np.uint32) * 255 + 32767) // 65535).astype(np.uint8)


@cache
def _without_operation_cache() -> None:
    import pyvips

    # libvips's operation cache would keep each photo's bytes alive after its decode.
    pyvips.cache_set_max(0)
    # pyvips logs libvips's own chatter ("VIPS: shrinkv: using vector path") at INFO: four
    # lines per photo in an operator's log. Its warnings and errors still show.
    logging.getLogger("pyvips").setLevel(logging.WARNING)
