"""Benchmark: how many platform crops keep the faces, over a grid of generated photos (every
aspect ratio, faces at each edge and corner, small faces, two faces far apart, a group), and
how long face detection takes on a 12 MP photo and on a panorama.

    python bench/bench_faces.py [--verbose]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

# The grid is the one the tests use.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from postready.pipeline.cropping import choose_crop_box, detect_crop_signals
from postready.pipeline.platforms import PLATFORMS
from tests.face_scenes import (
    ASTRONAUT,
    Placement,
    Scene,
    compose,
    crop_keeps_faces,
    face_grid,
)

VARIANTS = [(spec.key, v) for spec in PLATFORMS.values() for v in spec.variants]
TIMED = {
    "12 MP 4000×3000": Scene(
        "12mp", (4000, 3000), "coffee", (Placement(ASTRONAUT, (0.7, 0.4), 0.2),)
    ),
    "panorama 4000×1536": Scene(
        "panorama", (4000, 1536), "studio", (Placement(ASTRONAUT, (0.0, 0.45), 0.18),)
    ),
}


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


def timings(repeat: int) -> None:
    for label, scene in TIMED.items():
        image = compose(scene).image
        detect_crop_signals(image)  # load the models
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            detect_crop_signals(image)
            samples.append((time.perf_counter() - started) * 1000)
        print(f"detect_crop_signals on {label}: median {statistics.median(samples):.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list the crops that cut a face")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    grid(args.verbose)
    timings(args.repeat)


if __name__ == "__main__":
    main()
