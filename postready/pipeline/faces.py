"""Faces, frontal and in profile, from 4 % of a photo's short side up, in any aspect ratio.

OpenCV's Haar cascades see a face only when it spans at least their 20 px window, so faces are
looked for on copies sized by the photo's short side (a panorama is searched as finely as a
square photo), at two scales:

- the coarse copy (short side 216) is searched whole: by the frontal cascade for faces from
  9 % of the short side up, and by the profile cascade, on the copy and on its mirror image
  (it knows left-facing faces only), for profiles from 11 % up;
- the fine copy (short side 540) is searched by the frontal cascade in overlapping tiles, for
  faces of 3.7 % to 9 %. This is most of the work (six times the coarse copy's area), so in
  colour photos tiles without a skin-coloured pixel are skipped: sky, grass, stone, water.
  Small faces are where texture fools a cascade, so one from the fine copy is kept only when
  it is partly skin (in colour photos) and is found again on a zoomed copy of its surroundings.

Face sizes are the cascades' boxes, brows to mouth; forehead to chin is about a quarter more.
A face found twice (by both copies, in two tiles, frontal and in profile) is merged into one
box covering both.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, cast

import numpy as np
import numpy.typing as npt
from PIL import Image

from postready.pipeline.boxes import CropBox

if TYPE_CHECKING:
    import cv2

_WINDOW = 20  # px: the smallest face the cascades find
_PROFILE_WINDOW = 24  # px: profiles are searched from here (the profile cascade costs twice)
_FINE_SIDE = 540  # short side of the fine copy: 20 px is 3.7 % of it
_COARSE_SIDE = 216  # short side of the coarse copy: 20 px is 9 % of it
_FINE_LARGEST = 54  # px in the fine copy: larger faces are the coarse copy's (with some overlap)
_TILE = 640  # px: the fine copy's tiles are at most this long, plus the overlap
_OVERLAP = _FINE_LARGEST + 8  # every face the fine search looks for lies whole in some tile
_MAX_UPSCALE = 2.0  # small photos are enlarged for the search, but not beyond this
_SAME_FACE = 0.4  # boxes sharing this much of the smaller one's area are one face
# Skin in YCrCb, wide enough for every skin tone under daylight and warm light.
_SKIN_LOW = np.array([30, 133, 77], np.uint8)
_SKIN_HIGH = np.array([255, 180, 135], np.uint8)
_COLOURFUL = 12  # |Cr - 128| + |Cb - 128| above this: a pixel with colour
_BLACK_AND_WHITE = 200  # a fine copy with fewer such pixels (half a small face) has no colour
_SKIN_IN_FACE = 0.2  # in colour photos, a face from the fine copy is at least this much skin
_CONFIRM_ZOOM = 1.5  # a face from the fine copy must be found again at this zoom (not texture)
# Neighbours (overlapping hits) a cascade needs to call a face: fewer find more small faces,
# and the fine copy's are checked again; black-and-white photos have no skin to check by.
_NEIGHBOURS = 5
_FINE_NEIGHBOURS = {"colour": 2, "black-and-white": 4}
_CONFIRM_NEIGHBOURS = {"colour": 3, "black-and-white": 5}

# The cascades load once per process (loading costs more than a search) and are not safe to use
# from two threads at once, hence the lock.
_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class _Copy:
    """A grey copy of the photo for the search, and how to map its pixels back."""

    grey: npt.NDArray[np.uint8]
    factor: float  # photo pixels per copy pixel


def detect_faces(image: Image.Image) -> tuple[CropBox, ...]:
    """Every face found in `image`, in its pixels, largest first."""
    import cv2

    fine_rgb = _resized_rgb(image, _FINE_SIDE)
    fine = _Copy(_grey(fine_rgb), image.width / fine_rgb.shape[1])
    coarse_scale = _COARSE_SIDE / _FINE_SIDE
    coarse_size = (
        max(1, round(fine_rgb.shape[1] * coarse_scale)),
        max(1, round(fine_rgb.shape[0] * coarse_scale)),
    )
    coarse_rgb = _uint8(cv2.resize(fine_rgb, coarse_size, interpolation=cv2.INTER_AREA))
    coarse = _Copy(_grey(coarse_rgb), image.width / coarse_size[0])

    found: list[CropBox] = []
    with _lock:
        frontal, profile = _frontal_detector(), _profile_detector()
        found += _search(frontal, coarse, _WINDOW, None, _NEIGHBOURS)
        found += _search(profile, coarse, _PROFILE_WINDOW, None, _NEIGHBOURS)
        found += _search(profile, coarse, _PROFILE_WINDOW, None, _NEIGHBOURS, mirrored=True)
        found += _small_faces(frontal, fine, _skin_mask(fine_rgb))
    return _merged(found)


def _small_faces(
    frontal: cv2.CascadeClassifier, fine: _Copy, skin: npt.NDArray[np.bool_] | None
) -> list[CropBox]:
    """The fine copy's faces, tile by tile, each checked for skin and found again."""
    kind = "colour" if skin is not None else "black-and-white"
    found = []
    for tile in _tiles(fine.grey.shape[1], fine.grey.shape[0]):
        if skin is not None and _skin_share(skin, tile) == 0:
            continue
        grey = _Copy(fine.grey[tile.top : tile.bottom, tile.left : tile.right], 1.0)
        for box in _search(frontal, grey, _WINDOW, _FINE_LARGEST, _FINE_NEIGHBOURS[kind]):
            box = box.shifted(tile.left, tile.top)
            if skin is not None and _skin_share(skin, box) < _SKIN_IN_FACE:
                continue
            if _confirmed(frontal, fine.grey, box, _CONFIRM_NEIGHBOURS[kind]):
                found.append(box.scaled(fine.factor))
    return found


