"""Faces kept in every platform's crop: photos composed with faces of known place and size,
in every aspect ratio, checked against every variant of every platform."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from PIL import Image, ImageOps

from postready.pipeline.boxes import CropBox
from postready.pipeline.cropping import CropSignals, choose_crop_box, detect_crop_signals
from postready.pipeline.faces import detect_faces
from postready.pipeline.platforms import PLATFORMS
from tests.face_scenes import (
    ASTRONAUT,
    ASTRONAUT_MIRRORED,
    CAMERAMAN,
    Placement,
    Scene,
    compose,
    crop_keeps_faces,
    face_grid,
)

# Every shape of every platform, once: variants of the same ratio get the same crop.
VARIANTS = list(
    {
        round(variant.ratio, 4): (spec.key, variant)
        for spec in reversed(PLATFORMS.values())
        for variant in reversed(spec.variants)
    }.values()
)
GRID = face_grid()


def _cut_crops(image: Image.Image, faces: tuple[CropBox, ...]) -> list[str]:
    signals = detect_crop_signals(image)
    return [
        f"{key}/{variant.name}"
        for key, variant in VARIANTS
        if not crop_keeps_faces(choose_crop_box(image.size, variant.ratio, signals).box, faces)
    ]


@pytest.mark.parametrize("scene", GRID, ids=[scene.name for scene in GRID])
def test_every_crop_keeps_the_faces(scene: Scene) -> None:
    composed = compose(scene, seed=GRID.index(scene))
    assert _cut_crops(composed.image, composed.faces) == []


def test_the_grid_covers_every_case() -> None:
    assert len(GRID) >= 40
    ratios = {round(scene.size[0] / scene.size[1], 2) for scene in GRID}
    assert max(ratios) >= 2.5 and min(ratios) <= 1 / 3 and 1.0 in ratios
    heights = {p.height for scene in GRID for p in scene.placements}
    assert min(heights) <= 0.04
    corners = {p.at for scene in GRID for p in scene.placements}
    assert {(0.0, 0.45), (1.0, 0.55), (0.35, 0.0), (0.65, 1.0)} <= corners


def test_the_issue_panorama_keeps_the_face_far_left() -> None:
    scene = Scene("panorama", (4000, 1536), "studio", (Placement(ASTRONAUT, (0.0, 0.45), 0.18),))
    composed = compose(scene)
    signals = detect_crop_signals(composed.image)
    assert len(signals.faces) == 1
    choice = choose_crop_box(composed.image.size, 2 / 3, signals)
    assert choice.method == "faces"
    assert choice.box.contains(composed.faces[0])


@pytest.mark.parametrize(
    ("size", "at"),
    [((3600, 1200), (0.97, 0.2)), ((1200, 3600), (0.1, 0.95)), ((1600, 1600), (0.05, 0.9))],
)
def test_a_face_of_four_percent_is_found_in_any_aspect(
    size: tuple[int, int], at: tuple[float, float]
) -> None:
    composed = compose(Scene("small", size, "coffee", (Placement(ASTRONAUT, at, 0.04),)))
    (face,) = composed.faces
    found = detect_faces(composed.image)
    assert any(face.intersection(box) > 0.5 * face.area for box in found)


def test_a_small_face_is_found_beside_one_not_much_larger() -> None:
    # The smallest faces are looked for last, and skipped only beside faces half as large
    # again as any of them (a portrait's bystanders): here both are people in the photo.
    placements = (Placement(ASTRONAUT, (0.15, 0.5), 0.09), Placement(ASTRONAUT, (0.85, 0.4), 0.05))
    composed = compose(Scene("two sizes", (2400, 1600), "studio", placements))
    found = detect_faces(composed.image)
    for face in composed.faces:
        assert any(face.intersection(box) > 0.5 * face.area for box in found)


@pytest.mark.parametrize("background", ["studio", "coffee", "brick"])
def test_a_bystander_beside_a_portrait_is_found(background: str) -> None:
    # Beside a large face the smallest faces are still looked for (coarsely): a crop that
    # keeps the subject must not cut a bystander in half either.
    placements = (Placement(ASTRONAUT, (0.3, 0.4), 0.2), Placement(ASTRONAUT, (0.9, 0.7), 0.05))
    composed = compose(Scene("portrait", (3000, 2000), background, placements))
    found = detect_faces(composed.image)
    for face in composed.faces:
        assert any(face.intersection(box) > 0.5 * face.area for box in found)


def test_profile_faces_are_found_either_way_round() -> None:
    for source in (CAMERAMAN, ASTRONAUT_MIRRORED):
        composed = compose(
            Scene("profile", (2400, 1000), "studio", (Placement(source, (0.15, 0.5), 0.2),))
        )
        (face,) = composed.faces
        assert any(face.intersection(box) > 0 for box in detect_faces(composed.image))
    mirrored = compose(
        Scene("profile", (2400, 1000), "studio", (Placement(CAMERAMAN, (0.85, 0.5), 0.2),))
    )
    flipped = mirrored.image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    assert detect_faces(flipped)


def test_no_faces_in_texture() -> None:
    from tests.images import skimage_photo

    for name in ("coffee", "rocket", "chelsea"):
        photo = skimage_photo(name)
        for size in ((2400, 920), (900, 1600)):
            assert detect_faces(ImageOps.fit(photo, size)) == ()


def _signals(size: tuple[int, int], faces: tuple[CropBox, ...]) -> CropSignals:
    return CropSignals(size, faces, np.zeros((size[1] // 10, size[0] // 10), np.float32))


def test_a_group_that_fits_is_kept_whole() -> None:
    group = (CropBox(700, 400, 800, 500), CropBox(850, 420, 940, 510), CropBox(990, 380, 1100, 490))
    choice = choose_crop_box((3000, 1000), 0.8, _signals((3000, 1000), group))
    assert all(choice.box.contains(face) for face in group)


def test_the_largest_cluster_is_kept_and_no_face_cut() -> None:
    pair = (CropBox(2300, 400, 2420, 520), CropBox(2500, 410, 2610, 520))
    single = CropBox(200, 300, 350, 450)  # larger than either, smaller than the pair together
    faces = (*pair, single)
    choice = choose_crop_box((3000, 1000), 0.8, _signals((3000, 1000), faces))
    assert all(choice.box.contains(face) for face in pair)
    assert choice.box.intersection(single) == 0


def test_faces_closer_than_the_window_give_a_narrower_crop_that_cuts_neither() -> None:
    left, right = CropBox(40, 700, 250, 920), CropBox(1300, 1100, 1450, 1250)
    size = (1500, 2000)
    choice = choose_crop_box(size, 2 / 3, _signals(size, (left, right)))
    assert choice.box.contains(left)
    assert choice.box.intersection(right) == 0
    assert abs(choice.box.width / choice.box.height - 2 / 3) < 0.01
    assert CropBox(0, 0, *size).contains(choice.box)


def test_a_single_face_has_headroom() -> None:
    face = CropBox(500, 900, 620, 1020)
    choice = choose_crop_box((1000, 3000), 1.0, _signals((1000, 3000), (face,)))
    assert choice.box.contains(face)
    assert face.top - choice.box.top >= 0.5 * face.height


def test_a_subject_cut_by_the_edge_is_kept_whole_by_a_small_shift() -> None:
    # A bright bar just wider than where the saliency optimum alone would put the edge.
    saliency = np.zeros((100, 300), np.float32)
    saliency[30:70, 95:140] = 1.0
    saliency[40:60, 150:160] = 0.4
    size = (3000, 1000)
    choice = choose_crop_box(size, 1.0, CropSignals(size, (), saliency))
    assert choice.box.contains(CropBox(950, 300, 1400, 700))


def test_threads_can_load_the_face_models_before_opencv_is_loaded() -> None:
    # OpenCV's package replaces itself with its compiled module while it loads: a thread
    # importing `cv2.data` meanwhile failed ("'cv2' is not a package"). A fresh interpreter, so
    # that OpenCV is not loaded yet; the threads start together.
    script = """
import threading
from postready.pipeline.faces import prepare_detectors
start = threading.Barrier(4)
errors = []
def run():
    start.wait()
    try:
        prepare_detectors()
    except Exception as exc:
        errors.append(repr(exc))
threads = [threading.Thread(target=run) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
assert not errors, errors
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
