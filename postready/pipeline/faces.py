"""Faces, frontal and in profile, from 4 % of a photo's short side up, in any aspect ratio.

OpenCV's Haar cascades see a face only when it spans at least their 20 px window, so faces are
looked for on copies sized by the photo's short side (a panorama is searched as finely as a
square photo): the fine copy (short side 540: 20 px is 3.7 % of it), then copies each 1.9 times
smaller. A cascade steps its window by 2 px while the window is under twice its 20 px and by
1 px beyond, so each copy is searched for windows of 20 to 39 px only, where a window costs a
quarter as much, and larger faces are left to the smaller copies.

- The fine copy is most of the work (2.6 times the pixels of all the others), so it is
  searched last, and coarsely (windows 1.15 times apart, not 1.1, by the quicker default
  cascade) when the smaller copies found only faces half as large again as any it could find
  (a portrait: what it adds are bystanders, who must not be cut either); in colour photos its
  tiles without a skin-coloured pixel are skipped (sky, grass, stone, water), and a face from
  it must be partly skin.
- Every copy's first search asks for few neighbours (overlapping hits) and finds more faces,
  and more texture; each face is kept only if found again on a zoomed copy of its
  surroundings: a face holds up at another scale, a pattern in gravel or foliage seldom does.
- Profiles are searched on one small copy, on it and on its mirror image (the cascade knows
  left-facing faces only).

Face sizes are the frontal cascade's boxes, brows to mouth; forehead to chin is about a quarter
more. A face found twice (by two copies, in two tiles, frontal and in profile) is merged into
one box covering both.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
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
_LARGEST = 39  # px: the largest window a copy is searched with (the cascade's cheap step)
_OCTAVE = 1.9  # each copy this many times smaller than the last: one scale step overlaps
# When every face the smaller copies found is this many times the fine copy's largest (faces
# from 11 % of the short side), a face the fine copy could add is under two thirds of their
# size: a bystander, not one of the photo's subjects. The fine copy is then searched coarsely,
# its windows _COARSE_STEP apart, asking for one neighbour (a coarse search finds fewer), by
# OpenCV's default frontal cascade (a third quicker than alt2 here, and looser); the zoom
# confirms each face with alt2 as before.
_SUBJECT_FACE = 1.5
_FINE_STEP = 1.1
_COARSE_STEP = 1.15
_FINE_SIDE = 540  # short side of the fine copy: 20 px is 3.7 % of it
# Profiles are rarer and their cascade costs twice as much: they are looked for on one copy
# whose short side is at most _PROFILE_SIDE, from _PROFILE_SMALLEST of it (the profile cascade's
# box spans the head: a face from about 13 % of the short side).
_PROFILE_SIDE = 160
_PROFILE_SMALLEST = 0.2
# px: the fine copy's tiles are at most this long, plus the overlap. OpenCV keeps each
# cascade's working tables sized for the largest image it searched (~14 MB for the whole fine
# copy), so smaller tiles hold less memory for the rest of the run, at no cost in time here.
_TILE = 480
_OVERLAP = _LARGEST + 8  # every face the fine search looks for lies whole in some tile
_MAX_UPSCALE = 2.0  # small photos are enlarged for the search, but not beyond this
_SAME_FACE = 0.4  # boxes sharing this much of the smaller one's area are one face
# Skin in YCrCb, wide enough for every skin tone under daylight and warm light.
_SKIN_LOW = np.array([30, 133, 77], np.uint8)
_SKIN_HIGH = np.array([255, 180, 135], np.uint8)
_COLOURFUL = 12  # |Cr - 128| + |Cb - 128| above this: a pixel with colour
_FROM_GREY = np.abs(np.arange(256) - 128).astype(np.uint8)  # a chroma value's |v - 128|
_BLACK_AND_WHITE = 200  # a fine copy with fewer such pixels (half a small face) has no colour
_SKIN_IN_FACE = 0.2  # in colour photos, a face from the fine copy is at least this much skin
_CONFIRM_ZOOM = 1.5  # every face must be found again at this zoom (texture seldom is)
# Neighbours (overlapping hits) a cascade needs to call a face: few in the first search, which
# finds more faces (and more texture); more when found again; black-and-white photos have no
# skin to check by.
_NEIGHBOURS = {"colour": 2, "black-and-white": 3}
_CONFIRM_NEIGHBOURS = {"colour": 3, "black-and-white": 5}

# The cascades load once per process (loading costs more than a search) and are not safe to use
# from two threads at once, hence the lock.
_lock = threading.Lock()
_import_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class _Copy:
    """A grey copy of the photo for the search, and how to map its pixels back."""

    grey: npt.NDArray[np.uint8]
    factor: float  # photo pixels per copy pixel
    mirrored: bool = False

    def mirror(self) -> _Copy:
        return _Copy(np.ascontiguousarray(self.grey[:, ::-1]), self.factor, not self.mirrored)

    def to_photo(self, box: CropBox) -> CropBox:
        if self.mirrored:
            width = self.grey.shape[1]
            box = CropBox(width - box.right, box.top, width - box.left, box.bottom)
        return box.scaled(self.factor)


def detect_faces(image: Image.Image) -> tuple[CropBox, ...]:
    """Every face found in `image`, in its pixels, largest first."""
    return faces_in_search_copy(search_copy(image), image.width)


def search_copy(image: Image.Image) -> npt.NDArray[np.uint8]:
    """`image` in RGB with a short side of _FINE_SIDE (a small one enlarged at most 2×): what
    faces are searched on, and a cheap source for other small copies of the photo."""
    scale = min(_MAX_UPSCALE, _FINE_SIDE / min(image.size))
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    resized = image.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    return np.asarray(resized.convert("RGB"))


def faces_in_search_copy(rgb: npt.NDArray[np.uint8], photo_width: int) -> tuple[CropBox, ...]:
    """Every face in the photo whose `search_copy` is `rgb`, in the photo's pixels."""
    skin = _skin_mask(rgb)
    kind = "colour" if skin is not None else "black-and-white"
    copies = _octaves(_Copy(_grey(rgb), photo_width / rgb.shape[1]))
    profiles = next(c for c in copies if min(c.grey.shape) <= _PROFILE_SIDE)
    head = max(_WINDOW, round(_PROFILE_SMALLEST * min(profiles.grey.shape)))
    found: list[CropBox] = []
    with _lock:
        frontal, profile = _frontal_detector(), _profile_detector()
        for copy in copies[1:]:
            found += _faces(frontal, copy, kind)
        found += _faces(profile, profiles, kind, smallest=head, largest=0)
        found += _faces(profile, profiles.mirror(), kind, smallest=head, largest=0)
        fine = copies[0]
        portrait = bool(found) and min(f.height for f in found) >= (
            _SUBJECT_FACE * _LARGEST * fine.factor
        )
        found += _faces(frontal, fine, kind, skin, coarse=portrait)
    return _merged(found)


