"""Content-aware crop: find faces and salient regions once per photo, then choose for each
target aspect ratio the largest window that keeps the faces whole and holds the most saliency.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal, cast

import numpy as np
import numpy.typing as npt
from PIL import Image

from postready.pipeline.boxes import CropBox
from postready.pipeline.faces import faces_in_search_copy, load_opencv, search_copy

CropMethod = Literal["none", "faces", "saliency", "centre"]

_ANALYSIS_SIDE = 400  # saliency works on a copy this long: fast, and fine enough to place a crop
# A detected box is brows to mouth: grown by these shares of its size to the whole face, ear to
# ear across, forehead above and (further) the chin below.
_FACE_ACROSS = 0.15
_FOREHEAD = 0.1
_CHIN = 0.25
_FACE_ROOM = 0.25  # and keep hair and chin too where the window allows
_HEADROOM = 0.5  # above a face, when the window slides vertically: not glued to the top edge
_CENTRE_TOLERANCE = 0.03  # prefer the centred window unless another holds 3 % more saliency
_EDGE_BAND = 0.08  # width of the strip at each crop edge whose saliency counts against it
_CENTRE_PRIOR = 0.5  # saliency at the corners counts half as much as at the centre
_SUBJECT_LEVEL = 0.35  # a subject: where the saliency profile is above this share of its peak
_SUBJECT_SHIFT = 0.15  # a window moves at most this share of its length to keep one whole


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


def detect_crop_signals(
    image: Image.Image, search: npt.NDArray[np.uint8] | None = None
) -> CropSignals:
    """Faces (Haar cascades) and a fine-grained saliency map, on small copies; `search` is
    the image's `search_copy` when the caller made it already (in the thread that decoded
    the photo, say)."""
    if search is None:
        search = search_copy(image)
    load_opencv()
    # The two detectors are independent and OpenCV releases the GIL: run them side by side.
    with ThreadPoolExecutor(1) as helper:
        saliency_future = helper.submit(saliency_map, image.size, search)
        faces = faces_in_search_copy(search, image.width)
        saliency = saliency_future.result()
    return crop_signals(image.size, faces, saliency)


def saliency_map(size: tuple[int, int], search: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    """The saliency of a photo of `size` from its `search_copy`, on a copy _ANALYSIS_SIDE px
    long (float32, 0..1)."""
    import cv2

    scale = min(1.0, _ANALYSIS_SIDE / max(size))
    small_size = (max(1, round(size[0] * scale)), max(1, round(size[1] * scale)))
    small = cv2.resize(search, small_size, interpolation=cv2.INTER_AREA)
    return _saliency_map(cast(npt.NDArray[np.uint8], small))


def crop_signals(
    size: tuple[int, int], faces: tuple[CropBox, ...], saliency: npt.NDArray[np.float32]
) -> CropSignals:
    """The signals of a photo of `size`: its faces count as fully salient."""
    factor = saliency.shape[1] / size[0]
    for face in faces:
        left, top, right, bottom = face.scaled(factor).as_tuple()
        saliency[top:bottom, left:right] = 1.0
    return CropSignals(size, faces, saliency)


def _saliency_map(rgb: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
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

    constraint = _face_constraint(signals.faces, crop_width, length, window, starts)
    if constraint is not None and not constraint.clean:
        narrower = _uncut_crop(signals.faces, size, target_ratio, crop_width, window)
        if narrower is not None:
            return CropChoice(narrower, "faces")
    method: CropMethod = "faces" if constraint is not None else "saliency"
    allowed = constraint.allowed if constraint is not None else np.ones(starts.size, np.bool_)
    scores = np.where(allowed, scores, -np.inf)
    best = int(starts[np.argmax(scores)])
    best_score = scores[best]
    centre_score = scores[centred]
    if np.isfinite(centre_score) and centre_score >= best_score * (1 - _CENTRE_TOLERANCE):
        best = centred
        if method == "saliency":
            method = "centre"
    best = _keep_subjects_whole(profile, factor, best, window, allowed)
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


@dataclass(frozen=True, slots=True)
class _FaceConstraint:
    allowed: npt.NDArray[np.bool_]  # per window start
    clean: bool  # the allowed starts cut no face


def _face_constraint(
    faces: tuple[CropBox, ...],
    crop_width: bool,
    length: int,
    window: int,
    starts: npt.NDArray[np.intp],
) -> _FaceConstraint | None:
    """Which window starts keep the faces: none cut, then the most face area kept whole (all
    faces when they fit together, else the largest cluster), then room around them (hair, chin,
    headroom) where the window allows. A face larger than the window is centred instead."""
    if not faces:
        return None
    face = np.array([_face_span(f, crop_width, length) for f in faces])
    spans = np.array([(f.left, f.right) if crop_width else (f.top, f.bottom) for f in faces])
    extent = (spans[:, 1] - spans[:, 0]).astype(np.float64)
    above = _FACE_ROOM if crop_width else _HEADROOM
    room = np.stack([spans[:, 0] - extent * above, spans[:, 1] + extent * _FACE_ROOM], 1)
    room = np.clip(room, 0, length)
    area = np.array([f.area for f in faces], np.float64)

    widest = int(np.argmax(face[:, 1] - face[:, 0]))
    if face[widest, 1] - face[widest, 0] > window:
        middle = (face[widest, 0] + face[widest, 1]) / 2
        offset = np.abs(starts + window / 2 - middle)
        return _FaceConstraint(offset == offset.min(), clean=True)

    low = starts[:, None].astype(np.float64)
    high = low + window
    whole = (low <= face[:, 0]) & (high >= face[:, 1])
    cut = (low < face[:, 1]) & (high > face[:, 0]) & ~whole
    kept = (whole * area).sum(axis=1)
    cut_area = (cut * area).sum(axis=1)
    roomy = ((low <= room[:, 0]) & (high >= room[:, 1]) & whole).astype(np.float64) @ area
    allowed: npt.NDArray[np.bool_] = kept > 0
    allowed &= cut_area == cut_area[allowed].min()
    allowed &= kept == kept[allowed].max()
    allowed &= roomy == roomy[allowed].max()
    return _FaceConstraint(allowed, clean=bool(cut_area[allowed].min() == 0))


def _face_span(face: CropBox, crop_width: bool, length: int) -> tuple[float, float]:
    """The face along the window's axis, grown from the detector's box (brows to mouth) to
    forehead and chin."""
    low, high = (face.left, face.right) if crop_width else (face.top, face.bottom)
    before, after = (_FACE_ACROSS, _FACE_ACROSS) if crop_width else (_FOREHEAD, _CHIN)
    return max(0.0, low - (high - low) * before), min(float(length), high + (high - low) * after)


def _uncut_crop(
    faces: tuple[CropBox, ...],
    size: tuple[int, int],
    target_ratio: float,
    crop_width: bool,
    window: int,
) -> CropBox | None:
    """When every placement of the largest window cuts a face (two faces closer than the
    window is long), a narrower window of the same ratio between them: the cluster of
    neighbouring faces with the most face area, whole, and no face cut."""
    length, across = size if crop_width else (size[1], size[0])
    order = sorted(faces, key=lambda f: _face_span(f, crop_width, length)[0])
    spans = [_face_span(f, crop_width, length) for f in order]
    best: tuple[tuple[float, float], float, float] | None = None
    for first in range(len(order)):
        before = max((high for _, high in spans[:first]), default=0.0)
        if before > spans[first][0]:
            continue  # overlaps the face before it: not separable here
        cluster_high, kept = 0.0, 0.0
        for last in range(first, len(order)):
            cluster_high = max(cluster_high, spans[last][1])
            kept += order[last].area
            after = min((low for low, _ in spans[last + 1 :]), default=float(length))
            span = min(float(window), after - before)
            if after < cluster_high or span < cluster_high - spans[first][0]:
                continue
            middle = (spans[first][0] + cluster_high) / 2
            start = min(max(middle - span / 2, before), after - span)
            if best is None or (kept, span) > best[0]:
                best = ((kept, span), start, span)
    if best is None:
        return None
    _, start, span = best
    kept_faces = [
        f
        for f, (low, high) in zip(order, spans, strict=True)
        if start <= low and high <= start + span
    ]
    other = min(across, span / target_ratio if crop_width else span * target_ratio)
    centre = sum(
        ((f.top + f.bottom) if crop_width else (f.left + f.right)) / 2 for f in kept_faces
    ) / len(kept_faces)
    other_start = min(max(centre - other / 2, 0.0), across - other)
    low, high = math.ceil(start), math.floor(start + span)
    other_low, other_high = round(other_start), round(other_start + other)
    if crop_width:
        return CropBox(low, other_low, high, other_high)
    return CropBox(other_low, low, other_high, high)


def _keep_subjects_whole(
    profile: npt.NDArray[np.float64],
    factor: float,
    best: int,
    window: int,
    allowed: npt.NDArray[np.bool_],
) -> int:
    """Shift the window a little when that keeps a salient subject it cuts whole: the subjects
    are the runs of the saliency profile above a share of its peak."""
    peak = float(profile.max())
    if peak <= 0:
        return best
    above = np.concatenate(([False], profile > _SUBJECT_LEVEL * peak, [False]))
    edges = np.flatnonzero(np.diff(above.astype(np.int8)))
    limit = round(_SUBJECT_SHIFT * window)
    for run_start, run_end in zip(edges[::2], edges[1::2], strict=True):
        low, high = int(run_start / factor), int(np.ceil(run_end / factor))
        if high - low > window or not (best < low < best + window or best < high < best + window):
            continue
        target = low if low < best else high - window
        shift = target - best
        if abs(shift) <= limit and 0 <= target < allowed.size and allowed[target]:
            return target
    return best


def _box(start: int, window: int, size: tuple[int, int], crop_width: bool) -> CropBox:
    width, height = size
    if crop_width:
        return CropBox(start, 0, start + window, height)
    return CropBox(0, start, width, start + window)
