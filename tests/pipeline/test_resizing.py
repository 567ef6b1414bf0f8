"""Resizing a crop window: exact sizes, capped enlargement, clean transparent edges."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from postready.pipeline.boxes import CropBox
from postready.pipeline.resizing import resize_crop
from tests.images import textured


@pytest.mark.parametrize(
    ("box", "target"),
    [
        (CropBox(500, 0, 3500, 3000), (1080, 1080)),
        (CropBox(0, 375, 4000, 2625), (1600, 900)),
        (CropBox(0, 0, 1000, 1500), (1000, 1500)),  # already the right size
        (CropBox(10, 10, 1090, 1361), (1080, 1350)),  # one pixel off after rounding
    ],
)
def test_output_has_the_exact_target_size(box, target) -> None:
    resized = resize_crop(np.asarray(textured((4000, 3000))), "RGB", box, target)
    assert resized.image.size == target
    assert resized.image.mode == "RGB"
    assert not resized.upscale_limited


def test_the_crop_window_is_what_gets_resized() -> None:
    image = Image.new("RGB", (2000, 1000), (0, 0, 255))
    image.paste((255, 0, 0), (1000, 0, 2000, 1000))
    resized = resize_crop(np.asarray(image), "RGB", CropBox(1000, 0, 2000, 1000), (500, 500))
    resized = resized.image
    assert np.asarray(resized)[..., 0].min() > 240  # all red: nothing from the blue half


def test_enlargement_is_capped_at_twice_with_the_target_ratio() -> None:
    pixels = np.asarray(textured((600, 400)))
    resized = resize_crop(pixels, "RGB", CropBox(0, 31, 600, 369), (1600, 900))
    assert resized.upscale_limited
    assert resized.image.size == (1200, 675)


def test_transparent_pixels_do_not_bleed_into_edges() -> None:
    rgba = np.zeros((1000, 1000, 4), np.uint8)
    rgba[..., 0] = 255  # invisible red everywhere
    rgba[:, 500:] = (0, 0, 255, 255)  # opaque blue on the right
    resized = resize_crop(rgba, "RGBA", CropBox(0, 0, 1000, 1000), (333, 333))
    pixels = np.asarray(resized.image)
    edge = pixels[:, 160:175]
    visible = edge[edge[..., 3] > 20]
    assert visible.size and visible[:, 0].max() < 40  # no red fringe on the blue edge
    assert resized.image.mode == "RGBA"