def _octaves(fine: _Copy) -> list[_Copy]:
    """The fine copy, then copies each _OCTAVE times smaller, down to the window's size."""
    import cv2

    copies = [fine]
    while True:
        height, width = copies[-1].grey.shape
        size = (round(width / _OCTAVE), round(height / _OCTAVE))
        if min(size) < _WINDOW:
            return copies
        grey = _uint8(cv2.resize(copies[-1].grey, size, interpolation=cv2.INTER_AREA))
        copies.append(_Copy(grey, copies[-1].factor * width / size[0]))


def _faces(
    detector: cv2.CascadeClassifier,
    copy: _Copy,
    kind: str,
    skin: npt.NDArray[np.bool_] | None = None,
    smallest: int = _WINDOW,
    largest: int = _LARGEST,
    coarse: bool = False,
) -> list[CropBox]:
    """The faces of `smallest` to `largest` px (0: any) in `copy`, each found again on a zoom;
    with `skin` (the fine copy of a colour photo) tile by tile, skipping tiles without skin and
    faces with little; `coarse`: fewer window sizes, one neighbour enough, proposed by the
    quicker cascade."""
    height, width = copy.grey.shape
    tiles = _tiles(width, height) if skin is not None else [CropBox(0, 0, width, height)]
    if coarse:  # the quicker, looser cascade proposes; `detector` confirms on the zoom
        proposer, neighbours, step = _bystander_detector(), 1, _COARSE_STEP
    else:
        proposer, neighbours, step = detector, _NEIGHBOURS[kind], _FINE_STEP
    found = []
    for tile in tiles:
        if skin is not None and _skin_share(skin, tile) == 0:
            continue
        grey = copy.grey[tile.top : tile.bottom, tile.left : tile.right]
        for box in _search(proposer, grey, neighbours, smallest, largest, step):
            box = box.shifted(tile.left, tile.top)
            if skin is not None and _skin_share(skin, box) < _SKIN_IN_FACE:
                continue
            if _confirmed(detector, copy.grey, box, _CONFIRM_NEIGHBOURS[kind]):
                found.append(copy.to_photo(box))
    return found


