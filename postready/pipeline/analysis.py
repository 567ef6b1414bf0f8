"""Local image analysis: dominant colours with human names, lightness, contrast and mood, faces,
whether it looks like a product shot, and the topic words of the user's description.

Works on a small copy and on the crop signals the runner already computed (faces, saliency),
so no second detector runs.
"""

from __future__ import annotations

from dataclasses import replace
from typing import cast

import numpy as np
import numpy.typing as npt
from PIL import Image

from postready.pipeline.cropping import CropSignals
from postready.pipeline.loading import rgb_copy
from postready.pipeline.providers.base import ANALYSIS_SIDE
from postready.pipeline.providers.types import ImageAnalysis, NamedColour
from postready.pipeline.text import keywords, subject_phrase

_COLOURS = 5
_MIN_SHARE = 0.06  # smaller colour clusters are detail, not a "dominant" colour
_BORDER = 0.08  # width of the frame whose uniformity tells a plain background
_PLAIN_BACKGROUND_DELTA_E = 8.0  # 90 % of the frame within this colour distance: "plain"
_SUBJECT_AREA = (0.04, 0.65)  # a product fills a fair part of the frame, not all of it
_ONE_OBJECT = 0.8  # the largest blob holds this share of everything that is not background

# Names people use for colours, with a typical sRGB value; the nearest in CIELAB wins.
_NAMED = {
    "white": "#f5f5f5", "off-white": "#ece6da", "cream": "#f3e5c0", "beige": "#d8c3a0",
    "light grey": "#c0c0c0", "grey": "#8a8a8a", "charcoal": "#3a3a3c", "black": "#121212",
    "tan": "#c19a6b", "caramel": "#a8692e", "brown": "#6b4226", "dark brown": "#3b2416",
    "terracotta": "#c4663f", "rust": "#a3441c", "burgundy": "#6d1a2b", "red": "#d0312d",
    "coral": "#f47c68", "blush pink": "#efb7b2", "pink": "#e8669a", "magenta": "#c2188b",
    "lavender": "#b6a4d8", "purple": "#6a3d9a", "navy": "#1f2b57", "blue": "#2f6fd0",
    "sky blue": "#8cc4ec", "teal": "#1f7f7f", "turquoise": "#3fc9c0", "mint": "#a8e6c3",
    "sage green": "#9cae88", "olive": "#6b6b2a", "green": "#3a9a46", "forest green": "#224d2c",
    "mustard": "#d1a12a", "yellow": "#f2d43c", "orange": "#ef7d22", "gold": "#c9a227",
    "peach": "#f6c09a",
}  # fmt: skip


def analyse_image(image: Image.Image, signals: CropSignals, description: str) -> ImageAnalysis:
    """Describe the photo from its pixels and the user's words."""
    # Straight from the photo: a whole copy first (as `thumbnail`, which works in place, needs)
    # took 12 MB at the moment the platform images render, the run's peak memory.
    small = rgb_copy(image, ANALYSIS_SIDE)
    rgb = np.asarray(small, dtype=np.float32) / 255.0
    lab = srgb_to_lab(rgb)
    lightness = lab[..., 0] / 100.0
    saturation = _saturation(rgb)
    colours = dominant_colours(small)
    product = _looks_like_product(lab, signals)
    subject = subject_phrase(description)
    words = keywords(subject)
    brightness = float(lightness.mean())
    contrast = float(lightness.std())
    mean_saturation = float(saturation.mean())
    mood = describe_mood(brightness, contrast, mean_saturation, _warmth(lab))
    faces = len(signals.faces)
    analysis = ImageAnalysis(
        summary="",
        subjects=(),  # pixels alone do not name things; a vision model fills this in
        colours=colours,
        brightness=round(brightness, 3),
        contrast=round(contrast, 3),
        saturation=round(mean_saturation, 3),
        mood=mood,
        faces=faces,
        product_shot=product,
        subject=subject,
        keywords=words,
    )
    return analysis.with_vision(_summary(analysis), (), product)


def redescribe(analysis: ImageAnalysis, description: str) -> ImageAnalysis:
    """The analysis for new words about the same photo, without its pixels: the subject and
    topic words from `description`; a summary of our own made again, a model's kept."""
    subject = subject_phrase(description)
    changed = replace(analysis, subject=subject, keywords=keywords(subject))
    if analysis.summary != _summary(analysis):  # a vision model's: about the pixels
        return changed
    return replace(changed, summary=_summary(changed))


