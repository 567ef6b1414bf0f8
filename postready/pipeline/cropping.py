"""Content-aware crop: find faces and salient regions once per photo, then choose for each
target aspect ratio the largest window that keeps every face inside and holds the most saliency.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal, cast

import numpy as np
import numpy.typing as npt
from PIL import Image

if TYPE_CHECKING:
    import cv2

CropMethod = Literal["none", "faces", "saliency", "centre"]

_ANALYSIS_SIDE = 400  # detection works on a copy this size: fast, and enough for faces ≥ 5 %
_FACE_MARGIN = 0.25  # keep hair and chin: grow each face box by this fraction per side
_CENTRE_TOLERANCE = 0.03  # prefer the centred window unless another holds 3 % more saliency
_EDGE_BAND = 0.08  # width of the strip at each crop edge whose saliency counts against it
_CENTRE_PRIOR = 0.5  # saliency at the corners counts half as much as at the centre
# One cascade for the process: loading it costs more than a detection, and it is not safe to
# use from two threads at once, hence the lock.
_face_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class CropBox:
    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.left, self.top, self.right, self.bottom)

    def scaled(self, factor: float) -> CropBox:
        return CropBox(*(round(v * factor) for v in self.as_tuple()))

    def contains(self, other: CropBox) -> bool:
        return (
            self.left <= other.left
            and self.top <= other.top
            and self.right >= other.right
            and self.bottom >= other.bottom
        )


@dataclass(frozen=True, slots=True)
class CropSignals:
    """What matters in a photo, in the coordinates of the image it was computed on."""

    size: tuple[int, int]
    faces: tuple[CropBox, ...]
    saliency: npt.NDArray[np.floating]  # float32, 0..1, (h, w) of the downscaled analysis copy


@dataclass(frozen=True, slots=True)
class CropChoice:
    box: CropBox
    method: CropMethod


def detect_crop_signals(image: Image.Image) -> CropSignals:
    """Faces (Haar cascade) and a fine-grained saliency map, on a small copy."""
    import cv2

    scale = min(1.0, _ANALYSIS_SIDE / max(image.size))
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    small = image.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0).convert("RGB")
    rgb = np.asarray(small)
    factor = image.width / small.width
    min_face = max(24, round(min(small.size) * 0.06))
    # The two detectors are independent and OpenCV releases the GIL: run them side by side.
    with ThreadPoolExecutor(1) as helper:
        saliency_future = helper.submit(_saliency_map, rgb)
        with _face_lock:
            faces = _face_detector().detectMultiScale(
                cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY),
                scaleFactor=1.1,
                minNeighbors=5,
                minSize=(min_face, min_face),
            )
        saliency = saliency_future.result()
    face_boxes = tuple(
        CropBox(x, y, x + w, y + h).scaled(factor)
        for x, y, w, h in np.asarray(faces).reshape(-1, 4)
    )
    for box in face_boxes:
        left, top, right, bottom = (box.scaled(1 / factor)).as_tuple()
        saliency[top:bottom, left:right] = 1.0
    return CropSignals(image.size, face_boxes, saliency)


def _saliency_map(rgb: npt.NDArray[np.uint8]) -> npt.NDArray[np.floating]:
    """Fine-grained saliency, smoothed, weighted by a mild centre prior (subjects tend to be
    framed near the middle, so ties go there rather than to busy edges)."""
    import cv2

    ok, saliency = cv2.saliency.StaticSaliencyFineGrained.create().computeSaliency(rgb)
    height, width = rgb.shape[:2]
    if not ok:
        return np.zeros((height, width), np.float32)
    blurred = cv2.GaussianBlur(saliency.astype(np.float32), (0, 0), max(height, width) / 60)
    saliency = cast(npt.NDArray[np.float32], blurred)
    ys = (np.arange(height, dtype=np.float32) - height / 2) / height
    xs = (np.arange(width, dtype=np.float32) - width / 2) / width
    prior = 1.0 - _CENTRE_PRIOR * (ys[:, None] ** 2 + xs[None, :] ** 2) / 0.5
    saliency *= prior
    peak = float(saliency.max())
    return saliency / peak if peak > 0 else saliency


@cache
def _face_detector() -> cv2.CascadeClassifier:
    import cv2
    import cv2.data

    return cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_alt2.xml")


def prepare_detectors() -> None:
    """Load OpenCV and the face model ahead of time (e.g. while a photo decodes)."""
    _face_detector()


def choose_crop_box(
    size: tuple[int, int], target_ratio: float, signals: CropSignals | None = None
) -> CropChoice:
    """The largest window of `target_ratio` (width/height) inside `size`, placed to keep
    faces whole and hold the most saliency; centred when nothing tells it otherwise."""
    width, height = size
    if abs(width / height - target_ratio) < 1e-3:
        return CropChoice(CropBox(0, 0, width, height), "none")
    crop_width = width > height * target_ratio
    length = width if crop_width else height
    window = round(height * target_ratio) if crop_width else round(width / target_ratio)
    window = max(1, min(window, length))
    centred = (length - window) // 2
    if signals is None:
        return CropChoice(_box(centred, window, size, crop_width), "centre")

    factor = signals.saliency.shape[1] / width
    # Squaring favours the strongest subject over wide areas of middling texture.
    profile = np.square(signals.saliency).sum(axis=0 if crop_width else 1, dtype=np.float64)
    starts = np.arange(length - window + 1)
    scores = _window_sums(profile, starts * factor, window * factor)
    # Cutting through a salient subject is worse than leaving some of it out entirely.
    band = max(1.0, _EDGE_BAND * window * factor)
    scores -= _window_sums(profile, starts * factor - band / 2, band)
    scores -= _window_sums(profile, (starts + window) * factor - band / 2, band)

    allowed = _face_constraint(signals.faces, crop_width, length, window, starts)
    method: CropMethod = "faces" if allowed is not None else "saliency"
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
    best = int(starts[np.argmax(scores)])
    best_score = scores[best]
    centre_score = scores[centred]
    if np.isfinite(centre_score) and centre_score >= best_score * (1 - _CENTRE_TOLERANCE):
        best = centred
        if method == "saliency":
            method = "centre"
    return CropChoice(_box(best, window, size, crop_width), method)


def _window_sums(
    profile: npt.NDArray[np.float64], starts: npt.NDArray[np.floating], window: float
) -> npt.NDArray[np.float64]:
    """Sum of `profile` over [start, start + window) for fractional starts (linear interp.)."""
    cumulative = np.concatenate(([0.0], np.cumsum(profile)))
    positions = np.arange(cumulative.size)
    before_start: npt.NDArray[np.float64] = np.interp(starts, positions, cumulative)
    before_end: npt.NDArray[np.float64] = np.interp(starts + window, positions, cumulative)
    return before_end - before_start


def _face_constraint(
    faces: tuple[CropBox, ...],
    crop_width: bool,
    length: int,
    window: int,
    starts: npt.NDArray[np.intp],
) -> npt.NDArray[np.bool_] | None:
    """Which window starts keep the faces whole: all of them if they fit, else the largest."""
    if not faces:
        return None
    spans = []
    for face in sorted(faces, key=lambda f: f.width * f.height, reverse=True):
        low, high = (face.left, face.right) if crop_width else (face.top, face.bottom)
        grow = round((high - low) * _FACE_MARGIN)
        spans.append((max(0, low - grow), min(length, high + grow)))
    kept_low, kept_high = spans[0]
    if kept_high - kept_low > window:  # even the largest face does not fit: centre on it
        middle = (kept_low + kept_high) // 2
        kept_low, kept_high = middle - window // 2, middle - window // 2 + window
    for low, high in spans[1:]:
        if max(kept_high, high) - min(kept_low, low) <= window:
            kept_low, kept_high = min(kept_low, low), max(kept_high, high)
    return (starts <= max(kept_low, 0)) & (starts + window >= min(kept_high, length))


def _box(start: int, window: int, size: tuple[int, int], crop_width: bool) -> CropBox:
    width, height = size
    if crop_width:
        return CropBox(start, 0, start + window, height)
    return CropBox(0, start, width, start + window)