def prepare_detectors() -> None:
    """Load OpenCV and the face models ahead of time (e.g. while a photo decodes)."""
    _frontal_detector()
    _profile_detector()


def _resized_rgb(image: Image.Image, short_side: int) -> npt.NDArray[np.uint8]:
    scale = min(_MAX_UPSCALE, short_side / min(image.size))
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    resized = image.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    return np.asarray(resized.convert("RGB"))


def _grey(rgb: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    import cv2

    return _uint8(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))


def _uint8(pixels: object) -> npt.NDArray[np.uint8]:
    """An OpenCV result, typed as the 8-bit image it is."""
    return cast(npt.NDArray[np.uint8], pixels)


def _search(
    detector: cv2.CascadeClassifier,
    copy: _Copy,
    smallest: int,
    largest: int | None,
    neighbours: int,
    mirrored: bool = False,
) -> list[CropBox]:
    grey = np.ascontiguousarray(copy.grey[:, ::-1]) if mirrored else copy.grey
    height, width = grey.shape
    if min(height, width) < smallest:
        return []
    found = detector.detectMultiScale(
        grey,
        scaleFactor=1.1,
        minNeighbors=neighbours,
        minSize=(smallest, smallest),
        maxSize=(largest, largest) if largest else (0, 0),
    )
    boxes = []
    for x, y, w, h in np.asarray(found).reshape(-1, 4).tolist():
        left = width - x - w if mirrored else x
        boxes.append(CropBox(left, y, left + w, y + h).scaled(copy.factor))
    return boxes


def _confirmed(
    detector: cv2.CascadeClassifier, grey: npt.NDArray[np.uint8], box: CropBox, neighbours: int
) -> bool:
    """Whether the face in `box` is found again on a zoomed copy of its surroundings: a face
    holds up at another scale, a pattern in gravel or foliage seldom does."""
    import cv2

    pad = box.width // 2
    height, width = grey.shape
    left, top = max(0, box.left - pad), max(0, box.top - pad)
    right, bottom = min(width, box.right + pad), min(height, box.bottom + pad)
    # At the photo's edge the edge pixels are repeated: the cascade needs room around a face.
    patch = cv2.copyMakeBorder(
        grey[top:bottom, left:right],
        top - (box.top - pad),
        box.bottom + pad - bottom,
        left - (box.left - pad),
        box.right + pad - right,
        cv2.BORDER_REPLICATE,
    )
    zoomed = _uint8(cv2.resize(patch, None, fx=_CONFIRM_ZOOM, fy=_CONFIRM_ZOOM))
    smallest = round(box.width * _CONFIRM_ZOOM * 0.8)
    again = _search(detector, _Copy(zoomed, 1 / _CONFIRM_ZOOM), smallest, None, neighbours)
    origin = (box.left - pad, box.top - pad)
    return any(found.shifted(*origin).intersection(box) > 0 for found in again)


def _tiles(width: int, height: int) -> list[CropBox]:
    """Overlapping tiles covering a `width`×`height` copy, each at most about _TILE long."""

    def spans(length: int) -> list[tuple[int, int]]:
        count = max(1, -(-(length - _OVERLAP) // (_TILE - _OVERLAP)))
        step = (length - _OVERLAP) / count
        return [
            (round(i * step), min(length, round((i + 1) * step) + _OVERLAP)) for i in range(count)
        ]

    return [
        CropBox(left, top, right, bottom)
        for top, bottom in spans(height)
        for left, right in spans(width)
    ]


def _skin_mask(rgb: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_] | None:
    """Where the photo has skin-coloured pixels; None for a black-and-white photo."""
    import cv2

    ycrcb = cv2.cvtColor(rgb, cv2.COLOR_RGB2YCrCb)
    chroma = np.abs(ycrcb[..., 1:].astype(np.int16) - 128).sum(axis=-1)
    if np.count_nonzero(chroma > _COLOURFUL) < _BLACK_AND_WHITE:
        return None
    mask: npt.NDArray[np.bool_] = cv2.inRange(ycrcb, _SKIN_LOW, _SKIN_HIGH) > 0
    return mask


def _skin_share(skin: npt.NDArray[np.bool_], box: CropBox) -> float:
    return float(skin[box.top : box.bottom, box.left : box.right].mean())


def _merged(boxes: list[CropBox]) -> tuple[CropBox, ...]:
    """One box per face: overlapping detections become the box that covers them all."""
    merged: list[CropBox] = []
    for box in sorted(boxes, key=lambda b: b.area, reverse=True):
        for index, kept in enumerate(merged):
            if kept.intersection(box) >= _SAME_FACE * min(kept.area, box.area):
                merged[index] = CropBox(
                    min(kept.left, box.left),
                    min(kept.top, box.top),
                    max(kept.right, box.right),
                    max(kept.bottom, box.bottom),
                )
                break
        else:
            merged.append(box)
    return tuple(merged)


@cache
def _frontal_detector() -> cv2.CascadeClassifier:
    return _cascade("haarcascade_frontalface_alt2.xml")


@cache
def _profile_detector() -> cv2.CascadeClassifier:
    return _cascade("haarcascade_profileface.xml")


def _cascade(name: str) -> cv2.CascadeClassifier:
    import cv2
    import cv2.data

    return cv2.CascadeClassifier(cv2.data.haarcascades + name)