def dominant_colours(image: Image.Image, count: int = _COLOURS) -> tuple[NamedColour, ...]:
    """The main colours by area (median cut), named, largest first; near-duplicate names merge."""
    quantised = image.convert("RGB").quantize(count, method=Image.Quantize.MEDIANCUT)
    palette = quantised.getpalette() or []
    total = image.width * image.height
    shares: dict[str, tuple[float, tuple[int, ...]]] = {}
    # A palette image's colours are (count, palette index) pairs.
    colours = cast(list[tuple[int, int]], quantised.getcolors() or [])
    for pixels, index in sorted(colours, reverse=True):
        rgb = tuple(palette[index * 3 : index * 3 + 3])
        name = colour_name(rgb)
        share, first = shares.get(name, (0.0, rgb))
        shares[name] = (share + pixels / total, first)
    ranked = [
        NamedColour(name, "#{:02x}{:02x}{:02x}".format(*rgb), round(share, 3))
        for name, (share, rgb) in sorted(shares.items(), key=lambda item: -item[1][0])
    ]
    return tuple(c for c in ranked if c.share >= _MIN_SHARE) or tuple(ranked[:1])


def colour_name(rgb: tuple[int, ...]) -> str:
    """The nearest named colour in CIELAB (perceptual distance)."""
    lab = srgb_to_lab(np.asarray(rgb[:3], np.float32)[None, None, :] / 255.0)[0, 0]
    distances = np.linalg.norm(_NAMED_LAB - lab, axis=1)
    return _NAMED_NAMES[int(np.argmin(distances))]


def srgb_to_lab(rgb: npt.NDArray[np.floating]) -> npt.NDArray[np.floating]:
    """sRGB in 0..1 (…, 3) to CIELAB (D65)."""
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = linear @ np.array(
        [[0.4124, 0.2126, 0.0193], [0.3576, 0.7152, 0.1192], [0.1805, 0.0722, 0.9505]],
        np.float32,
    )
    xyz /= np.array([0.95047, 1.0, 1.08883], np.float32)
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])],
        axis=-1,
    )


_NAMED_NAMES = list(_NAMED)
_NAMED_LAB = srgb_to_lab(
    np.array([[int(h[i : i + 2], 16) for i in (1, 3, 5)] for h in _NAMED.values()], np.float32)
    / 255.0
)


def describe_mood(brightness: float, contrast: float, saturation: float, warmth: float) -> str:
    """A short phrase for the look of the photo, from its statistics."""
    light = "bright" if brightness > 0.62 else "dark" if brightness < 0.35 else ""
    if saturation > 0.45:
        feel = "vibrant"
    elif saturation < 0.12:
        feel = "minimal" if brightness > 0.62 else "monochrome"
    else:
        feel = "warm" if warmth > 8 else "cool" if warmth < -8 else "natural"
    if light == "dark" and contrast > 0.18:
        return f"dark and moody, {feel}" if feel != "monochrome" else "dark and moody"
    if light == "bright" and contrast < 0.12:
        return f"soft and airy, {feel}"
    return (
        f"{light} and {feel}" if light else (f"{feel}, high contrast" if contrast > 0.25 else feel)
    )


def _saturation(rgb: npt.NDArray[np.floating]) -> npt.NDArray[np.floating]:
    high, low = rgb.max(axis=-1), rgb.min(axis=-1)
    return np.where(high > 0, (high - low) / np.maximum(high, 1e-6), 0.0)


def _warmth(lab: npt.NDArray[np.floating]) -> float:
    """Positive for warm (yellow/red) casts, negative for cool (blue) ones."""
    return float(lab[..., 2].mean() + 0.5 * lab[..., 1].mean())


def _looks_like_product(lab: npt.NDArray[np.floating], signals: CropSignals) -> bool:
    """One salient object on a plain background: a uniform frame around one compact subject."""
    import cv2

    if signals.faces:
        return False
    height, width = lab.shape[:2]
    band_h, band_w = max(1, round(height * _BORDER)), max(1, round(width * _BORDER))
    frame = np.zeros((height, width), bool)
    frame[:band_h], frame[-band_h:], frame[:, :band_w], frame[:, -band_w:] = True, True, True, True
    background = np.median(lab[frame], axis=0)
    distance = np.linalg.norm(lab - background, axis=-1)  # ΔE76 from the background colour
    if float(np.percentile(distance[frame], 90)) > _PLAIN_BACKGROUND_DELTA_E:
        return False
    subject = (distance > 2 * _PLAIN_BACKGROUND_DELTA_E).astype(np.uint8)
    area = float(subject.mean())
    if not _SUBJECT_AREA[0] <= area <= _SUBJECT_AREA[1]:
        return False
    count, _, stats, _ = cv2.connectedComponentsWithStats(subject, connectivity=8)
    largest = int(stats[1:, cv2.CC_STAT_AREA].max()) if count > 1 else 0
    return largest >= _ONE_OBJECT * int(subject.sum())


def _summary(analysis: ImageAnalysis) -> str:
    what = analysis.subject or (
        "a portrait" if analysis.faces == 1 else
        "a group photo" if analysis.faces > 1 else
        "a product shot" if analysis.product_shot else "a photo"
    )  # fmt: skip
    colours = " and ".join(c.name for c in analysis.colours[:2])
    return f"{what[0].upper()}{what[1:]}: {analysis.mood}, mostly {colours}."
