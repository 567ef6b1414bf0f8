"""Synthetic product photos whose true product mask is known: shaded objects drawn at 4× and
averaged down (anti-aliased edges, like a lens), on backdrops like a studio's, with noise."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

_SUPERSAMPLE = 4


@dataclass(frozen=True, slots=True)
class ProductPhoto:
    name: str
    image: Image.Image
    mask: np.ndarray  # bool, True where the product covers at least half the pixel


def _shapes(kind: str, size: tuple[int, int]) -> Image.Image:
    """The product's silhouette at 4× resolution ("L", 255 inside)."""
    width, height = size[0] * _SUPERSAMPLE, size[1] * _SUPERSAMPLE
    silhouette = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(silhouette)
    cx, cy = width // 2, height // 2
    if kind == "bottle":
        body_w, body_h = width * 0.2, height * 0.5
        top = cy - body_h * 0.35
        draw.rounded_rectangle(
            (cx - body_w / 2, top, cx + body_w / 2, top + body_h), radius=body_w * 0.25, fill=255
        )
        neck = body_w * 0.3
        draw.rectangle((cx - neck / 2, top - height * 0.16, cx + neck / 2, top + 10), fill=255)
        draw.rounded_rectangle(
            (cx - neck * 0.7, top - height * 0.2, cx + neck * 0.7, top - height * 0.14),
            radius=neck * 0.2,
            fill=255,
        )
    elif kind == "mug":
        body_w, body_h = width * 0.3, height * 0.42
        left, top = cx - body_w * 0.6, cy - body_h / 2
        draw.rounded_rectangle(
            (left, top, left + body_w, top + body_h), radius=body_w * 0.08, fill=255
        )
        ring = body_h * 0.28
        hx, hy = left + body_w, cy
        draw.ellipse((hx - ring, hy - ring, hx + ring, hy + ring), fill=255)
        inner = ring * 0.55
        draw.ellipse((hx - inner, hy - inner, hx + inner, hy + inner), fill=0)
        draw.rectangle((left + 4, top, left + body_w - 4, top + body_h), fill=255)
    else:  # box
        draw.polygon(
            [
                (cx - width * 0.2, cy - height * 0.15),
                (cx + width * 0.05, cy - height * 0.25),
                (cx + width * 0.22, cy - height * 0.1),
                (cx + width * 0.2, cy + height * 0.25),
                (cx - width * 0.18, cy + height * 0.28),
            ],
            fill=255,
        )
    return silhouette


def _backdrop(kind: str, size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    width, height = size
    ys = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
    xs = np.linspace(0, 1, width, dtype=np.float32)[None, :, None]
    if kind == "white":
        return np.full((height, width, 3), 245, np.float32) - 6 * xs
    if kind == "studio":  # grey sweep, lighter at the top, with vignetting
        base = 215 - 45 * ys
        vignette = 20 * ((xs - 0.5) ** 2 + (ys - 0.5) ** 2)
        return np.repeat(base - vignette, 3, axis=2) + np.array([0, 2, 6], np.float32)
    if kind == "pastel":
        return np.broadcast_to(np.array([190, 222, 205], np.float32), (height, width, 3)) - 10 * ys
    # busy: a patterned tablecloth, the hard case
    stripes = 40 * np.sin(xs * 60) * np.cos(ys * 40)
    return np.array([150, 120, 100], np.float32) + stripes + rng.normal(0, 12, (height, width, 3))


def product_photo(
    product: str, backdrop: str, size: tuple[int, int] = (480, 360), seed: int = 0
) -> ProductPhoto:
    """A `product` ("bottle", "mug", "box") on a `backdrop` ("white", "studio", "pastel",
    "busy"), with its true mask."""
    rng = np.random.default_rng(seed)
    width = size[0]
    coverage = (
        np.asarray(_shapes(product, size).reduce(_SUPERSAMPLE), dtype=np.float32)[..., None] / 255
    )
    xs = np.linspace(-1, 1, width, dtype=np.float32)[None, :, None]
    colour = {"bottle": (40, 110, 60), "mug": (200, 70, 50), "box": (60, 80, 170)}[product]
    # Cylindrical shading with a highlight: products are not flat colour.
    shade = 0.65 + 0.35 * np.cos(xs * 1.3) + 0.5 * np.exp(-(((xs + 0.35) / 0.05) ** 2))
    product_rgb = np.clip(np.array(colour, np.float32) * shade + 10, 0, 255)
    pixels = coverage * product_rgb + (1 - coverage) * _backdrop(backdrop, size, rng)
    pixels += rng.normal(0, 2.5, pixels.shape)
    image = Image.fromarray(np.clip(pixels + 0.5, 0, 255).astype(np.uint8), "RGB")
    return ProductPhoto(f"{product} on {backdrop}", image, coverage[..., 0] >= 0.5)
