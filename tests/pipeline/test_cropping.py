"""Content-aware crop: faces stay whole, salient subjects stay in frame, centre otherwise."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from postready.pipeline.boxes import CropBox
from postready.pipeline.cropping import (
    CropSignals,
    choose_crop_box,
    detect_crop_signals,
)
from tests.images import skimage_photo

RATIOS = [4 / 5, 3 / 4, 1.0, 1.91, 16 / 9, 2 / 3, 9 / 16]


def subject_on_plain_background(
    size: tuple[int, int], centre: tuple[int, int], radius: int
) -> tuple[Image.Image, CropBox]:
    image = Image.new("RGB", size, (236, 234, 230))
    draw = ImageDraw.Draw(image)
    x, y = centre
    box = CropBox(x - radius, y - radius, x + radius, y + radius)
    draw.ellipse(box.as_tuple(), fill=(200, 30, 40), outline=(60, 10, 10), width=6)
    draw.rectangle((x - radius // 3, y - radius // 3, x, y), fill=(250, 220, 40))
    return image, box


@pytest.mark.parametrize("ratio", RATIOS)
def test_crop_has_the_target_ratio_and_stays_inside(ratio: float) -> None:
    image = skimage_photo("rocket")
    choice = choose_crop_box(image.size, ratio, detect_crop_signals(image))
    box = choice.box
    assert CropBox(0, 0, *image.size).contains(box)
    assert abs(box.width / box.height - ratio) < 0.01
    # The largest window of that ratio: one side is the full image side.
    assert box.width == image.width or box.height == image.height


@pytest.mark.parametrize("ratio", RATIOS)
def test_faces_stay_whole(ratio: float) -> None:
    image = skimage_photo("astronaut")
    signals = detect_crop_signals(image)
    assert len(signals.faces) == 1
    face = signals.faces[0]
    assert CropBox(150, 40, 300, 190).contains(face)  # where Eileen Collins' face is
    choice = choose_crop_box(image.size, ratio, signals)
    assert choice.box.contains(face)
    assert choice.method in ("faces", "none")


def test_face_far_from_the_centre_is_kept() -> None:
    portrait = skimage_photo("astronaut").crop((100, 0, 380, 512))
    canvas = Image.new("RGB", (1600, 512), (90, 120, 160))
    canvas.paste(portrait, (0, 0))
    signals = detect_crop_signals(canvas)
    assert signals.faces
    choice = choose_crop_box(canvas.size, 4 / 5, signals)
    assert choice.method == "faces"
    assert all(choice.box.contains(face) for face in signals.faces)
    assert choice.box.left < 100


@pytest.mark.parametrize("centre_x", [180, 600, 1020])
def test_salient_subject_stays_in_frame(centre_x: int) -> None:
    image, subject = subject_on_plain_background((1200, 800), (centre_x, 420), 150)
    choice = choose_crop_box(image.size, 4 / 5, detect_crop_signals(image))
    assert choice.box.contains(subject)


def test_tall_crop_follows_the_subject_vertically() -> None:
    image, subject = subject_on_plain_background((600, 1600), (300, 1350), 160)
    choice = choose_crop_box(image.size, 1.0, detect_crop_signals(image))
    assert choice.box.contains(subject)
    assert choice.method == "saliency"


def test_featureless_image_is_centre_cropped() -> None:
    flat = Image.new("RGB", (1200, 800), (128, 128, 128))
    choice = choose_crop_box(flat.size, 1.0, detect_crop_signals(flat))
    assert choice.box == CropBox(200, 0, 1000, 800)
    assert choice.method == "centre"


def test_without_signals_the_crop_is_centred() -> None:
    assert choose_crop_box((1000, 500), 1.0).box == CropBox(250, 0, 750, 500)


def test_same_ratio_needs_no_crop() -> None:
    choice = choose_crop_box((1080, 1350), 0.8)
    assert choice.box == CropBox(0, 0, 1080, 1350)
    assert choice.method == "none"


def test_largest_face_wins_when_faces_cannot_all_fit() -> None:
    saliency = np.zeros((100, 200), np.float32)
    small, large = CropBox(10, 40, 30, 60), CropBox(150, 20, 190, 70)
    signals = CropSignals((2000, 1000), (small.scaled(10), large.scaled(10)), saliency)
    choice = choose_crop_box((2000, 1000), 0.8, signals)
    assert choice.box.contains(large.scaled(10))
    assert not choice.box.contains(small.scaled(10))


def test_signals_are_in_the_coordinates_of_the_image_given() -> None:
    image = skimage_photo("astronaut").resize((1024, 1024))
    signals = detect_crop_signals(image)
    assert signals.size == (1024, 1024)
    (face,) = signals.faces
    assert CropBox(300, 80, 600, 380).contains(face)
    assert signals.saliency.max() == pytest.approx(1.0)


@pytest.mark.parametrize("ratio", [4 / 5, 3 / 4, 1.0])
def test_coffee_cup_stays_in_frame(ratio: float) -> None:
    image = skimage_photo("coffee")  # 600×400; the cup's rim spans about x 175-400, y 20-200
    choice = choose_crop_box(image.size, ratio, detect_crop_signals(image))
    assert choice.box.contains(CropBox(175, 20, 400, 200))
