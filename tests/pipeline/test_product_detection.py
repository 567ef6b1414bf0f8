"""Product-shot detection: plain backdrop, one object, no faces."""

from __future__ import annotations

import pytest

from postready.pipeline.cropping import detect_crop_signals
from postready.pipeline.product_detection import detect_product, is_product_shot
from tests.images import encode, skimage_photo, textured
from tests.product_images import product_photo


def detect(image):
    return is_product_shot(image, detect_crop_signals(image))


@pytest.mark.parametrize("backdrop", ["white", "studio", "pastel"])
@pytest.mark.parametrize("product", ["bottle", "mug", "box"])
def test_products_on_plain_backdrops_are_suitable(product, backdrop) -> None:
    photo = product_photo(product, backdrop)
    detection = detect(photo.image)
    assert detection.suitable, detection.reason
    assert detection.plain_background and detection.humans == 0
    assert detection.coverage == pytest.approx(photo.mask.mean(), abs=0.03)


def test_people_busy_scenes_and_empty_frames_are_not() -> None:
    from PIL import Image

    people = detect(skimage_photo("astronaut"))
    assert not people.suitable and people.humans >= 1 and "face" in people.reason
    busy = detect(product_photo("mug", "busy").image)
    assert not busy.suitable and not busy.plain_background
    texture = detect(textured((800, 600)))
    assert not texture.suitable
    empty = detect(Image.new("RGB", (600, 400), (230, 230, 230)))
    assert not empty.suitable and "no clear main object" in empty.reason
    assert empty.to_json()["suitable"] is False


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_a_large_photo_is_judged_from_a_reduced_decode_as_well_as_whole(fmt, monkeypatch) -> None:
    from PIL import Image, PngImagePlugin

    large = product_photo("bottle", "studio").image.resize((2400, 1800), Image.Resampling.BILINEAR)
    whole = detect(large)
    data = encode(large, fmt)
    monkeypatch.setattr(PngImagePlugin.PngImageFile, "load", lambda self: pytest.fail("whole"))
    reduced = detect_product(data)
    assert reduced.suitable and whole.suitable, reduced.reason
    assert reduced.coverage == pytest.approx(whole.coverage, abs=0.01)