def prepare_detectors() -> None:
    """Load OpenCV and the face models ahead of time (e.g. while a photo decodes)."""
    for load in DETECTOR_LOADERS:
        load()


def load_opencv() -> None:
    """Import OpenCV, one thread at a time: its package replaces itself with the compiled
    module while it loads, and a second thread importing it then fails ("'cv2' is not a
    package"). Call before the first OpenCV work of a process that runs it in threads."""
    with _import_lock:
        import cv2.data  # noqa: F401


def _grey(rgb: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    import cv2

    return _uint8(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))


def _uint8(pixels: object) -> npt.NDArray[np.uint8]:
    """An OpenCV result, typed as the 8-bit image it is."""
    return cast(npt.NDArray[np.uint8], pixels)


def _search(
    detector: cv2.CascadeClassifier,
    grey: npt.NDArray[np.uint8],
    neighbours: int,
    smallest: int,
    largest: int = 0,
    step: float = _FINE_STEP,
) -> list[CropBox]:
    """The boxes `detector` finds in `grey`, from `smallest` to `largest` px (0: any), window
    sizes `step` times apart."""
    if min(grey.shape) < smallest:
        return []
    found = detector.detectMultiScale(
        grey,
        scaleFactor=step,
        minNeighbors=neighbours,
        minSize=(smallest, smallest),
        maxSize=(largest, largest),
    )
    return [CropBox(x, y, x + w, y + h) for x, y, w, h in np.asarray(found).reshape(-1, 4).tolist()]


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
    again = _search(detector, zoomed, neighbours, round(box.width * _CONFIRM_ZOOM * 0.8))
    origin = (box.left - pad, box.top - pad)
    return any(
        found.scaled(1 / _CONFIRM_ZOOM).shifted(*origin).intersection(box) > 0 for found in again
    )


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
    distance = cv2.LUT(ycrcb, _FROM_GREY)
    chroma = cv2.add(distance[..., 1], distance[..., 2])  # saturates at 255, far above the bar
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
def _bystander_detector() -> cv2.CascadeClassifier:
    return _cascade("haarcascade_frontalface_default.xml")


@cache
def _profile_detector() -> cv2.CascadeClassifier:
    return _cascade("haarcascade_profileface.xml")


def _cascade(name: str) -> cv2.CascadeClassifier:
    load_opencv()  # first: `cv2.data` is what a half-loaded OpenCV lacks
    import cv2

    return cv2.CascadeClassifier(cv2.data.haarcascades + name)


# Each loads OpenCV (once) and one face model: OpenCV parses the models without the GIL, so
# threads load them side by side.
DETECTOR_LOADERS: tuple[Callable[[], object], ...] = (
    _frontal_detector,
    _profile_detector,
    _bystander_detector,
)
