"""Encoding under byte limits, with private metadata stripped and sRGB embedded."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageCms

from postready.pipeline import encoding
from postready.pipeline.encoding import MAX_QUALITY, encode_under_limit, public_exif
from postready.pipeline.errors import ErrorCode, PostReadyError
from tests.images import textured

GPS_IFD, ORIENTATION, ARTIST, COPYRIGHT = 0x8825, 0x0112, 0x013B, 0x8298


@pytest.fixture(scope="module")
def photo() -> Image.Image:
    return textured((1080, 1350))


def test_fits_at_the_top_quality_when_the_limit_is_generous(photo) -> None:
    encoded = encode_under_limit(photo, "jpeg", 8_000_000)
    assert encoded.quality == MAX_QUALITY
    assert not encoded.shrunk
    assert Image.open(io.BytesIO(encoded.data)).size == (1080, 1350)


@pytest.mark.parametrize("fmt", ["jpeg", "webp"])
def test_quality_search_finds_the_highest_quality_that_fits(photo, fmt) -> None:
    limit = len(encode_under_limit(photo, fmt, 10**9).data) * 6 // 10
    encoded = encode_under_limit(photo, fmt, limit)
    assert len(encoded.data) <= limit
    assert not encoded.shrunk
    assert encoded.quality is not None and encoded.quality < MAX_QUALITY
    one_better = encoding._encode(photo, fmt, encoded.quality + 1, b"")
    assert len(one_better) > limit


def test_jpeg_is_baseline_with_srgb_profile(photo) -> None:
    decoded = Image.open(io.BytesIO(encode_under_limit(photo, "jpeg", 8_000_000).data))
    assert not decoded.info.get("progressive") and not decoded.info.get("progression")
    profile = ImageCms.ImageCmsProfile(io.BytesIO(decoded.info["icc_profile"]))
    assert "sRGB" in ImageCms.getProfileDescription(profile)


def test_private_exif_is_stripped_and_credits_kept(photo) -> None:
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[ARTIST] = "Ada Maker"
    exif[COPYRIGHT] = "(c) Ada Maker"
    exif[0x010F] = "PhoneCo"  # Make
    exif.get_ifd(GPS_IFD).update({2: (52.0, 31.0, 12.0), 4: (13.0, 24.0, 0.0)})
    kept = public_exif(exif)
    decoded = Image.open(io.BytesIO(encode_under_limit(photo, "jpeg", 8_000_000, kept).data))
    out = decoded.getexif()
    assert out.get(ARTIST) == "Ada Maker"
    assert out.get(COPYRIGHT) == "(c) Ada Maker"
    assert ORIENTATION not in out and 0x010F not in out
    assert not out.get_ifd(GPS_IFD)


def test_no_exif_at_all_when_nothing_is_worth_keeping(photo) -> None:
    exif = Image.Exif()
    exif.get_ifd(GPS_IFD)[2] = (1.0, 2.0, 3.0)
    assert public_exif(exif) == b""
    decoded = Image.open(io.BytesIO(encode_under_limit(photo, "jpeg", 8_000_000).data))
    assert len(decoded.getexif()) == 0


def test_transparency_is_flattened_onto_white_for_jpeg() -> None:
    rgba = Image.new("RGBA", (400, 400), (255, 0, 0, 0))
    rgba.paste((0, 0, 255, 255), (0, 0, 200, 400))
    decoded = Image.open(io.BytesIO(encode_under_limit(rgba, "jpeg", 1_000_000).data))
    assert decoded.mode == "RGB"
    assert min(decoded.getpixel((350, 200))) > 245  # white, not the hidden red
    assert decoded.getpixel((50, 200))[2] > 230


@pytest.mark.parametrize("fmt", ["png", "webp"])
def test_alpha_survives_in_png_and_webp(fmt) -> None:
    rgba = Image.new("RGBA", (400, 400), (255, 0, 0, 0))
    decoded = Image.open(io.BytesIO(encode_under_limit(rgba, fmt, 1_000_000).data))
    assert decoded.mode == "RGBA"
    assert decoded.getpixel((5, 5))[3] == 0


def test_png_over_the_limit_is_shrunk(photo) -> None:
    encoded = encode_under_limit(photo, "png", 1_000_000)
    assert encoded.shrunk
    assert len(encoded.data) <= 1_000_000
    assert encoded.width < 1080 and encoded.quality is None
    assert abs(encoded.width / encoded.height - 0.8) < 0.01


def test_impossible_limit_is_a_clear_error(photo) -> None:
    with pytest.raises(PostReadyError) as caught:
        encode_under_limit(photo, "jpeg", 1_000)
    assert caught.value.code == ErrorCode.ENCODING_FAILED
