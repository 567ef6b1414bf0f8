"""Test images made in code (or taken from skimage.data), encoded the way users send them."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image


def encode(image: Image.Image, fmt: str = "JPEG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def skimage_photo(name: str) -> Image.Image:
    import skimage.data

    return Image.fromarray(getattr(skimage.data, name)())


def solid(size: tuple[int, int], colour: tuple[int, ...] = (200, 200, 200), mode: str = "RGB"):
    return Image.new(mode, size, colour)


def textured(size: tuple[int, int], seed: int = 0) -> Image.Image:
    """A photo-like image: smooth gradients plus grain, so JPEG sizes are realistic."""
    rng = np.random.default_rng(seed)
    width, height = size
    xs = np.arange(width, dtype=np.float32)[None, :]
    ys = np.arange(height, dtype=np.float32)[:, None]
    pixels = rng.standard_normal((height, width, 3), dtype=np.float32) * 18 + 128
    pixels[..., 0] += 80 * np.sin(xs / 97.0)
    pixels[..., 1] += 80 * np.cos(ys / 61.0)
    pixels[..., 2] += 60 * np.sin((xs + ys) / 143.0)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def png_with_declared_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width`×`height`: a decompression bomb's calling card."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def channel_swapped_icc() -> bytes:
    """An RGB profile whose red and blue primaries are swapped: (255, 0, 0) in it is blue.

    Built from Pillow's own sRGB profile, renamed so nothing mistakes it for sRGB.
    """
    from PIL import ImageCms

    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    (count,) = struct.unpack(">I", data[128:132])
    tags = {}
    for index in range(count):
        signature, offset, size = struct.unpack(">4sII", data[132 + 12 * index : 144 + 12 * index])
        tags[signature] = (offset, size)
    red, blue = tags[b"rXYZ"], tags[b"bXYZ"]
    red_data = bytes(data[red[0] : red[0] + red[1]])
    data[red[0] : red[0] + red[1]] = data[blue[0] : blue[0] + blue[1]]
    data[blue[0] : blue[0] + blue[1]] = red_data
    return bytes(data).replace(b"sRGB", b"swap").replace(b"s\x00R\x00G\x00B", b"s\x00w\x00a\x00p")
