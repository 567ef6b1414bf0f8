"""Benchmark: how many platform crops keep the faces, over a grid of generated photos (every
aspect ratio, faces at each edge and corner, small faces, two faces far apart, a group); how
many bystanders (a face a quarter of a portrait's size or less) are found beside a portrait; how
many faces are found in photos of none (textures, in colour and in black and white); and how
long the crop signals and the face search take on a 12 MP photo, on a panorama and on a photo
of no face, against the face search before the grid (one frontal cascade on a copy 400 px
long), measured in turns.

    python bench/bench_faces.py [--verbose]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps

# The grid is the one the tests use.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from postready.pipeline.cropping import choose_crop_box, detect_crop_signals
from postready.pipeline.faces import detect_faces
from postready.pipeline.platforms import PLATFORMS
from tests.face_scenes import (
    ASPECTS,
    ASTRONAUT,
    BACKGROUNDS,
    FRONTAL_SOURCES,
    Placement,
    Scene,
    compose,
    crop_keeps_faces,
    face_grid,
)
from tests.images import skimage_photo

VARIANTS = [(spec.key, v) for spec in PLATFORMS.values() for v in spec.variants]
TIMED = {
    "12 MP 4000×3000": Scene(
        "12mp", (4000, 3000), "coffee", (Placement(ASTRONAUT, (0.7, 0.4), 0.2),)
    ),
    "panorama 4000×1536": Scene(
        "panorama", (4000, 1536), "studio", (Placement(ASTRONAUT, (0.0, 0.45), 0.18),)
    ),
    "12 MP, no face": Scene("12mp-empty", (4000, 3000), "chelsea", ()),
}
# Photos of no person: colour ones are also tried in black and white.
TEXTURES = {
    "colour": ("coffee", "rocket", "chelsea"),
    "grey": ("brick", "grass", "gravel", "moon", "coins"),
}
TEXTURE_SIZES = ((4000, 1536), (3000, 2000), (900, 1600), (1600, 1600))
# (subject, bystander) face heights, as shares of the short side.
BYSTANDERS = ((0.2, 0.05), (0.3, 0.06), (0.25, 0.045), (0.18, 0.07))


def grid(verbose: bool) -> None:
    crops = kept = photos = photos_kept = found = 0
    for index, scene in enumerate(face_grid()):
        composed = compose(scene, seed=index)
        signals = detect_crop_signals(composed.image)
        found += len(signals.faces) > 0
        misses = []
        for key, variant in VARIANTS:
            box = choose_crop_box(composed.image.size, variant.ratio, signals).box
            ok = crop_keeps_faces(box, composed.faces)
            crops += 1
            kept += ok
            if not ok:
                misses.append(f"{key}/{variant.name}")
        photos += 1
        photos_kept += not misses
        if verbose and misses:
            print(f"  {scene.name}: {len(signals.faces)} found, cut in {', '.join(misses)}")
    print(f"photos with a face found: {found}/{photos}")
    print(f"crops keeping every face: {kept}/{crops} ({kept / crops:.1%})")
    print(f"photos whose every crop keeps every face: {photos_kept}/{photos}")


def bystanders() -> None:
    missed = photos = 0
    for aspect, size in ASPECTS.items():
        for background in BACKGROUNDS:
            for subject, bystander in BYSTANDERS:
                photos += 1
                placements = (
                    Placement(FRONTAL_SOURCES[photos % 2], (0.25, 0.4), subject),
                    Placement(FRONTAL_SOURCES[(photos + 1) % 2], (0.9, 0.7), bystander),
                )
                scene = compose(Scene(aspect, size, background, placements), seed=photos)
                small = scene.faces[1]
                found = detect_faces(scene.image)
                missed += not any(small.intersection(box) > 0.5 * small.area for box in found)
    print(f"bystanders beside a portrait missed: {missed}/{photos}")


def textures() -> None:
    colour = grey = photos = 0
    for kind, names in TEXTURES.items():
        for name in names:
            photo = skimage_photo(name).convert("RGB")
            for size in TEXTURE_SIZES:
                fitted = ImageOps.fit(photo, size)
                if kind == "colour":
                    colour += len(detect_faces(fitted))
                grey += len(detect_faces(fitted.convert("L").convert("RGB")))
                photos += 1 + (kind == "colour")
    print(f"faces found in {photos} photos of none: {colour} in colour, {grey} in black and white")


def pre_grid_search(image: Image.Image) -> object:
    """Faces as they were looked for before the grid: the frontal cascade on a copy 400 px
    long, from 6 % of its short side (at least 24 px)."""
    scale = min(1.0, 400 / max(image.size))
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    small = image.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0).convert("L")
    smallest = max(24, round(min(size) * 0.06))
    return _pre_grid_cascade().detectMultiScale(
        np.asarray(small), scaleFactor=1.1, minNeighbors=5, minSize=(smallest, smallest)
    )


@cache
def _pre_grid_cascade() -> cv2.CascadeClassifier:
    return cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_alt2.xml")


def timings(repeat: int) -> None:
    for label, scene in TIMED.items():
        image = compose(scene).image
        methods: dict[str, Callable[[Image.Image], object]] = {
            "detect_crop_signals": detect_crop_signals,
            "detect_faces": detect_faces,
            "pre-grid face search": pre_grid_search,
        }
        samples: dict[str, list[float]] = {name: [] for name in methods}
        for method in methods.values():
            method(image)  # load the models
        for _ in range(repeat):  # in turns, so that the machine's load falls on both alike
            for name, method in methods.items():
                started = time.perf_counter()
                method(image)
                samples[name].append((time.perf_counter() - started) * 1000)
        signals, faces, before = (statistics.median(samples[name]) for name in methods)
        print(
            f"{label}: detect_crop_signals {signals:.0f} ms, detect_faces {faces:.0f} ms, "
            f"the pre-grid face search {before:.0f} ms ({faces / before:.1f}×; medians)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list the crops that cut a face")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    grid(args.verbose)
    bystanders()
    textures()
    timings(args.repeat)


if __name__ == "__main__":
    main()
